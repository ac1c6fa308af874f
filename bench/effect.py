"""Do the shipped rules rewrite the exit values that run? Per framework (issue 13).

An independent labeller (plain ``ast``, no exitdsl code, no rule file) marks the numeric
exit sites of each file, the values the framework actually runs:

- freqtrade (classes deriving from IStrategy, directly, through classes of the file, or
  defining minimal_roi/stoploss): ROI values under 1 (literals or expressions), a stoploss
  in (-0.99, 0), trailing_stop_positive(_offset) only while trailing_stop = True,
  exit/sell_profit_offset only while profit-only exits and exit signals are on, and each
  sell-space parameter (space= or a sell_ name) while exit signals are on: its sell_params
  value when the dict overrides it, else its default= (compared at the parameter's
  decimals, 3 when it declares none); and each plain numeric class attribute the exit
  methods (populate_exit/sell_trend, custom_exit/sell/stoploss and the self-helpers they
  call) read and the entry methods do not;
- finlab: stop_loss / take_profit / trail_stop literals of sim() calls, unless the file
  defines its own sim;
- jesse: the price numbers of self.stop_loss / self.take_profit (and of the local a stop
  is computed into), exit hyperparameter defaults, the numbers of an update_position
  test whose branch calls self.liquidate();
- backtrader: numeric exit params (stop/sl/tp/take/profit/target/trail/exit/hold names),
  trailpercent/trailamount, bracket stop/limit multipliers, Stop order prices, the
  numbers of a test deciding a self.close() and no entry;
- backtesting.py: the numbers of buy()/sell() sl=/tp= (not the 1 of `1 - x`) and of the
  locals of the method they are computed into, the numbers of an `if` test that decides a
  close of the position or a trade and no entry (`if self.rsi[-1] > 70:
  self.position.close()`; in its branch or plain else, at any depth) and of
  values given to a trade's sl/tp (`trade.sl = max(trade.sl, price - 2 * atr)`), class
  attributes those expressions read, set_trailing_sl/pct arguments;
- vectorbt: sl_stop/tp_stop/tsl_stop numbers of from_signals (lists, np.arange/linspace
  ends, keyword dicts, module constants).

The labels are computed on the parent and again on the rewritten file: a site is
*rewritten* when its running value differs, a rewrite is *effective* when it lands on a
site that still runs in the result (trailing values while another rewrite turned trailing
off, or a default rounded back to its decimals, are not). Every other numeric rewrite is
counted as not effective. Statement rejections and the verifier's comment check are
counted from the run.

    python bench/effect.py [--corpus DIR] [--files-per-framework N] [--seed S] [--json OUT]

Without --corpus, bench/framework_corpus.py writes one (plus the bundled examples).
A real corpus goes in DIR/<framework>/*.py (never commit third-party code).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from exitdsl import Engine, load_rules  # noqa: E402

import framework_corpus  # noqa: E402

FRAMEWORKS = ("freqtrade", "finlab", "jesse", "backtrader", "backtesting", "vectorbt")
EXIT_NAME = re.compile(r"(^|_)(stop|sl|tp|take|profit|target|trail|trailing|trailpercent|"
                       r"exit|hold|bars)(_|$)")
Key = tuple[object, ...]


def number(node: ast.AST | None) -> float | None:
    """The value of a numeric literal or an expression of numeric literals."""
    if node is None:
        return None
    try:
        value = ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        try:
            value = eval(compile(ast.Expression(node), "<n>", "eval"),  # noqa: S307
                         {"__builtins__": {}}) if _only_numbers(node) else None
        except (ArithmeticError, ValueError, TypeError):
            return None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else None


def _only_numbers(node: ast.AST) -> bool:
    return all(isinstance(n, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant,
                              ast.operator, ast.unaryop)) for n in ast.walk(node)) \
        and any(isinstance(n, ast.Constant) for n in ast.walk(node))


def literals(node: ast.AST) -> Iterator[ast.expr]:
    """Numeric literals inside ``node`` (a unary minus taken with its number), in order;
    not a subscript's index (the -1 of ``self.ott[-1]`` picks a bar, it is no exit value)."""
    indexes = {id(sub) for s in ast.walk(node) if isinstance(s, ast.Subscript)
               for sub in ast.walk(s.slice)}
    for sub in ast.walk(node):
        if id(sub) in indexes:
            continue
        if isinstance(sub, ast.UnaryOp) and isinstance(sub.op, ast.USub) \
                and isinstance(sub.operand, ast.Constant):
            yield sub
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, (int, float)) \
                and not isinstance(sub.value, bool):
            yield sub


def _negated(node: ast.AST) -> set[int]:
    return {id(n.operand) for n in ast.walk(node) if isinstance(n, ast.UnaryOp)}


def numbers_in(node: ast.AST, skip_one: bool = False) -> list[ast.expr]:
    """Numeric literals of an exit expression; ``skip_one`` drops the 1 of ``1 - x``."""
    inner = _negated(node)
    found = [n for n in literals(node) if id(n) not in inner]
    if skip_one:
        ones = {id(n.left) for n in ast.walk(node) if isinstance(n, ast.BinOp)
                and isinstance(n.op, (ast.Add, ast.Sub)) and isinstance(n.left, ast.Constant)
                and n.left.value == 1}
        found = [n for n in found if id(n) not in ones]
    return found


@dataclass
class Site:
    value: float
    decimals: int | None = None  # compare rounded (freqtrade DecimalParameter)

    def runs_as(self) -> float:
        return round(self.value, self.decimals) if self.decimals is not None else self.value


Labels = dict[Key, Site]


# --- freqtrade -------------------------------------------------------------------------

def _class_attrs(cls: ast.ClassDef) -> dict[str, ast.expr]:
    found: dict[str, ast.expr] = {}
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) \
                and stmt.value is not None:
            found[stmt.target.id] = stmt.value
    return found


def _base_names(cls: ast.ClassDef) -> set[str]:
    return {b.id if isinstance(b, ast.Name) else b.attr for b in cls.bases
            if isinstance(b, (ast.Name, ast.Attribute))}


def strategy_classes(tree: ast.Module, base: str, defining: tuple[str, ...] = ()
                     ) -> list[ast.ClassDef]:
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    names = {base} | {c.name for c in classes if set(_class_attrs(c)) & set(defining)}
    grown = True
    while grown:
        grown = False
        for cls in classes:
            if cls.name not in names and _base_names(cls) & names:
                names.add(cls.name)
                grown = True
    return [c for c in classes if c.name in names and (
        _base_names(c) & names or set(_class_attrs(c)) & set(defining))]


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def freqtrade(tree: ast.Module) -> Labels:
    labels: Labels = {}
    classes = {c.name: c for c in ast.walk(tree) if isinstance(c, ast.ClassDef)}
    for cls in strategy_classes(tree, "IStrategy", ("minimal_roi", "stoploss")):
        attrs = _class_attrs(cls)
        signal = attrs.get("use_exit_signal", attrs.get("use_sell_signal"))
        signal_on = not (isinstance(signal, ast.Constant) and signal.value is False)
        roi = attrs.get("minimal_roi")
        if isinstance(roi, ast.Dict):
            for key, value in zip(roi.keys, roi.values):
                v = number(value)
                if isinstance(key, ast.Constant) and v is not None and 0 <= v < 1:
                    labels[(cls.name, "roi", key.value)] = Site(v)
        stop = number(attrs.get("stoploss"))
        if stop is not None and -0.99 < stop < 0:
            labels[(cls.name, "stoploss")] = Site(stop)
        if _is_true(attrs.get("trailing_stop")):
            for name in ("trailing_stop_positive", "trailing_stop_positive_offset"):
                if (v := number(attrs.get(name))) is not None:
                    labels[(cls.name, name)] = Site(v)
        for only, offset in (("exit_profit_only", "exit_profit_offset"),
                             ("sell_profit_only", "sell_profit_offset")):
            if signal_on and _is_true(attrs.get(only)) \
                    and (v := number(attrs.get(offset))) is not None:
                labels[(cls.name, offset)] = Site(v)
        overrides: dict[str, ast.expr] = {}
        sell_params = attrs.get("sell_params")
        if isinstance(sell_params, ast.Dict):
            overrides = {k.value: v for k, v in zip(sell_params.keys, sell_params.values)
                         if isinstance(k, ast.Constant) and isinstance(k.value, str)}
        for name, value in attrs.items():
            if not (signal_on and isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Name)
                    and value.func.id in ("IntParameter", "DecimalParameter")):
                continue
            space = _keyword(value, "space")
            space_name = space.value if isinstance(space, ast.Constant) else \
                "sell" if name.startswith("sell_") else None
            if space_name != "sell":
                continue
            decimals: int | None = 0 if value.func.id == "IntParameter" else 3
            if (d := number(_keyword(value, "decimals"))) is not None:
                decimals = int(d)
            if name in overrides:
                if (v := number(overrides[name])) is not None:
                    labels[(cls.name, "sell_params", name)] = Site(v, decimals)
            elif (v := number(_keyword(value, "default"))) is not None:
                labels[(cls.name, "param", name)] = Site(v, decimals)
        # Plain numeric attributes the exit logic reads, the entry logic not (the thresholds
        # of NostalgiaForInfinity and its derivatives). Switches are not followed here: a
        # threshold only read under a switched-off condition is labelled, and counts as
        # missed, never as an effective rewrite.
        exit_reads = _self_reads(cls, classes, _EXIT_METHODS)
        entry_reads = _self_reads(cls, classes, _ENTRY_METHODS)
        for name, value in attrs.items():
            v = number(value)
            flag = isinstance(value, ast.Constant) and isinstance(value.value, bool)
            if v is None or v == 0 or flag or name in _SETTINGS:
                continue
            if name in exit_reads and name not in entry_reads:
                labels[(cls.name, "attribute", name)] = Site(v)
    return labels


_EXIT_METHODS = ("populate_exit_trend", "populate_sell_trend", "custom_exit", "custom_sell",
                 "custom_stoploss")
_ENTRY_METHODS = ("populate_entry_trend", "populate_buy_trend")
_SETTINGS = {"stoploss", "trailing_stop_positive", "trailing_stop_positive_offset",
             "exit_profit_offset", "sell_profit_offset", "timeframe", "startup_candle_count"}


def _self_reads(cls: ast.ClassDef, classes: dict[str, ast.ClassDef],
                roots: tuple[str, ...]) -> set[str]:
    """Names read as self.NAME / cls.NAME in the methods ``roots`` of the class (or of the
    classes of the file it derives from) and in the methods they call through self."""
    chain, queue = [cls], [cls]
    while queue:
        for base in _base_names(queue.pop()):
            if base in classes and classes[base] not in chain:
                chain.append(classes[base])
                queue.append(classes[base])
    methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for owner in reversed(chain):  # a subclass's method wins
        methods.update((f.name, f) for f in owner.body
                       if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)))
    found: set[str] = set()
    todo = [m for m in roots if m in methods]
    done: set[str] = set()
    while todo:
        name = todo.pop()
        if name in done:
            continue
        done.add(name)
        for node in ast.walk(methods[name]):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) \
                    and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                found.add(node.attr)
                if node.attr in methods:
                    todo.append(node.attr)
    return found


# --- finlab ----------------------------------------------------------------------------

def finlab(tree: ast.Module) -> Labels:
    own_sim = any(isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == "sim"
                  or isinstance(n, ast.Name) and n.id == "sim" and isinstance(n.ctx, ast.Store)
                  for n in ast.walk(tree))
    labels: Labels = {}
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and (
        isinstance(n.func, ast.Name) and n.func.id == "sim" and not own_sim
        or isinstance(n.func, ast.Attribute) and n.func.attr == "sim")]
    for index, call in enumerate(calls):
        for name in ("stop_loss", "take_profit", "trail_stop"):
            if (v := number(_keyword(call, name))) is not None:
                labels[("sim", index, name)] = Site(v)
    return labels


# --- generic helpers for the statement-shaped frameworks --------------------------------

def _statement_key(tree: ast.Module, node: ast.AST) -> tuple[object, ...]:
    """Where a statement is: the path of body indexes from the module (stable under number
    swaps, which neither add nor remove statements)."""
    path: list[object] = []

    def find(body: list[ast.stmt], trail: list[object]) -> bool:
        for index, stmt in enumerate(body):
            if stmt is node:
                path.extend(trail + [index])
                return True
            for field_name in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field_name, None)
                if isinstance(inner, list) and find(inner, trail + [index, field_name]):
                    return True
        return False

    find(tree.body, [])
    return tuple(path)


def _label_numbers(labels: Labels, tree: ast.Module, stmt: ast.stmt, tag: str,
                   nodes: list[ast.expr]) -> None:
    where = _statement_key(tree, stmt)
    for index, node in enumerate(nodes):
        if (v := number(node)) is not None:
            labels[(*where, tag, index)] = Site(v)


def _statements(tree: ast.AST) -> Iterator[ast.stmt]:
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            yield node


def own_calls(stmt: ast.stmt) -> Iterator[ast.Call]:
    """The calls of the statement's own expressions (not of statements nested in it)."""
    stack: list[ast.AST] = [c for c in ast.iter_child_nodes(stmt) if not isinstance(c, ast.stmt)]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call):
            yield node
        stack.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, ast.stmt))


def _decided(node: ast.If) -> list[ast.stmt]:
    """What an ``if`` test decides: its branch and a plain ``else``, at any depth (an
    ``elif`` decides its own branches)."""
    orelse = node.orelse
    if len(orelse) == 1 and isinstance(orelse[0], ast.If):
        return list(node.body)
    return [*node.body, *orelse]


def _calls(statements: list[ast.stmt], names: tuple[str, ...]) -> bool:
    """Is a method of one of ``names`` called under ``statements`` (not in a function
    defined there)?"""
    stack: list[ast.AST] = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in names:
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False


def _closes(node: ast.If, call: str = "close") -> bool:
    """The test decides a close (``self.position.close()``, ``trade.close()``, jesse's
    ``self.liquidate()``) and no entry: a test that closes and re-enters, or also buys,
    decides an entry too, and its numbers are not exit values only."""
    decided = _decided(node)
    return _calls(decided, (call,)) and not _calls(decided, ("buy", "sell"))


def _label_close_tests(labels: Labels, tree: ast.Module, scope: ast.AST,
                       call: str) -> None:
    """The numbers of the tests of the branches in ``scope`` that call ``call``; a 0 is a
    sign test (``self.crossover < 0``), not a level."""
    for stmt in _statements(scope):
        if isinstance(stmt, ast.If) and _closes(stmt, call):
            _label_numbers(labels, tree, stmt, "close-if",
                           [n for n in numbers_in(stmt.test, skip_one=True) if number(n) != 0])


# --- jesse -----------------------------------------------------------------------------

def _order_prices(value: ast.expr) -> list[ast.expr]:
    """The price part of ``qty, price`` or of a list of such pairs."""
    pairs = value.elts if isinstance(value, ast.List) else [value]
    return [p.elts[1] for p in pairs if isinstance(p, ast.Tuple) and len(p.elts) == 2]


def jesse(tree: ast.Module) -> Labels:
    labels: Labels = {}
    for cls in strategy_classes(tree, "Strategy"):
        for method in cls.body:
            if not isinstance(method, ast.FunctionDef):
                continue
            if method.name == "hyperparameters":
                for node in ast.walk(method):
                    if isinstance(node, ast.Dict):
                        entry = {k.value: v for k, v in zip(node.keys, node.values)
                                 if isinstance(k, ast.Constant)}
                        name = entry.get("name")
                        if isinstance(name, ast.Constant) and isinstance(name.value, str) \
                                and EXIT_NAME.search(name.value) \
                                and (v := number(entry.get("default"))) is not None:
                            labels[("hp", name.value)] = Site(v)
                continue
            if method.name in ("update_position", "should_cancel_entry"):
                _label_close_tests(labels, tree, method, "liquidate")
            locals_read: set[str] = set()
            for stmt in _statements(method):
                if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Attribute) \
                        and stmt.targets[0].attr in ("stop_loss", "take_profit"):
                    prices = _order_prices(stmt.value)
                    locals_read |= {p.id for p in prices if isinstance(p, ast.Name)}
                    _label_numbers(labels, tree, stmt, "order",
                                   [n for p in prices for n in numbers_in(p, skip_one=True)])
            for stmt in _statements(method):
                if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name) \
                        and stmt.targets[0].id in locals_read:
                    _label_numbers(labels, tree, stmt, "local",
                                   numbers_in(stmt.value, skip_one=True))
    return labels


# --- backtrader ------------------------------------------------------------------------

def _param_entries(value: ast.expr) -> Iterator[tuple[str, ast.expr]]:
    if isinstance(value, ast.Tuple):
        for pair in value.elts:
            if isinstance(pair, ast.Tuple) and len(pair.elts) == 2 \
                    and isinstance(pair.elts[0], ast.Constant):
                yield str(pair.elts[0].value), pair.elts[1]
    elif isinstance(value, ast.Call):
        for keyword in value.keywords:
            if keyword.arg:
                yield keyword.arg, keyword.value
    elif isinstance(value, ast.Dict):
        for key, item in zip(value.keys, value.values):
            if isinstance(key, ast.Constant):
                yield str(key.value), item


def backtrader(tree: ast.Module) -> Labels:
    labels: Labels = {}
    for cls in strategy_classes(tree, "Strategy"):
        params = _class_attrs(cls).get("params")
        if params is not None:
            for name, value in _param_entries(params):
                if EXIT_NAME.search(name) and (v := number(value)) is not None and v > 0:
                    labels[(cls.name, "params", name)] = Site(v)
        _label_close_tests(labels, tree, cls, "close")
        for stmt in _statements(cls):
            for call in (n for n in own_calls(stmt) if isinstance(n.func, ast.Attribute)):
                exits: list[ast.expr] = []
                for keyword in call.keywords:
                    if keyword.arg in ("trailpercent", "trailamount"):
                        exits.append(keyword.value)
                    elif keyword.arg in ("stopprice", "limitprice") \
                            and call.func.attr.endswith("bracket"):
                        exits.append(keyword.value)
                    elif keyword.arg == "price" and call.func.attr in ("sell", "close") \
                            and "Stop" in ast.unparse(_keyword(call, "exectype") or ast.Pass()):
                        exits.append(keyword.value)
                _label_numbers(labels, tree, stmt, f"order{call.col_offset}",
                               [n for e in exits for n in numbers_in(e, skip_one=True)])
    return labels


# --- backtesting.py --------------------------------------------------------------------

def _feeding(method: ast.AST, exprs: list[ast.expr]) -> list[ast.Assign]:
    """The assignments of the method's locals that ``exprs`` read, directly or through
    other locals (``sl = price - self.atr_mult * atr`` for ``self.buy(sl=sl)``)."""
    assigned: dict[str, list[ast.Assign]] = {}
    for node in ast.walk(method):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, []).append(node)
    seen: set[str] = set()
    found: list[ast.Assign] = []
    work = [n.id for e in exprs for n in ast.walk(e) if isinstance(n, ast.Name)]
    while work:
        name = work.pop()
        if name in seen:
            continue
        seen.add(name)
        for stmt in assigned.get(name, []):
            found.append(stmt)
            work.extend(n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name))
    return found


def _self_attributes(exprs: list[ast.expr]) -> set[str]:
    return {n.attr for e in exprs for n in ast.walk(e) if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name) and n.value.id == "self"}




def backtesting(tree: ast.Module) -> Labels:
    labels: Labels = {}
    for cls in strategy_classes(tree, "Strategy", ()) + strategy_classes(tree,
                                                                        "TrailingStrategy"):
        attrs = _class_attrs(cls)
        for method in (m for m in ast.walk(cls) if isinstance(m, ast.FunctionDef)):
            exits: list[ast.expr] = []
            for stmt in (s for s in method.body for s in ast.walk(s) if isinstance(s, ast.stmt)):
                for call in (n for n in own_calls(stmt) if isinstance(n.func, ast.Attribute)):
                    if call.func.attr in ("buy", "sell"):
                        own = [v for k in ("sl", "tp") if (v := _keyword(call, k)) is not None]
                        _label_numbers(labels, tree, stmt, "order",
                                       [n for e in own for n in numbers_in(e, skip_one=True)])
                        exits += own
                    elif call.func.attr in ("set_trailing_sl", "set_trailing_pct") and call.args:
                        _label_numbers(labels, tree, stmt, "trailing", numbers_in(call.args[0]))
                if isinstance(stmt, ast.Assign) and any(
                        isinstance(t, ast.Attribute) and t.attr in ("sl", "tp")
                        for t in stmt.targets):  # trade.sl = max(trade.sl, price * 0.97)
                    _label_numbers(labels, tree, stmt, "trade-stop",
                                   numbers_in(stmt.value, skip_one=True))
                    exits.append(stmt.value)
                if isinstance(stmt, ast.If) and _closes(stmt):
                    _label_numbers(labels, tree, stmt, "close-if",
                                   [n for n in numbers_in(stmt.test, skip_one=True) if number(n) != 0])
                    exits.append(stmt.test)
            feeding = _feeding(method, exits)
            for assign in feeding:
                _label_numbers(labels, tree, assign, "local",
                               numbers_in(assign.value, skip_one=True))
            for name in sorted(_self_attributes(exits + [a.value for a in feeding])):
                if (v := number(attrs.get(name))) is not None:
                    labels[(cls.name, "attr", name)] = Site(v)
    return labels


# --- vectorbt --------------------------------------------------------------------------

STOPS = ("sl_stop", "tp_stop", "tsl_stop")


def _stop_numbers(value: ast.expr) -> list[ast.expr]:
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
            and value.func.attr in ("arange", "linspace"):
        return [n for a in value.args[:2] for n in numbers_in(a)]
    if isinstance(value, (ast.List, ast.Tuple)):
        return [n for e in value.elts for n in numbers_in(e)]
    return numbers_in(value) if number(value) is not None else []


def vectorbt(tree: ast.Module) -> Labels:
    labels: Labels = {}
    constants = {t.id: stmt for stmt in tree.body if isinstance(stmt, ast.Assign)
                 for t in stmt.targets if isinstance(t, ast.Name)}
    for stmt in _statements(tree):
        for call in own_calls(stmt):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else \
                call.func.id if isinstance(call.func, ast.Name) else ""
            if name not in ("from_signals", "dict"):
                continue
            for keyword in call.keywords:
                if keyword.arg not in STOPS:
                    continue
                value = keyword.value
                if isinstance(value, ast.Name) and value.id in constants:
                    held = constants[value.id]
                    _label_numbers(labels, tree, held, "constant", _stop_numbers(held.value))
                else:
                    _label_numbers(labels, tree, stmt, f"{keyword.arg}{call.col_offset}",
                                   _stop_numbers(value))
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Dict):
            for key, value in zip(stmt.value.keys, stmt.value.values):
                if isinstance(key, ast.Constant) and key.value in STOPS:
                    _label_numbers(labels, tree, stmt, f"dict{key.value}",
                                   _stop_numbers(value))
    return labels


LABELLERS = {"freqtrade": freqtrade, "finlab": finlab, "jesse": jesse,
             "backtrader": backtrader, "backtesting": backtesting, "vectorbt": vectorbt}


# --- the run ---------------------------------------------------------------------------

@dataclass
class Tally:
    files: int = 0
    files_with_sites: int = 0
    files_rewritten: int = 0
    sites: int = 0
    sites_rewritten: int = 0
    numeric_rewrites: int = 0
    effective: int = 0
    other_rewrites: int = 0  # flags flipped, keywords added or removed
    rejected: int = 0
    comment_rejections: int = 0
    not_effective: list[str] = field(default_factory=list)
    missed: dict[str, int] = field(default_factory=dict)  # kind of labelled site -> count
    missed_at: list[str] = field(default_factory=list)

    def row(self, name: str) -> str:
        def pct(a: int, b: int) -> str:
            return f"{100 * a / b:.1f}%" if b else "—"
        return (f"| {name} | {self.files} | {self.files_rewritten}/{self.files_with_sites} "
                f"({pct(self.files_rewritten, self.files_with_sites)}) | "
                f"{self.sites_rewritten}/{self.sites} ({pct(self.sites_rewritten, self.sites)})"
                f" | {self.effective}/{self.numeric_rewrites} "
                f"({pct(self.effective, self.numeric_rewrites)}) | {self.other_rewrites} | "
                f"{self.rejected} | {self.comment_rejections} |")


def _is_number(text: str) -> bool:
    try:
        float(text.replace("_", ""))
    except ValueError:
        return False
    return True


def evaluate(framework: str, paths: list[Path], engine: Engine) -> Tally:
    tally = Tally()
    labeller = LABELLERS[framework]
    for path in paths:
        source = path.read_text(encoding="utf-8")
        before = labeller(ast.parse(source))
        result = engine.apply(source, path=str(path))
        after = labeller(ast.parse(result.new_source))
        tally.files += 1
        tally.rejected += len(result.rejections)
        tally.comment_rejections += sum(r.check == "comments" for r in result.rejections)
        numeric = [c for c in result.changes if _is_number(c.new) and c.new not in ("True", "False")]
        tally.numeric_rewrites += len(numeric)
        tally.other_rewrites += len(result.changes) - len(numeric)
        changed = [k for k, site in before.items()
                   if k in after and after[k].runs_as() != site.runs_as()]
        for key in before.keys() - set(changed):
            kind = "/".join(str(k) for k in key if isinstance(k, str) and not k.isdigit())
            kind = re.sub(r"\d+", "#", kind)
            tally.missed[kind] = tally.missed.get(kind, 0) + 1
            tally.missed_at.append(f"{path.name}: {key}")
        tally.sites += len(before)
        tally.sites_rewritten += len(changed)
        tally.files_with_sites += bool(before)
        tally.files_rewritten += bool(changed)
        # An effective rewrite moves a value that still runs afterwards.
        effective = sum(1 for k, site in after.items()
                        if k in before and before[k].value != site.value
                        and before[k].runs_as() != site.runs_as())
        tally.effective += effective
        if len(numeric) > effective:
            tally.not_effective.append(f"{path.name}: {len(numeric) - effective} of "
                                       f"{len(numeric)}")
    return tally


def corpus_paths(corpus: Path) -> dict[str, list[Path]]:
    return {f: sorted(p for p in (corpus / f).rglob("*.py") if p.is_file())  # a folder
            for f in FRAMEWORKS if (corpus / f).is_dir()}                       # may end .py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="DIR/<framework>/*.py (default: generated)")
    parser.add_argument("--files-per-framework", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1, help="corpus and rewrite seed")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--show", action="store_true",
                        help="list files with ineffective rewrites and the sites missed")
    parser.add_argument("--tier", action="append", default=[],
                        help="only rules of this tier (repeatable; default all)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        if args.corpus is None:
            corpus = Path(scratch)
            framework_corpus.generate(corpus, args.files_per_framework, args.seed)
            for framework in FRAMEWORKS:  # the bundled examples join their framework
                for example in (ROOT / "examples/strategies" / framework).glob("*.py"):
                    (corpus / framework / f"example_{example.name}").write_bytes(
                        example.read_bytes())
        else:
            corpus = args.corpus
        started = time.process_time()
        rules = load_rules([ROOT / "rules" / f"{f}.rules" for f in FRAMEWORKS])
        engine = Engine(rules.select(tiers=args.tier) if args.tier else rules, seed=args.seed)
        tallies = {f: evaluate(f, paths, engine) for f, paths in corpus_paths(corpus).items()}
        cpu = time.process_time() - started
    print("| framework | files | files rewritten / with sites | labelled sites rewritten | "
          "numeric rewrites effective | other rewrites | statements rejected | "
          "comment rejections |")
    print("|---|---|---|---|---|---|---|---|")
    for framework, tally in tallies.items():
        print(tally.row(framework))
    total = Tally()
    for tally in tallies.values():
        for name in ("files", "files_with_sites", "files_rewritten", "sites", "sites_rewritten",
                     "numeric_rewrites", "effective", "other_rewrites", "rejected",
                     "comment_rejections"):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
    print(total.row("all"))
    print(f"\n{cpu:.2f} s CPU")
    if args.show:
        for framework, tally in tallies.items():
            for line in tally.not_effective:
                print(f"{framework}: {line}")
            for kind, count in sorted(tally.missed.items(), key=lambda kv: -kv[1]):
                print(f"{framework}: missed {count} x {kind}")
    if args.json:
        args.json.write_text(json.dumps({f: {k: v for k, v in vars(t).items()
                                             if k not in ("not_effective", "missed", "missed_at")}
                                         for f, t in tallies.items()}, indent=1) + "\n")


if __name__ == "__main__":
    main()
