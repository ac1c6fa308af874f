"""The functions of the value language and the predicates of conditions, once each:
signature (for the type checker), whether they draw (conditions must not), and what they
compute (for the evaluator).

Argument kinds: ``num`` a number expression, ``bound`` / ``choices`` the name of such a
declaration, ``capture`` a ``$capture``, ``ident`` a plain Python name, ``pattern`` a
backtick pattern.
"""

from __future__ import annotations

import ast
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..language import ir
from ..language.domains import Domain
from .numbers import Number, constant_number, literal_number

Args = Sequence[ir.Expr | ir.PatternText]


class Evaluator(Protocol):
    """What a function or predicate may ask of the site it is evaluated at."""

    def number(self, expr: ir.Expr | ir.PatternText) -> Number: ...

    def domain(self, arg: ir.Expr | ir.PatternText) -> Domain: ...

    def draw(self) -> random.Random: ...

    def captured(self, name: str) -> object: ...

    def defined(self, name: str) -> bool: ...

    def local(self, name: str) -> bool: ...

    def contains(self, node: object, pattern: ir.PatternText) -> bool: ...

    def in_file(self, pattern: ir.PatternText) -> bool: ...

    def read_in(self, name: str, method: str) -> bool: ...

    def guards(self, name: str, method: str, call: str) -> bool: ...

    def in_test_of(self, call: str) -> bool: ...


@dataclass(frozen=True)
class Function:
    """A number-valued function: ``gauss($sl, 0.1)``, ``clamp($v, stop_loss)``."""

    name: str
    signatures: tuple[tuple[str, ...], ...]
    variadic: bool  # the last kind of a signature may repeat
    draws: bool  # random: forbidden in `where` and `ensure`
    compute: Callable[[Args, Evaluator], Number]
    doc: str = ""  # docs/dsl.md's description, word for word (an editor's hover shows it)

    def forms(self) -> tuple[str, ...]:
        """Each way to call it: ``clamp(number, number, number)``, ``clamp(number, bound)``."""
        return tuple(f"{self.name}{describe(s, self.variadic)}" for s in self.signatures)


@dataclass(frozen=True)
class Predicate:
    """A condition on a site: ``number($sl)``, ``defined(np)``, ``contains($x, `f()`)``."""

    name: str
    signature: tuple[str, ...]
    test: Callable[[Args, Evaluator], bool]
    doc: str = ""  # docs/dsl.md's description, word for word

    def forms(self) -> tuple[str, ...]:
        return (f"{self.name}{describe(self.signature, False)}",)


def describe(signature: tuple[str, ...], variadic: bool) -> str:
    """A signature as errors and editors say it: ``(number, bound)``, ``(number, ...)``."""
    names = {"num": "number", "bound": "bound", "choices": "choices"}
    return "(" + ", ".join(names.get(k, k) for k in signature) + (", ..." if variadic else "") + ")"


def _interval(args: Args, env: Evaluator) -> tuple[float, float]:
    """``(lo, hi)`` from ``BOUND`` or from two values."""
    if len(args) == 1:
        domain = env.domain(args[0])
        return domain.low, domain.high
    return env.number(args[0]), env.number(args[1])


def _choice(args: Args, env: Evaluator) -> Number:
    if isinstance(args[0], ir.Ref):
        options: tuple[Number, ...] = env.domain(args[0]).values
    else:
        options = tuple(env.number(a) for a in args)
    return env.draw().choice(options)


def _clamp(args: Args, env: Evaluator) -> Number:
    low, high = _interval(args[1:], env)
    value = env.number(args[0])
    return low if value < low else high if value > high else value


def _round(args: Args, env: Evaluator) -> Number:
    if len(args) == 1:
        return round(env.number(args[0]))
    return round(env.number(args[0]), int(env.number(args[1])))


def _step(args: Args, env: Evaluator) -> Number:
    """Move ``steps`` places from ``value``'s nearest option, stopping at the ends."""
    value, options, steps = env.number(args[0]), env.domain(args[1]).values, env.number(args[2])
    nearest = min(range(len(options)), key=lambda i: (abs(options[i] - value), i))
    target = nearest + int(steps)
    return options[max(0, min(len(options) - 1, target))]


FUNCTIONS: dict[str, Function] = {f.name: f for f in (
    Function("gauss", (("num", "num"),), False, True,
             lambda a, env: env.draw().gauss(env.number(a[0]), env.number(a[1])),
             doc="a normal draw"),
    Function("uniform", (("num", "num"), ("bound",)), False, True,
             lambda a, env: env.draw().uniform(*_interval(a, env)),
             doc="a uniform draw"),
    Function("choice", (("choices",), ("num",)), True, True, _choice,
             doc="one of the values, uniformly"),
    Function("step", (("num", "choices", "num"),), False, False, _step,
             doc=("the value `n` places from the choice nearest `x`, stopping at the ends (`n` "
                  "may be `choice(-1, 1)`)")),
    Function("clamp", (("num", "num", "num"), ("num", "bound")), False, False, _clamp,
             doc="`x` limited to the interval"),
    Function("round", (("num",), ("num", "num")), False, False, _round,
             doc="Python's rounding"),
    Function("int", (("num",),), False, False, lambda a, env: int(env.number(a[0])),
             doc="as in Python"),
    # In floats: an int power of a huge int would be a huge int (time and memory).
    Function("pow", (("num", "num"),), False, False,
             lambda a, env: float(env.number(a[0])) ** float(env.number(a[1])),
             doc=("`x` to the power `y`, in floats (`pow(10, -$dec)`: one unit of `$dec` "
                  "decimals)")),
    Function("abs", (("num",),), False, False, lambda a, env: abs(env.number(a[0])),
             doc="as in Python"),
    Function("min", (("num", "num"),), True, False,
             lambda a, env: min(env.number(x) for x in a),
             doc="as in Python"),
    Function("max", (("num", "num"),), True, False,
             lambda a, env: max(env.number(x) for x in a),
             doc="as in Python"),
)}


def _captured(args: Args, env: Evaluator) -> object:
    first = args[0]
    assert isinstance(first, ir.Capture)
    return env.captured(first.name)


def _defined(args: Args, env: Evaluator) -> bool:
    assert isinstance(args[0], ir.Ref)
    return env.defined(args[0].name)


def _local(args: Args, env: Evaluator) -> bool:
    assert isinstance(args[0], ir.Ref)
    return env.local(args[0].name)


def _read_in(args: Args, env: Evaluator) -> bool:
    name, method = _attribute_name(_captured(args, env)), args[1]
    assert isinstance(method, ir.Ref)
    return name is not None and env.read_in(name, method.name)


def _attribute_name(captured: object) -> str | None:
    return captured if isinstance(captured, str) else \
        captured.id if isinstance(captured, ast.Name) else None


def _guards(args: Args, env: Evaluator) -> bool:
    name, method, call = _attribute_name(_captured(args, env)), args[1], args[2]
    assert isinstance(method, ir.Ref) and isinstance(call, ir.Ref)
    return name is not None and env.guards(name, method.name, call.name)


def _in_test_of(args: Args, env: Evaluator) -> bool:
    assert isinstance(args[0], ir.Ref)
    return env.in_test_of(args[0].name)


def _pattern_text(arg: ir.Expr | ir.PatternText) -> ir.PatternText:
    assert isinstance(arg, ir.PatternText)
    return arg


def _contains(args: Args, env: Evaluator) -> bool:
    assert isinstance(args[1], ir.PatternText)
    return env.contains(_captured(args, env), args[1])


def _is_string(node: object) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


# `int(...)` is a predicate where a condition is wanted and a conversion elsewhere.
PREDICATES: dict[str, Predicate] = {p.name: p for p in (
    Predicate("number", ("capture",),
              lambda a, env: literal_number(_captured(a, env)) is not None,
              doc="`$x` is a number literal (`-0.3` counts)"),
    Predicate("int", ("capture",),
              lambda a, env: isinstance(literal_number(_captured(a, env)), int),
              doc="`$x` is an int literal"),
    Predicate("constant", ("capture",),
              lambda a, env: constant_number(_captured(a, env)) is not None,
              doc=("`$x` is a number literal or arithmetic (`+ - * /`) on number literals "
                   "(`0.0025 / 2`); its value is usable like a literal's, and `set` keeps the "
                   "author's form: it changes the one literal that carries the new value "
                   "(`0.05 / 2` -> `0.1 / 2`; a divisor never; of several, the one written "
                   "shortest), else writes the literal it computes")),
    Predicate("name", ("capture",),
              lambda a, env: isinstance(_captured(a, env), (ast.Name, str)),
              doc="`$x` is a plain name"),
    Predicate("string", ("capture",), lambda a, env: _is_string(_captured(a, env)),
              doc="`$x` is a string literal"),
    Predicate("defined", ("ident",), _defined,
              doc="NAME is bound in the site's scope before the site's statement"),
    Predicate("local", ("ident",), _local,
              doc=("NAME is made by this file (a `def`, a `class` or an assignment anywhere in "
                   "it); an import does not count: a `sim` the script defines itself is not "
                   "finlab's")),
    Predicate("contains", ("capture", "pattern"), _contains,
              doc="some node inside `$x` matches PATTERN"),
    Predicate("read_in", ("capture", "ident"), _read_in,
              doc=("the class attribute `$x` names is read (`self.NAME`, `cls.NAME`) in method "
                   "METHOD of the site's class or a class of the file it derives from, outside "
                   "code a switch turns off (an `if` test or an `and`/`&` chain holding "
                   "`self.FLAG` or `self.FLAG.value`, with FLAG `False` in the class or its "
                   "`buy_params`/`sell_params`)")),
    Predicate("guards", ("capture", "ident", "ident"), _guards,
              doc=("the class attribute `$x` names is read in a test that decides a call of "
                   "CALL in method METHOD (of the site's class or a class of the file it "
                   "derives from): the call is in the test's branch or plain `else`, at any "
                   "depth (`if crossover(self.rsi, self.upper_bound): self.position.close()`: "
                   "`guards($n, next, close)`)")),
    Predicate("in_test_of", ("ident",), _in_test_of,
              doc=("the site is in the test of an `if`/`elif` that decides a call of CALL, "
                   "in its branch or plain `else`, at any depth (the `.98` of `elif price < "
                   ".98 * self.ma10[-1]: self.position.close()`); a branch that closes and "
                   "buys is decided by its test for both, so `in_test_of(close) and not "
                   "in_test_of(buy)` asks for exit values only")),
    Predicate("in_file", ("statement",), lambda a, env: env.in_file(_pattern_text(a[0])),
              doc=("some statement or expression of the file, at any depth, matches PATTERN, "
                   'with the captures bound so far: ``not in_file(`$_ = {..., "stop_atr_mult": '
                   "$_, ...}`)`` skips a `.get()` default that a module-level dict of defaults "
                   "overrides")),
)}
