"""exitdsl: declarative, verified exit mutations for trading-strategy source code.

The public API. The pipeline lives in subpackages, one per stage (docs/architecture.md):
language (grammar → parse → IR → compile) → matching → actions → rewriting (libcst) →
verify → io (emit); evolve (mutation, populations), ruletest and cli build on them.
Everything not named in ``__all__`` is internal.
"""

from ._version import __version__
from .engine import Engine
from .errors import ExitdslError, RuleError, Span, StrategyError
from .evolve.stats import MutationStats
from .language.compiled import CompiledRule
from .language.config import Config, load_config
from .language.ruleset import RuleSet, load_rules
from .results import Change, FileResult, Mutation, Rejection, Skip
from .rewriting.prepare import IndexedSite, Prepared

__all__ = [
    "Change", "CompiledRule", "Config", "Engine", "ExitdslError", "FileResult", "IndexedSite",
    "Mutation", "MutationStats", "Prepared", "Rejection", "RuleError", "RuleSet", "Skip",
    "Span", "StrategyError", "__version__", "load_config", "load_rules",
]
