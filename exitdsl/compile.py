"""Stage 2: check rule files and compile them into :class:`CompiledRule` objects.

Everything that can be known before touching strategy code is checked here, so a
rule never fails at rewrite time for a reason visible now: unknown captures,
bounds and functions, values of the wrong kind, bad regexes, actions that do not
fit their pattern, include cycles.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import ir
from .config import Config
from .errors import RuleError, Span
from .parse import parse_rules
from .patterns import Pattern, compile_pattern

# name -> (allowed argument kinds per signature, result kind)
# kinds: "num", "bool", "bound", "choices", "capture", "pattern", "ident"
_VALUE_FUNCTIONS: dict[str, tuple[tuple[tuple[str, ...], ...], bool]] = {
    # (signatures, variadic-last)
    "gauss": ((("num", "num"),), False),
    "uniform": ((("num", "num"), ("bound",)), False),
    "choice": ((("choices",), ("num",)), True),
    "step": ((("num", "choices", "num"),), False),
    "clamp": ((("num", "num", "num"), ("num", "bound")), False),
    "round": ((("num",), ("num", "num")), False),
    "int": ((("num",),), False),
    "abs": ((("num",),), False),
    "min": ((("num", "num"),), True),
    "max": ((("num", "num"),), True),
}
_PREDICATES: dict[str, tuple[str, ...]] = {
    "number": ("capture",),
    "int": ("capture",),
    "name": ("capture",),
    "string": ("capture",),
    "defined": ("ident",),
    "contains": ("capture", "pattern"),
}
_COMPARE_OPS = {"<": ast.Lt, "<=": ast.LtE, ">": ast.Gt, ">=": ast.GtE, "==": ast.Eq,
                "!=": ast.NotEq, "is": ast.Is, "is not": ast.IsNot, "in": ast.In,
                "not in": ast.NotIn}
_BOOL_OPS = {"and": ast.And, "or": ast.Or}
_BIN_OPS = {"|": ast.BitOr, "&": ast.BitAnd, "^": ast.BitXor, "+": ast.Add, "-": ast.Sub,
            "*": ast.Mult, "/": ast.Div, "//": ast.FloorDiv, "%": ast.Mod, "**": ast.Pow,
            "@": ast.MatMult, "<<": ast.LShift, ">>": ast.RShift}


@dataclass(frozen=True)
class Domain:
    """A ``bound`` (closed interval) or ``choices`` (discrete, sorted) declaration."""

    name: str
    low: float
    high: float
    values: tuple[int | float, ...] = ()  # set for choices only

    @property
    def is_choices(self) -> bool:
        return bool(self.values)

    def __contains__(self, value: float) -> bool:
        if self.is_choices:
            return value in self.values
        return self.low <= value <= self.high


# --- compiled actions --------------------------------------------------------


@dataclass(frozen=True)
class SetNumber:
    capture: str
    value: ir.Expr
    span: Span


@dataclass(frozen=True)
class SetTemplate:
    capture: str
    template: Pattern
    span: Span


@dataclass(frozen=True)
class SetOperator:
    op: type[ast.AST]  # an ast operator class, e.g. ast.LtE
    token: str
    span: Span


@dataclass(frozen=True)
class AppendOperand:
    operand: Pattern
    chain: str
    span: Span


@dataclass(frozen=True)
class AddKeyword:
    name: str
    value: ir.Expr | Pattern  # a number expression or a code template
    span: Span


@dataclass(frozen=True)
class RemoveKeyword:
    name: str
    span: Span


@dataclass(frozen=True)
class DropOperand:
    operand: Pattern | None  # None: a random operand
    chain: str
    span: Span


@dataclass(frozen=True)
class RenameCapture:
    capture: str
    new_name: str
    span: Span


CompiledAction = (SetNumber | SetTemplate | SetOperator | AppendOperand | AddKeyword
                  | RemoveKeyword | DropOperand | RenameCapture)


@dataclass(frozen=True)
class Context:
    kind: str  # "inside" | "within"
    pattern: Pattern


@dataclass(frozen=True)
class CompiledRule:
    id: str  # "ruleset.rule"
    source: ir.Rule
    path: str
    matches: tuple[Pattern, ...]
    contexts: tuple[Context, ...]
    unless: tuple[Pattern, ...]
    where: tuple[ir.Expr, ...]
    ensure: tuple[ir.Expr, ...]
    actions: tuple[CompiledAction, ...]
    domains: dict[str, Domain] = field(hash=False, compare=False)
    condition_patterns: dict[Span, Pattern] = field(hash=False, compare=False)
    declared: str = ""  # the rule's pattern texts: names a rewrite may legitimately introduce

    @property
    def tier(self) -> str:
        return self.source.tier

    @property
    def weight(self) -> float:
        return self.source.weight

    def anchor_sets(self) -> tuple[frozenset[str], ...]:
        return tuple(p.anchors for p in self.matches)


@dataclass(frozen=True)
class RuleSet:
    """Every rule of one or more rule files, includes resolved, ids namespaced."""

    rules: tuple[CompiledRule, ...]
    tests: tuple[tuple[str, ir.RuleTest, str], ...]  # (rule id, test, file path)
    files: tuple[str, ...]
    config: Config = field(default_factory=Config)

    @property
    def tier_weights(self) -> dict[str, float]:
        return self.config.tier_weights

    def select(self, ids: Sequence[str] = (), tiers: Sequence[str] = ()) -> RuleSet:
        """The rules named by ``ids`` (full ``ruleset.rule`` ids or local names) and ``tiers``."""
        chosen = [r for r in self.rules
                  if (not ids or r.id in ids or r.source.name in ids)
                  and (not tiers or r.tier in tiers)]
        return RuleSet(tuple(chosen), self.tests, self.files, self.config)

    def get(self, rule_id: str) -> CompiledRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def load_rules(paths: str | Path | Iterable[str | Path], config: Config | None = None) -> RuleSet:
    """Load, check and compile rule files (directories: every ``*.rules`` inside).

    ``config`` overrides bounds and choices (see config.py); an override that names no
    declared domain is an error located in the config file.
    """
    config = config or Config()
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    files: list[Path] = []
    for item in items:
        path = Path(item)
        files.extend(sorted(path.rglob("*.rules")) if path.is_dir() else [path])
    loaded: dict[Path, tuple[ir.RuleFile, dict[str, Domain]]] = {}
    for path in files:
        _load_file(path, loaded, stack=(), via=None)
    rules: list[CompiledRule] = []
    tests: list[tuple[str, ir.RuleTest, str]] = []
    seen: dict[str, Span] = {}
    used: set[str] = set()
    for rule_file, declared in loaded.values():
        namespace = rule_file.name or Path(rule_file.path).stem
        domains = _overridden(declared, namespace, config, used)
        local_names = {r.name for r in rule_file.rules}
        for rule in rule_file.rules:
            rule_id = f"{namespace}.{rule.name}"
            if rule_id in seen:
                raise RuleError(f"rule {rule_id!r} is already defined at {seen[rule_id]}", rule.span)
            seen[rule_id] = rule.span
            rules.append(compile_rule(rule, rule_id, rule_file, domains))
        for test in rule_file.tests:
            if test.rule not in local_names:
                raise RuleError(f"test names unknown rule {test.rule!r}", test.span)
            tests.append((f"{namespace}.{test.rule}", test, rule_file.path))
    for name, override in {**config.bounds, **config.choices}.items():
        if name not in used:
            raise RuleError(f"the config overrides {name!r}, which no loaded rule file declares",
                            override.span)
    return RuleSet(tuple(rules), tuple(tests), tuple(str(p) for p in loaded), config)


def _overridden(domains: dict[str, Domain], namespace: str, config: Config,
                used: set[str]) -> dict[str, Domain]:
    result = dict(domains)
    for name, domain in domains.items():
        source = config.choices if domain.is_choices else config.bounds
        other = config.bounds if domain.is_choices else config.choices
        for key in (name, f"{namespace}.{name}"):
            if key in other:
                kind = "choices" if domain.is_choices else "bound"
                raise RuleError(f"{key!r} is a {kind} in the rules; override it under "
                                f"{'choices' if domain.is_choices else 'bounds'}:",
                                other[key].span)
            if key in source:
                used.add(key)
                values = tuple(sorted(source[key].values))
                result[name] = (Domain(name, values[0], values[-1], values) if domain.is_choices
                                else Domain(name, values[0], values[1]))
    return result


def _load_file(path: Path, loaded: dict[Path, tuple[ir.RuleFile, dict[str, Domain]]],
               stack: tuple[Path, ...], via: ir.Use | None) -> dict[str, Domain]:
    resolved = path.resolve()
    where = via.span if via else None
    if len(stack) >= MAX_INCLUDE_DEPTH:
        raise RuleError(f"includes nest deeper than {MAX_INCLUDE_DEPTH} files", where)
    if len(loaded) >= MAX_RULE_FILES:
        raise RuleError(f"more than {MAX_RULE_FILES} rule files are loaded", where)
    if resolved in stack:
        chain = " -> ".join(p.name for p in (*stack, resolved))
        raise RuleError(f"include cycle: {chain}", via.span if via else None)
    if resolved in loaded:
        return loaded[resolved][1]
    try:
        if resolved.stat().st_size > MAX_RULE_FILE_BYTES:
            raise RuleError(f"rule file {str(path)!r} is larger than {MAX_RULE_FILE_BYTES} bytes",
                            where)
        text = resolved.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RuleError(f"cannot read rule file {str(path)!r}: {reason}",
                        via.span if via else None) from None
    rule_file = parse_rules(text, str(path))
    domains: dict[str, Domain] = {}
    for use in rule_file.uses:
        included = _load_file(path.parent / use.path, loaded, (*stack, resolved), use)
        domains.update(included)
    domains.update(_domains(rule_file))
    loaded[resolved] = (rule_file, domains)
    return domains


def _constant(expr: ir.Expr) -> int | float:
    if isinstance(expr, ir.Num):
        return expr.value
    raise RuleError("expected a number literal here", getattr(expr, "span", None))


def _domains(rule_file: ir.RuleFile) -> dict[str, Domain]:
    domains: dict[str, Domain] = {}
    for bound in rule_file.bounds:
        low, high = _constant(bound.low), _constant(bound.high)
        if low > high:
            raise RuleError(f"bound {bound.name!r} is empty: {low} > {high}", bound.span)
        _declare(domains, Domain(bound.name, low, high), bound.span)
    for choices in rule_file.choices:
        values = tuple(sorted({_constant(v) for v in choices.values}))
        if not values:
            raise RuleError(f"choices {choices.name!r} is empty", choices.span)
        _declare(domains, Domain(choices.name, values[0], values[-1], values), choices.span)
    return domains


def _declare(domains: dict[str, Domain], domain: Domain, span: Span) -> None:
    if domain.name in domains:
        raise RuleError(f"{domain.name!r} is declared twice in this file", span)
    domains[domain.name] = domain


# --- rules --------------------------------------------------------------------


def compile_rule(rule: ir.Rule, rule_id: str, rule_file: ir.RuleFile,
                 domains: dict[str, Domain]) -> CompiledRule:
    source = rule_file.text
    if not rule.matches:
        raise RuleError(f"rule {rule.name!r} has no `match` clause", rule.span)
    if not rule.actions:
        raise RuleError(f"rule {rule.name!r} has no action (set, add, remove, append, ...)",
                        rule.span)
    matches = tuple(compile_pattern(p.text, p.span, source) for p in rule.matches)
    contexts = tuple(Context(c.kind, compile_pattern(c.pattern.text, c.pattern.span, source))
                     for c in rule.contexts)
    # A capture is usable if every alternative binds it, or a context (always required) does.
    bound_captures = frozenset.intersection(*(p.captures for p in matches)).union(
        *(c.pattern.captures for c in contexts))
    checker = _Checker(domains, bound_captures, source)
    for expr in (*rule.where, *rule.ensure):
        checker.check(expr, "bool")
        _no_draws(expr)
    actions = tuple(_compile_action(a, matches, checker, source) for a in rule.actions)
    return CompiledRule(
        id=rule_id, source=rule, path=rule_file.path, matches=matches,
        contexts=contexts,
        unless=tuple(compile_pattern(p.text, p.span, source) for p in rule.unless),
        where=rule.where, ensure=rule.ensure, actions=actions, domains=domains,
        condition_patterns=checker.patterns,
        declared=" ".join(_pattern_texts(rule)),
    )


def _pattern_texts(rule: ir.Rule) -> list[str]:
    texts = [p.text for p in (*rule.matches, *rule.unless, *(c.pattern for c in rule.contexts))]
    for action in rule.actions:
        for value in vars(action).values():
            if isinstance(value, ir.PatternText):
                texts.append(value.text)
        if isinstance(action, ir.Rename):
            texts.append(action.new_name)
    return texts


def _compile_action(action: ir.Action, matches: tuple[Pattern, ...], checker: _Checker,
                    source: str) -> CompiledAction:
    if isinstance(action, ir.SetCapture):
        checker.check_capture(action.capture)
        if isinstance(action.value, ir.PatternText):
            return SetTemplate(action.capture.name, _template(action.value, checker, source),
                               action.span)
        checker.check(action.value, "num")
        return SetNumber(action.capture.name, action.value, action.span)
    if isinstance(action, ir.SetOp):
        token = " ".join(action.op.text.split())
        op = _COMPARE_OPS.get(token) or _BOOL_OPS.get(token) or _BIN_OPS.get(token)
        if op is None:
            raise RuleError(f"`{token}` is not a Python comparison, boolean or binary operator",
                            action.span)
        for pattern in matches:
            operator_node = operator_site(pattern.node)
            if operator_node is None:
                raise RuleError("`set op` needs a pattern with an operator "
                                "(a comparison, `and`/`or` or a binary operator)", pattern.span)
            if _operator_family(operator_node) != _family_of(op):
                raise RuleError(f"`{token}` cannot replace the operator of "
                                f"`{pattern.text.strip()}`", action.span)
        return SetOperator(op, token, action.span)
    if isinstance(action, ir.Append):
        checker.check_capture(action.chain)
        return AppendOperand(_template(action.operand, checker, source), action.chain.name,
                             action.span)
    if isinstance(action, ir.Drop):
        checker.check_capture(action.chain)
        operand = None if action.operand is None else _template(action.operand, checker, source)
        return DropOperand(operand, action.chain.name, action.span)
    if isinstance(action, ir.Rename):
        checker.check_capture(action.capture)
        if keyword.iskeyword(action.new_name):
            raise RuleError(f"cannot rename to the keyword {action.new_name!r}", action.span)
        return RenameCapture(action.capture.name, action.new_name, action.span)
    for pattern in matches:
        if call_site(pattern.node) is None:
            verb = "add" if isinstance(action, ir.AddArg) else "remove"
            raise RuleError(f"`{verb} {action.name}` needs a pattern with a call, such as "
                            "`sim(...)`", pattern.span)
    if isinstance(action, ir.RemoveArg):
        return RemoveKeyword(action.name, action.span)
    if isinstance(action.value, ir.PatternText):
        return AddKeyword(action.name, _template(action.value, checker, source), action.span)
    checker.check(action.value, "num")
    return AddKeyword(action.name, action.value, action.span)


def _template(text: ir.PatternText, checker: _Checker, source: str) -> Pattern:
    template = compile_pattern(text.text, text.span, source, statement_ok=False)
    for name in sorted(template.captures - checker.captures):
        raise RuleError(f"`{text.text}` uses ${name}, which the match does not capture",
                        template.span)
    return template


def call_site(node: ast.AST) -> ast.Call | None:
    """The pattern's first call (the one ``add``/``remove`` edit), outside captures."""
    return next((sub for sub in ast.walk(node) if isinstance(sub, ast.Call)), None)


# A group holding a quantifier, itself quantified: `(a+)+`, `(\w*)*`, `(x+|y)+` ...
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]")
MAX_INCLUDE_DEPTH = 16
MAX_RULE_FILES = 256
MAX_RULE_FILE_BYTES = 1_000_000

_RANDOM = frozenset({"gauss", "uniform", "choice"})


def _no_draws(expr: ir.Expr | ir.PatternText) -> None:
    """Conditions are decided before any draw, so they must not draw themselves."""
    if isinstance(expr, ir.Call):
        if expr.func in _RANDOM:
            raise RuleError(f"{expr.func}() draws a random number; `where` and `ensure` "
                            "conditions must not", expr.span)
        for arg in expr.args:
            _no_draws(arg)
    for child in ("operand", "left", "right", "value"):
        sub = getattr(expr, child, None)
        if sub is not None:
            _no_draws(sub)


def operator_site(node: ast.AST) -> ast.AST | None:
    """The first comparison / boolean / binary operation of a pattern, outside captures."""
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Compare, ast.BoolOp, ast.BinOp)):
            return sub
    return None


def _operator_family(node: ast.AST) -> str:
    if isinstance(node, ast.Compare):
        return "compare"
    return "bool" if isinstance(node, ast.BoolOp) else "binary"


def _family_of(op: type[ast.AST]) -> str:
    if op in _COMPARE_OPS.values():
        return "compare"
    return "bool" if op in _BOOL_OPS.values() else "binary"


class _Checker:
    """Type-checks rule expressions: ``num`` values and ``bool`` conditions."""

    def __init__(self, domains: dict[str, Domain], captures: frozenset[str], source: str) -> None:
        self.domains = domains
        self.captures = captures
        self.source = source
        self.patterns: dict[Span, Pattern] = {}

    def check_capture(self, capture: ir.Capture) -> None:
        if capture.name not in self.captures:
            known = ", ".join(f"${c}" for c in sorted(self.captures)) or "none"
            raise RuleError(f"unknown capture ${capture.name} (captured by every match: {known})",
                            capture.span)

    def domain(self, expr: ir.Expr | ir.PatternText, want: str) -> Domain:
        if not isinstance(expr, ir.Ref):
            raise RuleError(f"expected the name of a {want} declaration here", expr.span)
        found = self.domains.get(expr.name)
        if found is None:
            raise RuleError(f"unknown {want} {expr.name!r}", expr.span)
        if (want == "choices") != found.is_choices:
            other = "choices" if found.is_choices else "bound"
            raise RuleError(f"{expr.name!r} is a {other}, but a {want} is needed here", expr.span)
        return found

    def check(self, expr: ir.Expr | ir.PatternText, want: str) -> None:
        kind = self.kind_of(expr, want)
        if kind != want:
            wanted = {"num": "a number", "bool": "a condition"}[want]
            found = {"num": "a number", "bool": "a condition", "pattern": "a `pattern`"}[kind]
            raise RuleError(f"expected {wanted} here, found {found}", expr.span)

    def kind_of(self, expr: ir.Expr | ir.PatternText, want: str) -> str:
        if isinstance(expr, ir.PatternText):
            return "pattern"
        if isinstance(expr, ir.Num):
            return "num"
        if isinstance(expr, ir.Capture):
            self.check_capture(expr)
            return "num"
        if isinstance(expr, ir.Ref):
            if expr.name in self.domains:
                raise RuleError(f"{expr.name!r} is a domain, not a number; use it with `in`, "
                                "clamp(), uniform(), choice() or step()", expr.span)
            raise RuleError(f"unknown name {expr.name!r}", expr.span)
        if isinstance(expr, ir.Unary):
            want = "bool" if expr.op == "not" else "num"
            self.check(expr.operand, want)
            return want
        if isinstance(expr, ir.Binary):
            if expr.op in ("and", "or"):
                self.check(expr.left, "bool")
                self.check(expr.right, "bool")
                return "bool"
            self.check(expr.left, "num")
            self.check(expr.right, "num")
            return "bool" if expr.op in _COMPARE_OPS else "num"
        if isinstance(expr, ir.InDomain):
            self.check(expr.value, "num")
            if expr.domain not in self.domains:
                raise RuleError(f"unknown bound or choices {expr.domain!r}", expr.span)
            return "bool"
        if isinstance(expr, ir.RegexMatch):
            self.check_capture(expr.capture)
            try:
                re.compile(expr.regex)
            except re.error as exc:
                raise RuleError(f"bad regex /{expr.regex}/: {exc.msg}", expr.span) from None
            if _NESTED_QUANTIFIER.search(expr.regex):
                raise RuleError(f"regex /{expr.regex}/ nests quantifiers, which can backtrack "
                                "for ever; rewrite it without a repeated group of repeats",
                                expr.span)
            return "bool"
        return self._kind_of_call(expr, want)

    def _kind_of_call(self, call: ir.Call, want: str) -> str:
        # `int(...)` is a predicate where a condition is wanted and a conversion elsewhere.
        if call.func in _PREDICATES and (call.func != "int" or want == "bool"):
            self._check_predicate(call, _PREDICATES[call.func])
            return "bool"
        if call.func not in _VALUE_FUNCTIONS:
            known = ", ".join(sorted({*_VALUE_FUNCTIONS, *_PREDICATES}))
            raise RuleError(f"unknown function {call.func!r} (known: {known})", call.span)
        signatures, variadic = _VALUE_FUNCTIONS[call.func]
        # With one signature of the call's arity, its own error is the most precise.
        fitting = [s for s in signatures if len(s) == len(call.args)
                   or (variadic and len(call.args) > len(s))]
        if len(fitting) == 1:
            signatures = (fitting[0],)
        errors: list[RuleError] = []
        for signature in signatures:
            try:
                self._check_args(call, signature, variadic)
                return "num"
            except RuleError as exc:
                errors.append(exc)
        raise errors[-1] if len(signatures) == 1 else RuleError(
            f"{call.func}() takes {' or '.join(_describe(s, variadic) for s in signatures)}",
            call.span)

    def _check_args(self, call: ir.Call, signature: tuple[str, ...], variadic: bool) -> None:
        args = call.args
        if len(args) < len(signature) or (len(args) > len(signature) and not variadic):
            raise RuleError(f"{call.func}() takes {_describe(signature, variadic)}, "
                            f"got {len(args)} argument(s)", call.span)
        kinds = list(signature) + [signature[-1]] * (len(args) - len(signature))
        for arg, kind in zip(args, kinds):
            if kind in ("bound", "choices"):
                self.domain(arg, kind)
            else:
                self.check(arg, kind)

    def _check_predicate(self, call: ir.Call, signature: tuple[str, ...]) -> None:
        if len(call.args) != len(signature):
            raise RuleError(f"{call.func}() takes {len(signature)} argument(s), "
                            f"got {len(call.args)}", call.span)
        for arg, kind in zip(call.args, signature):
            if kind == "capture":
                if not isinstance(arg, ir.Capture):
                    raise RuleError(f"{call.func}() needs a $capture", arg.span)
                self.check_capture(arg)
            elif kind == "ident":
                if not isinstance(arg, ir.Ref):
                    raise RuleError(f"{call.func}() needs a plain Python name", arg.span)
            elif kind == "pattern":
                if not isinstance(arg, ir.PatternText):
                    raise RuleError(f"{call.func}() needs a `pattern`", arg.span)
                self.patterns[arg.span] = compile_pattern(arg.text, arg.span, self.source,
                                                          statement_ok=False)


def _describe(signature: tuple[str, ...], variadic: bool) -> str:
    names = {"num": "number", "bound": "bound", "choices": "choices"}
    text = "(" + ", ".join(names.get(k, k) for k in signature) + (", ..." if variadic else "") + ")"
    return text
