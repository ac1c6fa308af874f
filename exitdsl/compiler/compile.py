"""Stage 2: check one parsed rule and compile it into a :class:`CompiledRule`.

Everything that can be known before touching strategy code is checked here, so a
rule never fails at rewrite time for a reason visible now: unknown captures,
bounds and functions, values of the wrong kind, bad regexes, actions that do not
fit their pattern. Each action's own checks live with the action (exitdsl/actions/).
"""

from __future__ import annotations

import ast
import copy

from ..actions.base import CompileContext
from ..actions.registry import kind_of
from ..errors import RuleError, Span
from ..language import ir
from ..vocabulary.checker import Checker, no_draws
from ..language.compiled import CompiledAction, CompiledContext, CompiledInvariant, CompiledRule
from ..language.domains import Domain
from ..language.patterns import REST, WHOLE, Pattern, compile_pattern
from ..policy.safety import never_allowed
from ..language.regex import one_of_words, required_words


def compile_rule(rule: ir.Rule, rule_id: str, rule_file: ir.RuleFile,
                 domains: dict[str, Domain],
                 invariants: tuple[CompiledInvariant, ...] = ()) -> CompiledRule:
    source = rule_file.text
    if not rule.matches:
        raise RuleError(f"rule {rule.name!r} has no `match` clause", rule.span)
    if not rule.actions:
        raise RuleError(f"rule {rule.name!r} has no action (set, add, remove, append, ...)",
                        rule.span)
    matches = tuple(compile_pattern(p.text, p.span, source) for p in rule.matches)
    contexts = tuple(_context(c, rule_file) for c in rule.contexts)
    # A capture is usable if every alternative binds it, or a context (always required) does.
    bound_captures = frozenset.intersection(*(p.captures for p in matches)).union(
        *(c.pattern.captures for c in contexts if not c.negated))
    if not any(p.is_statement for p in matches):
        bound_captures |= {WHOLE}
    checker = Checker(domains, bound_captures, source)
    for expr in (*rule.where, *rule.ensure):
        checker.check(expr, "bool")
        no_draws(expr)
    context = CompileContext(matches, checker, source)
    actions = tuple(CompiledAction(kind_of(a), kind_of(a).compile(a, context), a.span)
                    for a in rule.actions)
    return CompiledRule(
        id=rule_id, source=rule, path=rule_file.path, matches=matches,
        contexts=contexts,
        unless=tuple(compile_pattern(p.text, p.span, source) for p in rule.unless),
        where=rule.where, ensure=rule.ensure, actions=actions, domains=domains,
        condition_patterns=checker.patterns,
        where_words=frozenset().union(*(_required_words(e) for e in rule.where)),
        where_choice=_one_of_words(rule.where, domains),
        file_words=_file_words(rule.where, checker.patterns),
        file_choices=_context_words(contexts),
        invariants=invariants,
        allowed_names=frozenset(
            [name for allow in rule_file.allowed for name in allow.names]
            + [name for action in actions for name in action.kind.declared(action.spec)]),
    )


def allowable(allow: ir.AllowNames) -> tuple[str, ...]:
    """``allow names [...]`` may not declare what the safety policy never admits."""
    refused = [name for name in allow.names if never_allowed(name)]
    if refused:
        raise RuleError(f"allow names cannot unlock {refused[0]!r}: a module, call or name "
                        "rewrites may never introduce (docs/safety.md)", allow.span)
    return allow.names


def compile_invariant(invariant: ir.Invariant, invariant_id: str, rule_file: ir.RuleFile,
                      domains: dict[str, Domain]) -> CompiledInvariant:
    matches = tuple(_context(ir.ContextClause("inside", p), rule_file)
                    for p in invariant.matches)
    checker = Checker(domains, frozenset.intersection(*(m.pattern.captures for m in matches)),
                      rule_file.text)
    for expr in (*invariant.where, *invariant.ensure):
        checker.check(expr, "bool")
        no_draws(expr)
    numbers = any(isinstance(n, ast.Constant) and isinstance(n.value, (int, float))
                  and not isinstance(n.value, bool)
                  for m in matches for n in ast.walk(m.pattern.node))
    return CompiledInvariant(invariant_id, invariant, matches, invariant.where,
                             invariant.ensure, domains, checker.patterns, numbers)


def _context(clause: ir.ContextClause, rule_file: ir.RuleFile) -> CompiledContext:
    pattern = compile_pattern(clause.pattern.text, clause.pattern.span, rule_file.text)
    node = pattern.node
    if not isinstance(node, ast.ClassDef):
        return CompiledContext(clause.kind, pattern, clause.negated)
    named = {base.id if isinstance(base, ast.Name) else base.attr for base in node.bases
             if isinstance(base, (ast.Name, ast.Attribute))}
    families = tuple(f for f in rule_file.bases if f.name in named)
    any_bases = copy.copy(node)
    any_bases.bases = [ast.Starred(ast.Name(REST))]
    return CompiledContext(clause.kind, pattern, clause.negated, families,
                           any_bases if families else None)


def _one_of_words(conditions: tuple[ir.Expr, ...], domains: dict[str, Domain]
                  ) -> frozenset[str]:
    """The keys of the smallest map a ``where $x in MAP`` conjunct names: a site holds one
    of them (a key written as a word; a string key with other characters gives none)."""
    choices: list[frozenset[str]] = []
    stack = list(conditions)
    while stack:
        condition = stack.pop()
        if isinstance(condition, ir.Binary) and condition.op == "and":
            stack += [condition.left, condition.right]
        elif isinstance(condition, ir.InDomain) and condition.domain in domains \
                and domains[condition.domain].is_map:
            keys = frozenset(key for key, _ in domains[condition.domain].table)
            if all(key.isidentifier() for key in keys):
                choices.append(keys)
        elif isinstance(condition, ir.RegexMatch) and (words := one_of_words(condition.regex)):
            choices.append(words)  # `$k ~ /^(sl_stop|tp_stop)$/`
    return min(choices, key=len) if choices else frozenset()


def _file_words(conditions: tuple[ir.Expr, ...], patterns: dict[Span, Pattern]
                ) -> frozenset[str]:
    """Words the whole file must hold for the conditions to be true: those of the patterns
    of ``in_file(...)`` conjuncts (of a disjunction, the words all its sides share)."""
    def required(condition: ir.Expr) -> frozenset[str]:
        if isinstance(condition, ir.Call) and condition.func == "in_file" \
                and isinstance(condition.args[0], ir.PatternText):
            return patterns[condition.args[0].span].anchors
        if isinstance(condition, ir.Binary) and condition.op == "and":
            return required(condition.left) | required(condition.right)
        if isinstance(condition, ir.Binary) and condition.op == "or":
            return required(condition.left) & required(condition.right)
        return frozenset()
    return frozenset().union(*(required(c) for c in conditions))


def _context_words(contexts: tuple[CompiledContext, ...]) -> tuple[frozenset[str], ...]:
    """Per positive context, words of which the file holds one: the pattern's own (all of
    them, one set each), or for a class pattern standing for a base family, the base's
    name or one of the attributes that make a member."""
    found: list[frozenset[str]] = []
    for context in contexts:
        if context.negated:
            continue
        if context.families:
            found.append(frozenset().union(*({f.name, *f.also, *f.defining}
                                              for f in context.families)))
        else:
            found += [frozenset({word}) for word in context.pattern.anchors]
    return tuple(found)


def _required_words(condition: ir.Expr) -> frozenset[str]:
    """Words a site must hold for ``condition`` to be true: those of its ``$x ~ /re/``
    conjuncts (a pattern like `$name = $a < $b` has no word of its own; `_exit$` gives one)."""
    if isinstance(condition, ir.RegexMatch):
        return required_words(condition.regex)
    if isinstance(condition, ir.Binary) and condition.op == "and":
        return _required_words(condition.left) | _required_words(condition.right)
    return frozenset()
