"""Stage 1: ``.rules`` text → :class:`~exitdsl.language.ir.RuleFile`, with Lark.

Syntax errors become :class:`RuleError` with the file's line and column; the
Lark tree is lowered to the IR by a ``Transformer`` (one method per grammar alias; an
action's alias is lowered by its own module in exitdsl/actions/).
"""

from __future__ import annotations

import ast
import textwrap
from functools import lru_cache
from typing import Any

import lark
from lark import Token, Transformer

from ..actions.registry import kind_for_alias
from ..errors import RuleError, Span
from ..vocabulary.numbers import MAX_MAGNITUDE, in_range
from ..vocabulary.tiers import TIERS
from ..language import grammar, ir
from ..language.suggest import closest, did_you_mean
from ..language.syntax_errors import syntax_errors

@lru_cache(maxsize=1)
def _parser() -> lark.Lark:
    return grammar.load()  # committed tables, or a build from the grammar (grammar.py)


def parse_rules(text: str, path: str = "<rules>") -> ir.RuleFile:
    """Parse one rule file. Raises :class:`RuleError` with a location on any mistake (all
    of a file's syntax errors, up to a cap, as one :class:`RuleErrors`)."""
    try:
        tree = _parser().parse(text)
    except lark.UnexpectedInput as exc:
        raise syntax_errors(_parser(), exc, text, path) from None
    except RecursionError:
        raise RuleError("nested too deeply to parse", Span(path, 1, 1)) from None
    try:
        return _Lower(path, text).lower(tree)
    except lark.exceptions.VisitError as exc:  # the transformer's own RuleErrors come wrapped
        if isinstance(exc.orig_exc, RuleError):
            raise exc.orig_exc from None
        if isinstance(exc.orig_exc, RecursionError):
            raise RuleError("nested too deeply to parse", Span(path, 1, 1)) from None
        raise
    except RecursionError:
        raise RuleError("nested too deeply to parse", Span(path, 1, 1)) from None


class _Lower(Transformer[Token, Any]):
    """Lark tree → IR. Spans come from tokens and from propagated tree positions."""

    def __init__(self, path: str, text: str) -> None:
        super().__init__()
        self.path = path
        self.text = text
        self.lines = text.splitlines()  # once: every token's span needs its line

    def lower(self, tree: lark.Tree[Token]) -> ir.RuleFile:
        items = self.transform(tree)
        assert isinstance(items, list)
        name, doc = "", ""
        kinds = (ir.Use, ir.Bound, ir.Choices, ir.Rule, ir.RuleTest, ir.AllowNames,
                 ir.MapTable, ir.BaseFamily, ir.Invariant)
        found: dict[type, list[Any]] = {kind: [] for kind in kinds}
        for item in items:
            if isinstance(item, tuple) and item[0] == "ruleset":
                name, doc = item[1], item[2]
            elif type(item) in found:
                found[type(item)].append(item)
        uses, bounds, choices, rules, tests, allowed, maps, bases, invariants = (
            tuple(found[kind]) for kind in kinds)
        return ir.RuleFile(self.path, self.text, name, doc, uses, bounds, choices, rules,
                           tests, allowed, maps, bases, invariants)

    # --- helpers ---------------------------------------------------------
    def span(self, tok: Token) -> Span:
        line, col = tok.line or 1, tok.column or 1
        end = tok.end_column if tok.end_line == line else None
        return self.located(line, col, end)

    def located(self, line: int, col: int, end: int | None = None) -> Span:
        source_line = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return Span(self.path, line, col, source_line, end if end and end > col else None)

    def string(self, tok: Token) -> str:
        try:
            value = ast.literal_eval(str(tok))
        except (ValueError, SyntaxError):
            raise RuleError("malformed string literal", self.span(tok)) from None
        assert isinstance(value, str)
        return value

    def pattern(self, tok: Token) -> ir.PatternText:
        # The span points inside the backticks, where the pattern's own columns start.
        span = self.located(tok.line or 1, (tok.column or 1) + 1)
        return ir.PatternText(str(tok)[1:-1], span)

    def capture_at(self, tok: Token) -> ir.Capture:
        return ir.Capture(str(tok)[1:], self.span(tok))

    def __default__(self, data: Any, children: list[Any], meta: Any) -> Any:
        kind = kind_for_alias(str(data))
        if kind is None:
            return super().__default__(data, children, meta)  # type: ignore[no-untyped-call]
        return ("actions", kind.lower(str(data), children, self))

    # --- top level -------------------------------------------------------
    def start(self, items: list[Any]) -> list[Any]:
        return items

    def ruleset_decl(self, children: list[Any]) -> tuple[str, str, str]:
        name, doc = children[0], children[1]
        return ("ruleset", str(name), self.string(doc) if doc is not None else "")

    def use_decl(self, children: list[Token]) -> ir.Use:
        return ir.Use(self.string(children[0]), self.span(children[0]))

    def allow_decl(self, children: list[Token]) -> ir.AllowNames:
        return ir.AllowNames(tuple(str(n) for n in children), self.span(children[0]))

    def bound_decl(self, children: list[Any]) -> ir.Bound:
        name, low, high = children
        return ir.Bound(str(name), low, high, self.span(name))

    def base_decl(self, children: list[Any]) -> ir.BaseFamily:
        names, module, *defining = children
        return ir.BaseFamily(str(names[0]), tuple(str(d) for d in defining if d is not None),
                             self.span(names[0]), module or "",
                             tuple(str(n) for n in names[1:]))

    def base_names(self, children: list[Token]) -> list[Token]:
        return children

    def base_module(self, children: list[Token]) -> str:
        return ".".join(str(c) for c in children)

    def map_decl(self, children: list[Any]) -> ir.MapTable:
        name, *entries = children
        keys = [key for key, _ in (e for e in entries if e is not None)]
        for key in keys:
            if keys.count(key) > 1:
                raise RuleError(f"map {str(name)!r} has the key {key!r} twice", self.span(name))
        return ir.MapTable(str(name), tuple(e for e in entries if e is not None),
                           self.span(name))

    def map_entry(self, children: list[Token]) -> tuple[str, str]:
        return self.word(children[0]), self.word(children[1])

    def word(self, tok: Token) -> str:
        return self.string(tok) if tok.type == "STRING" else str(tok)

    def choices_decl(self, children: list[Any]) -> ir.Choices:
        name, *values = children
        return ir.Choices(str(name), tuple(v for v in values if v is not None), self.span(name))

    def rule_decl(self, children: list[Any]) -> ir.Rule:
        name_tok, *items = children
        fields: dict[str, Any] = {"matches": [], "contexts": [], "unless": [], "where": [],
                                  "ensure": [], "actions": []}
        for key, value, *where in items:
            if key in ("description", "tier", "weight"):
                if key in fields:
                    what = "description" if key == "description" else f"`{key}`"
                    raise RuleError(f"a second {what} in rule {str(name_tok)!r} (a rule has "
                                    "one)", where[0])
                fields[key] = value
            else:
                fields[key].append(value)
        return ir.Rule(
            name=str(name_tok), span=self.span(name_tok),
            description=fields.get("description", ""), tier=fields.get("tier", "parametric"),
            weight=fields.get("weight", 1.0), matches=tuple(fields["matches"]),
            contexts=tuple(fields["contexts"]), unless=tuple(fields["unless"]),
            where=tuple(fields["where"]), ensure=tuple(fields["ensure"]),
            actions=tuple(fields["actions"]))

    def invariant_decl(self, children: list[Any]) -> ir.Invariant:
        name_tok, *items = children
        fields: dict[str, list[Any]] = {"matches": [], "where": [], "ensure": [],
                                        "description": []}
        for key, value, *_ in items:
            fields[key].append(value)
        if not fields["matches"] or not fields["ensure"]:
            raise RuleError(f"invariant {str(name_tok)!r} needs a `match` and an `ensure`",
                            self.span(name_tok))
        return ir.Invariant(str(name_tok), self.span(name_tok),
                            " ".join(fields["description"]), tuple(fields["matches"]),
                            tuple(fields["where"]), tuple(fields["ensure"]))

    # --- rule items: (field, value) pairs that rule_decl folds -----------
    def description(self, c: list[Token]) -> tuple[str, str, Span]:
        return ("description", self.string(c[0]), self.span(c[0]))

    def tier(self, c: list[Token]) -> tuple[str, str, Span]:
        if str(c[0]) not in TIERS:
            raise RuleError(f"unknown tier {str(c[0])!r}{did_you_mean(str(c[0]), TIERS)}; "
                            f"expected one of {', '.join(TIERS)}", self.span(c[0]),
                            suggestion=closest(str(c[0]), TIERS))
        return ("tier", str(c[0]), self.span(c[0]))

    def weight(self, c: list[Any]) -> tuple[str, float, Span | None]:
        value = c[0]
        if not isinstance(value, ir.Num) or value.value < 0:
            raise RuleError("weight must be a non-negative number", getattr(value, "span", None))
        return ("weight", float(value.value), value.span)

    def match(self, c: list[Token]) -> tuple[str, ir.PatternText]:
        return ("matches", self.pattern(c[0]))

    def inside(self, c: list[Token]) -> tuple[str, ir.ContextClause]:
        return ("contexts", ir.ContextClause("inside", self.pattern(c[0])))

    def within(self, c: list[Token]) -> tuple[str, ir.ContextClause]:
        return ("contexts", ir.ContextClause("within", self.pattern(c[0])))

    def unless_inside(self, c: list[Token]) -> tuple[str, ir.ContextClause]:
        return ("contexts", ir.ContextClause("inside", self.pattern(c[0]), negated=True))

    def unless_within(self, c: list[Token]) -> tuple[str, ir.ContextClause]:
        return ("contexts", ir.ContextClause("within", self.pattern(c[0]), negated=True))

    def unless(self, c: list[Token]) -> tuple[str, ir.PatternText]:
        return ("unless", self.pattern(c[0]))

    def where(self, c: list[Any]) -> tuple[str, ir.Expr]:
        return ("where", c[0])

    def ensure(self, c: list[Any]) -> tuple[str, ir.Expr]:
        return ("ensure", c[0])

    def template(self, c: list[Token]) -> ir.PatternText:
        return self.pattern(c[0])

    # --- tests -----------------------------------------------------------
    def test_decl(self, c: list[Any]) -> ir.RuleTest:
        name_tok, seed, before_tok, outcome = c
        before = self.code_block(before_tok)
        after = self.code_block(outcome) if isinstance(outcome, Token) else None
        rejected = outcome[1] if isinstance(outcome, tuple) else None
        return ir.RuleTest(str(name_tok), self.span(name_tok), before, after, seed, rejected)

    def test_seed(self, c: list[Token]) -> int:
        return int(c[0])

    def after(self, c: list[Token]) -> Token:
        return c[0]

    def unchanged(self, c: list[Any]) -> None:
        return None

    def rejected(self, c: list[Token]) -> tuple[str, str]:
        return ("rejected", str(c[0]))

    def code_block(self, tok: Token) -> ir.CodeBlock:
        body = str(tok)[3:-3]
        # The fence's own line break is not part of the code; the one before the closing fence is.
        if body.startswith("\r\n"):
            body = body[2:]
        elif body.startswith("\n"):
            body = body[1:]
        start = tok.start_pos or 0
        dedented = textwrap.dedent(body)
        indent = _taken_off(body, dedented)
        return ir.CodeBlock(dedented, self.span(tok), start, start + len(str(tok)), indent)

    # --- expressions -----------------------------------------------------
    def number(self, c: list[Token]) -> ir.Num:
        text = str(c[0])
        try:
            value: int | float = int(text, 10) if text.replace("_", "").isdigit() else float(text)
        except ValueError:
            raise RuleError(f"malformed number {text!r}", self.span(c[0])) from None
        if not in_range(value):
            raise RuleError(f"number {text[:20]}{'...' if len(text) > 20 else ''} is out of "
                            f"range (at most {MAX_MAGNITUDE:g} in size)", self.span(c[0]))
        return ir.Num(value, self.span(c[0]))

    def capture(self, c: list[Token]) -> ir.Capture:
        return self.capture_at(c[0])

    def ref(self, c: list[Token]) -> ir.Ref:
        return ir.Ref(str(c[0]), self.span(c[0]))

    def pattern_arg(self, c: list[Token]) -> ir.PatternText:
        return self.pattern(c[0])

    def call(self, c: list[Any]) -> ir.Call:
        func, *args = c
        return ir.Call(str(func), tuple(a for a in args if a is not None), self.span(func))

    def neg(self, c: list[Any]) -> ir.Expr:
        operand = c[0]
        if isinstance(operand, ir.Num):  # fold so that -0.345 is a literal, as written
            return ir.Num(-operand.value, operand.span)
        return ir.Unary("-", operand, _span_of(operand))

    def not_(self, c: list[Any]) -> ir.Unary:
        return ir.Unary("not", c[0], _span_of(c[0]))

    def _fold(self, op: str, c: list[Any]) -> ir.Expr:
        result: ir.Expr = c[0]
        for right in c[1:]:
            result = ir.Binary(op, result, right, _span_of(result))
        return result

    def and_(self, c: list[Any]) -> ir.Expr:
        return self._fold("and", c)

    def or_(self, c: list[Any]) -> ir.Expr:
        return self._fold("or", c)

    def add(self, c: list[Any]) -> ir.Expr:
        return self._fold("+", c)

    def sub(self, c: list[Any]) -> ir.Expr:
        return self._fold("-", c)

    def mul(self, c: list[Any]) -> ir.Expr:
        return self._fold("*", c)

    def div(self, c: list[Any]) -> ir.Expr:
        return self._fold("/", c)

    def compare(self, c: list[Any]) -> ir.Binary:
        left, op, right = c
        return ir.Binary(str(op), left, right, self.span(op))

    def in_domain(self, c: list[Any]) -> ir.InDomain:
        return ir.InDomain(c[0], str(c[1]), self.span(c[1]))

    def regex_match(self, c: list[Token]) -> ir.RegexMatch:
        return ir.RegexMatch(self.capture_at(c[0]), str(c[1])[1:-1], self.span(c[1]))


def _span_of(expr: Any) -> Span:
    span = getattr(expr, "span", None)
    assert isinstance(span, Span)
    return span


def _taken_off(body: str, dedented: str) -> str:
    """The common indentation ``textwrap.dedent`` removed from ``body``."""
    for line, short in zip(body.splitlines(), dedented.splitlines()):
        if short.strip():
            return line[: len(line) - len(short)]
    return ""
