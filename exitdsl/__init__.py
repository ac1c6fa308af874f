"""exitdsl: declarative, verified exit mutations for trading-strategy source code.

The public API. The pipeline lives in subpackages, one per stage, each importing only
those below it (docs/architecture.md): text, language (IR, patterns), vocabulary, model
(the semantic model of a file), matching, evaluation, actions, compiler (rule files →
compiled rules), planning, verify, rewriting, then engine, evolve, populations, ruletest
and cli.
Everything not named in ``__all__`` is internal.

Names are imported on first use (PEP 562), so ``exitdsl --help`` and tools that import one
submodule do not pay for lark, PyYAML and the rest.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .engine import Engine
    from .errors import ExitdslError, RuleError, Span, StrategyError
    from .evolve.stats import MutationStats
    from .language.compiled import CompiledRule
    from .compiler.config import Config, load_config
    from .compiler.ruleset import RuleSet, load_rules, shipped_rules
    from .results import Change, FileResult, Mutation, Rejection, Skip
    from .planning.prepare import IndexedSite, Prepared

_HOMES = {
    "Engine": "engine", "ExitdslError": "errors", "RuleError": "errors", "Span": "errors",
    "StrategyError": "errors", "MutationStats": "evolve.stats",
    "CompiledRule": "language.compiled", "Config": "compiler.config",
    "load_config": "compiler.config", "RuleSet": "compiler.ruleset",
    "load_rules": "compiler.ruleset", "shipped_rules": "compiler.ruleset",
    "Change": "results", "FileResult": "results", "Mutation": "results",
    "Rejection": "results", "Skip": "results",
    "IndexedSite": "planning.prepare", "Prepared": "planning.prepare",
}

__all__ = [
    "Change", "CompiledRule", "Config", "Engine", "ExitdslError", "FileResult", "IndexedSite",
    "Mutation", "MutationStats", "Prepared", "Rejection", "RuleError", "RuleSet", "Skip",
    "Span", "StrategyError", "__version__", "load_config", "load_rules", "shipped_rules",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'exitdsl' has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value  # once: later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
