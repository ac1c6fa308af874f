"""Which adapter runs a strategy file, found from its imports and definitions only (the
file is parsed, never imported), and whether that framework can run offline here."""

from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass

from ..errors import UsageError


@dataclass(frozen=True)
class Framework:
    """An adapter: its name, the modules it needs, the extra that installs them, and why
    it cannot run when it cannot."""

    name: str
    needs: tuple[str, ...] = ()
    extra: str = ""
    not_runnable: str = ""  # the reason, for frameworks with no offline adapter
    note: str = ""  # said after the install command

    def missing(self) -> tuple[str, ...]:
        return tuple(m for m in self.needs if importlib.util.find_spec(m) is None)

    def require(self, path: str) -> None:
        """Raise a usage error naming the extra to install, or why it cannot run at all."""
        if self.not_runnable:
            raise UsageError(f"{path}: {self.name} strategies cannot be run offline: "
                             f"{self.not_runnable}")
        missing = self.missing()
        if missing:
            raise UsageError(f"{path}: the {self.name} adapter needs {', '.join(missing)}: "
                             f"pip install 'exitdsl[{self.extra}]'{self.note}")


BACKTESTING = Framework("backtesting", ("pandas", "backtesting"), "backtesting")
TEMPLATE = Framework("template", ("pandas",), "backtesting")
VECTORBT = Framework("vectorbt", ("pandas", "vectorbt"), "vectorbt")
FREQTRADE = Framework("freqtrade", ("pandas", "freqtrade"), "freqtrade",
                      note=" (Python 3.11 or later)")
FINLAB = Framework("finlab", not_runnable=(
    "finlab.data.get and sim() fetch data from finlab's service with an API token"))
BACKTRADER = Framework("backtrader", ("pandas", "backtrader"), "backtrader")
JESSE = Framework("jesse", ("numpy", "jesse"), "jesse", note=(
    " in an environment of its own (jesse pins numpy 1.26, pandas 2.2 and pytest 6.2)"))
ADAPTERS = {f.name: f for f in (BACKTESTING, TEMPLATE, VECTORBT, FREQTRADE, FINLAB,
                                BACKTRADER, JESSE)}

# The first top-level import that names one of these picks the framework.
_BY_MODULE = {"backtesting": BACKTESTING, "vectorbt": VECTORBT, "freqtrade": FREQTRADE,
              "finlab": FINLAB, "backtrader": BACKTRADER, "jesse": JESSE}


def detect(source: str, path: str = "<string>") -> Framework:
    """The framework of a strategy file; a file importing none of them and defining an
    ``*exit*`` function is the ATR exit template."""
    try:
        tree = ast.parse(source, path)
    except SyntaxError as exc:
        raise UsageError(f"{path}:{exc.lineno or 1}:{exc.offset or 1}: cannot parse: "
                         f"{exc.msg}") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            found = _BY_MODULE.get(name.split(".")[0])
            if found is not None:
                return found
    if exit_function(tree) is not None:
        return TEMPLATE
    raise UsageError(f"{path}: not a strategy any adapter can run (no backtesting.py, "
                     "vectorbt, freqtrade, finlab, backtrader or jesse import, no *exit* function)")


def exit_function(tree: ast.Module) -> str | None:
    """The name of the template's exit function: the last top-level function whose name
    says exit."""
    names = [node.name for node in tree.body
             if isinstance(node, ast.FunctionDef) and "exit" in node.name.lower()]
    return names[-1] if names else None
