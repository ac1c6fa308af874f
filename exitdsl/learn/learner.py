"""From pairs to a rule file: cluster the changes, then, per cluster, the simplest action
and the most general pattern that reproduce every pair byte for byte (a pattern that
also rewrites code the pair left alone reproduces nothing, so it is passed over)."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from ..compiler.ruleset import RuleSet
from ..errors import ExitdslError
from ..text.parsing import parses
from . import check, emit
from .antiunify import Pattern, capture, ladder, word
from .difference import Change, changes, differing
from .fit import Action, expressions, value
from .pairs import Pair

_TIERS = {"keyword": "parametric", "assign": "parametric", "op": "relational",
          "add": "structural", "remove": "structural"}
_OPERATOR_WORDS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne"}




@dataclass(frozen=True)
class Learnt:
    rule_id: str
    pairs: tuple[str, ...]
    pattern: Pattern
    action: Action
    text: str  # the rule and its test blocks
    changes: tuple[Change, ...] = ()  # the cluster it reproduces


@dataclass(frozen=True)
class Refused:
    pairs: tuple[str, ...]
    what: str
    reason: str


class Refusal(ExitdslError):
    """Nothing general reproduces the pairs: the message says why, ``refused`` per
    cluster."""

    def __init__(self, message: str, refused: tuple[Refused, ...]) -> None:
        super().__init__(message)
        self.refused = refused


@dataclass(frozen=True)
class Outcome:
    learnt: tuple[Learnt, ...]
    refused: tuple[Refused, ...]
    text: str  # the rule file ("" when nothing was learnt)


def learn(pairs: Sequence[Pair], name: str = "learnt") -> Outcome:
    """Learn one rule per cluster of changes; raises :class:`Refusal` when none can be."""
    found = [changes(pair, number) for number, pair in enumerate(pairs)]
    clusters: dict[tuple[str, str, str], list[Change]] = {}
    for pair_changes in found:
        for change in pair_changes:
            clusters.setdefault(change.signature, []).append(change)
    learnt: list[Learnt] = []
    refused: list[Refused] = []
    taken: set[str] = set()
    for cluster in clusters.values():
        labels = tuple(dict.fromkeys(pairs[c.pair].label for c in cluster))
        if len(labels) < 2 <= len(pairs):
            refused.append(Refused(labels, describe(cluster[0]), "no other pair makes this "
                                   "change: one example is not a general rule"))
            continue
        result = _learn_cluster(cluster, pairs, found, name, taken)
        if isinstance(result, Refused):
            refused.append(result)
        else:
            learnt.append(result)
            taken.add(result.rule_id)
    if not learnt:
        raise Refusal("nothing learnt: " + "; ".join(
            f"{r.what} ({', '.join(r.pairs)}): {r.reason}" for r in refused), tuple(refused))
    text = emit.document(name, len(pairs), [r.text for r in learnt])
    problems = check.failing_tests(text)
    together = check.compiled(text)
    if problems or together is None:  # every test was run while choosing it: a bug here
        raise AssertionError("the learnt rules fail their own tests: "
                             + (problems or ["they do not compile"])[0])
    # Each rule was judged alone on every pair; the file is used whole.
    learnt_changes = {id(c) for r in learnt for c in r.changes}
    for number, pair in enumerate(pairs):
        mine = [c for c in found[number] if id(c) in learnt_changes]
        if check.output(together, pair.before.text, pair.before.label) != \
                applied(pair, mine, found[number]):
            raise Refusal(f"nothing learnt: the rules learnt, applied together, do not "
                          f"reproduce {pair.label}", tuple(refused))
    return Outcome(tuple(learnt), tuple(refused), text)


def _learn_cluster(cluster: list[Change], pairs: Sequence[Pair], found: list[list[Change]],
                   name: str, taken: set[str]) -> Learnt | Refused:
    labels = tuple(dict.fromkeys(pairs[c.pair].label for c in cluster))
    actions = _actions(cluster)
    if not actions:
        news = ", ".join(f"{c.old} -> {c.new}" for c in cluster)
        return Refused(labels, describe(cluster[0]), "the new values are not one constant, "
                       f"one ratio or one offset of the old ones ({news})")
    expected = _expected(cluster, pairs, found)
    tried: Pattern | None = None
    general: RuleSet | None = None  # the most general candidate refuted, for a test
    for action in actions:
        rule_id = _rule_id(cluster[0], action, taken)
        for pattern in ladder(cluster, action.reads):
            tried = tried or pattern
            description = (f"{describe(cluster[0])}{' ' + action.how if action.how else ''}"
                           f"; learnt from {'; '.join(labels)}.")
            text = emit.rule(rule_id, description, _TIERS[cluster[0].kind], pattern, action)
            rules = check.compiled(emit.document(name, len(pairs), [text]))
            if rules is None:
                continue
            if check.reproduces(rules, expected):
                tests = _tests(rule_id, cluster, pairs, rules, expected)
                if tests is None:
                    return Refused(labels, describe(cluster[0]), "a test block cannot hold "
                                   "``` (the changed code does)")
                left = _left_alone(general, rules, expected) if general else None
                if left is not None:
                    tests.append(emit.unchanged(rule_id, left))
                return Learnt(rule_id, labels, pattern, action, "\n".join([text, *tests]),
                              tuple(cluster))
            general = general or rules
    return Refused(labels, describe(cluster[0]), _why_not(tried, general, expected))


def _why_not(tried: Pattern | None, general: RuleSet | None,
             expected: list[tuple[str, str, str]]) -> str:
    """Why no candidate is learnt: what the most general one does to the first pair it
    does not reproduce."""
    if tried is None or general is None:
        return "no candidate pattern can be written for it"
    for label, before, after in expected:
        got = check.output(general, before, label)
        if got == after:
            continue
        what = "is rejected by the verifier on" if got is None else \
            "also rewrites code that is left alone in" if got != before or before == after \
            else "does not make the change of"
        return (f"the most general candidate, `{tried.matches[0]}`, {what} {label}, and no "
                "narrower one reproduces every pair byte for byte")
    return "no candidate reproduces every pair byte for byte"


def describe(change: Change) -> str:
    """What a change does, in words."""
    call = change.call.rpartition(".")[2]
    if change.kind == "keyword":
        return f"{call}()'s {change.key}"
    if change.kind == "add":
        return f"{call}() gains {change.key}"
    if change.kind == "remove":
        return f"{call}() loses {change.key}"
    if change.kind == "op":
        return f"`{change.old}` comparisons become `{change.new}`"
    return f"{change.key} ="


def _actions(cluster: list[Change]) -> list[Action]:
    first = cluster[0]
    if first.kind == "op":
        return [Action((f"set op = `{first.new}`",))]
    if first.kind == "remove":
        return [Action((f"remove {first.key}",))]
    if first.kind in ("keyword", "assign"):
        subject = capture(first.key) if first.kind == "keyword" else "$v"
        olds, news = [c.old for c in cluster], [c.new for c in cluster]
        return [Action((*_kind_kept(subject, olds), f"set {subject} = {expression}",
                        *_sign_kept(subject, olds, news)), how=how)
                for expression, how in expressions(olds, news, subject)]
    return _add_actions(cluster)


def _kind_kept(subject: str, olds: list[str]) -> tuple[str, ...]:
    """Only literals of the kind the pairs changed: ints stay ints in this language, so a
    value fitted on floats would turn an int elsewhere into something else (0.05 -> 0)."""
    kinds = {type(value(old)) for old in olds}
    if kinds == {int}:
        return (f"where int({subject})",)
    return (f"where not int({subject})",) if kinds == {float} else ()


def _sign_kept(subject: str, olds: list[str], news: list[str]) -> tuple[str, ...]:
    """The sign every example keeps, as a postcondition: a small stop scaled and rounded
    to the pairs' decimals must not become 0."""
    numbers = [value(v) for v in olds + news]
    if all(n is not None and n > 0 for n in numbers):
        return (f"ensure {subject} > 0",)
    if all(n is not None and n < 0 for n in numbers):
        return (f"ensure {subject} < 0",)
    return ()


def _add_actions(cluster: list[Change]) -> list[Action]:
    first = cluster[0]
    news = [c.new for c in cluster]
    found = []
    if len(set(news)) == 1:
        literal = news[0] if value(news[0]) is not None else f"`{news[0]}`"
        found.append(Action((f"add {first.key} = {literal}",), how=f"= {news[0]}"))
    # A value fitted on another keyword of the same call: tp_stop twice the sl_stop.
    shared = set.intersection(*(set(dict(c.keywords)) for c in cluster))
    for other in sorted(shared):
        olds = [dict(c.keywords)[other] for c in cluster]
        for expression, how in expressions(olds, news, capture(other)):
            if "$" in expression:
                found.append(Action((f"add {first.key} = {expression}",), reads=other,
                                    how=f"= {other} {how}"))
    return found


def _expected(cluster: list[Change], pairs: Sequence[Pair],
              found: list[list[Change]]) -> list[tuple[str, str, str]]:
    """(label, before, after) for every pair, the after holding only the cluster's
    changes: a pair that does not make the change is an example of code the rule must
    leave alone, as much as the pair's own untouched lines are."""
    return [(pair.before.label, pair.before.text,
             applied(pair, [c for c in cluster if c.pair == number], found[number]))
            for number, pair in enumerate(pairs)]


def applied(pair: Pair, mine: list[Change], all_of_pair: list[Change]) -> str:
    """The pair's before with the changes ``mine`` made as its after makes them."""
    if len(mine) == len(all_of_pair):
        return pair.after.text
    text = pair.before.text
    for change in sorted(mine, key=lambda c: -c.regions[0][0][0]):
        (low, high), (start, end) = change.regions[0]
        text = text[:low] + pair.after.text[start:end] + text[high:]
    return text


def _left_alone(general: RuleSet, rules: RuleSet,
                expected: list[tuple[str, str, str]]) -> str | None:
    """Lines that a more general candidate rewrote though their pair left them alone, and
    the learnt rule leaves alone: as an `unchanged` test, they say why it is no more
    general."""
    for label, before, after in expected:
        wrong = check.output(general, before, label)
        if wrong is None or wrong == after:
            continue
        lines = after.splitlines(keepends=True)
        for low, high, _, _ in differing(lines, wrong.splitlines(keepends=True)):
            code = textwrap.dedent("".join(lines[low:high]))
            if isinstance(parses(code), ast.Module) \
                    and check.output(rules, code, "<test>") == code \
                    and check.output(general, code, "<test>") not in (code, None):
                return code
    return None


def _tests(rule_id: str, cluster: list[Change], pairs: Sequence[Pair], rules: RuleSet,
           expected: list[tuple[str, str, str]]) -> list[str] | None:
    """A test block per change: its innermost statement when that alone is rewritten as
    the pair was, else its top-level statement, else the pair's whole file (None when the
    code holds a fence, which would end the block)."""
    blocks = []
    whole = {label: (before, after) for label, before, after in expected}
    for change in cluster:
        pair = pairs[change.pair]
        for before_span, after_span in change.regions:
            before = emit.snippet(pair.before.text, before_span)
            after = emit.snippet(pair.after.text, after_span)
            if check.output(rules, before, "<test>") == after:
                break
        else:
            before, after = whole[pair.before.label]
        if "```" in before or "```" in after:
            return None
        blocks.append(emit.test(rule_id, before, after))
    return blocks


def _rule_id(change: Change, action: Action, taken: set[str]) -> str:
    if change.kind == "op":
        old, new = change.key.split(" ", 1)
        base = f"comparison.{_OPERATOR_WORDS.get(old, 'op')}_to_{_OPERATOR_WORDS.get(new, 'op')}"
    else:
        verb = {"add": "add", "remove": "remove"}.get(change.kind) or (
            action.how.split(" ")[0].replace("scaled", "scale").replace("moved", "shift"))
        base = f"{word(change.key)}.{verb}"
    rule_id, number = base, 2
    while rule_id in taken:
        rule_id, number = f"{base}_{number}", number + 1
    return rule_id
