"""exitdsl: declarative, verified exit mutations for trading-strategy source code.

The public API. Pipeline stages live in their own modules:
grammar/exitdsl.lark → parse → ir → compile → sites/match → values → rewrite (libcst)
→ verify → emit.
"""

from .compile import CompiledRule, RuleSet, load_rules
from .config import Config, load_config
from .engine import Change, Engine, FileResult, IndexedSite, Prepared, Skip
from .mutate import Mutation, MutationStats
from .errors import ExitdslError, RuleError, Span, StrategyError
from .verify import Rejection

__all__ = [
    "Change", "CompiledRule", "Config", "Engine", "ExitdslError", "FileResult", "IndexedSite", "Mutation",
    "MutationStats", "Prepared", "Rejection", "RuleError", "RuleSet", "Skip", "Span",
    "StrategyError", "load_config", "load_rules",
]
__version__ = "0.1.0"
