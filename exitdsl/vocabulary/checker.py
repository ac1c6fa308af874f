"""Type checking of rule expressions: ``num`` values and ``bool`` conditions.

Functions and predicates are looked up in the vocabulary, so a function the checker
accepts is one the evaluator can run.
"""

from __future__ import annotations

from ..errors import RuleError, Span
from .functions import FUNCTIONS, PREDICATES, describe
from .operators import BY_TOKEN
from ..language import ir
from ..language.domains import Domain
from ..language.patterns import Pattern, compile_pattern
from ..language.regex import RegexError, compile_regex
from ..language.suggest import closest, did_you_mean

_KIND_NAMES = {"num": "a number", "bool": "a condition", "pattern": "a `pattern`"}


class Checker:
    """Type-checks the expressions of one rule, knowing its domains and captures."""

    def __init__(self, domains: dict[str, Domain], captures: frozenset[str], source: str) -> None:
        self.domains = domains
        self.captures = captures
        self.source = source
        self.patterns: dict[Span, Pattern] = {}  # patterns given to predicates, compiled

    def check_capture(self, capture: ir.Capture) -> None:
        if capture.name == "0" and "0" not in self.captures:
            raise RuleError("$0 (the whole match) needs expression patterns; a statement "
                            "pattern's parts are captured by name", capture.span)
        if capture.name not in self.captures:
            known = ", ".join(f"${c}" for c in sorted(self.captures - {"0"})) or "none"
            near = closest(capture.name, self.captures)
            hint = f" (did you mean ${near}?)" if near else ""
            raise RuleError(f"unknown capture ${capture.name}{hint} (captured by every match: "
                            f"{known})", capture.span, suggestion=f"${near}" if near else None)

    def domain(self, expr: ir.Expr | ir.PatternText, want: str) -> Domain:
        if not isinstance(expr, ir.Ref):
            raise RuleError(f"expected the name of a {want} declaration here", expr.span)
        found = self.domains.get(expr.name)
        if found is None:
            raise RuleError(f"unknown {want} {expr.name!r}{did_you_mean(expr.name, self.domains)}",
                            expr.span, suggestion=closest(expr.name, self.domains))
        if found.is_map:
            raise RuleError(f"{expr.name!r} is a map, not a {want}", expr.span)
        if (want == "choices") != found.is_choices:
            other = "choices" if found.is_choices else "bound"
            raise RuleError(f"{expr.name!r} is a {other}, but a {want} is needed here", expr.span)
        return found

    def check(self, expr: ir.Expr | ir.PatternText, want: str) -> None:
        kind = self.kind_of(expr, want)
        if kind != want:
            raise RuleError(f"expected {_KIND_NAMES[want]} here, found {_KIND_NAMES[kind]}",
                            expr.span)

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
            return self._kind_of_binary(expr)
        if isinstance(expr, ir.InDomain):
            domain = self.domains.get(expr.domain)
            if domain is None:
                raise RuleError(f"unknown bound, choices or map {expr.domain!r}"
                                f"{did_you_mean(expr.domain, self.domains)}", expr.span,
                                suggestion=closest(expr.domain, self.domains))
            if domain.is_map:  # `$k in signal_columns`: the capture's word is a key
                if not isinstance(expr.value, ir.Capture):
                    raise RuleError(f"`in {expr.domain}` (a map) takes a $capture",
                                    _span(expr.value) or expr.span)
                self.check_capture(expr.value)
            else:
                self.check(expr.value, "num")
            return "bool"
        if isinstance(expr, ir.RegexMatch):
            self._check_regex(expr)
            return "bool"
        return self._kind_of_call(expr, want)

    def _kind_of_binary(self, expr: ir.Binary) -> str:
        if expr.op in ("and", "or"):
            self.check(expr.left, "bool")
            self.check(expr.right, "bool")
            return "bool"
        self.check(expr.left, "num")
        self.check(expr.right, "num")
        return "bool" if BY_TOKEN[expr.op].family == "compare" else "num"

    def _check_regex(self, expr: ir.RegexMatch) -> None:
        self.check_capture(expr.capture)
        try:
            compile_regex(expr.regex)
        except RegexError as exc:
            raise RuleError(f"bad regex /{expr.regex}/: {exc} (regexes are RE2: no "
                            "back-references or look-around)", expr.span) from None

    def _kind_of_call(self, call: ir.Call, want: str) -> str:
        # `int(...)` is a predicate where a condition is wanted and a conversion elsewhere.
        if call.func in PREDICATES and (call.func != "int" or want == "bool"):
            self._check_predicate(call, PREDICATES[call.func].signature)
            return "bool"
        function = FUNCTIONS.get(call.func)
        if function is None:
            known = ", ".join(sorted({*FUNCTIONS, *PREDICATES}))
            raise RuleError(f"unknown function {call.func!r}"
                            f"{did_you_mean(call.func, {*FUNCTIONS, *PREDICATES})} "
                            f"(known: {known})", call.span,
                            suggestion=closest(call.func, {*FUNCTIONS, *PREDICATES}))
        signatures, variadic = function.signatures, function.variadic
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
            f"{call.func}() takes {' or '.join(describe(s, variadic) for s in signatures)}",
            call.span)

    def _check_args(self, call: ir.Call, signature: tuple[str, ...], variadic: bool) -> None:
        args = call.args
        if len(args) < len(signature) or (len(args) > len(signature) and not variadic):
            raise RuleError(f"{call.func}() takes {describe(signature, variadic)}, "
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
            elif kind in ("pattern", "statement"):
                if not isinstance(arg, ir.PatternText):
                    raise RuleError(f"{call.func}() needs a `pattern`", arg.span)
                self.patterns[arg.span] = compile_pattern(arg.text, arg.span, self.source,
                                                          statement_ok=kind == "statement")


def no_draws(expr: ir.Expr | ir.PatternText) -> None:
    """Conditions are decided before any draw, so they must not draw themselves."""
    if isinstance(expr, ir.Call):
        function = FUNCTIONS.get(expr.func)
        if function is not None and function.draws:
            raise RuleError(f"{expr.func}() draws a random number; `where` and `ensure` "
                            "conditions must not", expr.span)
        for arg in expr.args:
            no_draws(arg)
    for child in ("operand", "left", "right", "value"):
        sub = getattr(expr, child, None)
        if sub is not None:
            no_draws(sub)



def _span(expr: object) -> Span | None:
    span = getattr(expr, "span", None)
    return span if isinstance(span, Span) else None
