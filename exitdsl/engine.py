"""The façade: one object to prepare, rewrite and mutate strategy sources with a rule set.

Each job is delegated: preparation and rewriting to :class:`~exitdsl.rewriting.rewriter.
Rewriter`, mutation to :class:`~exitdsl.evolve.mutator.Mutator`.
"""

from __future__ import annotations

from collections.abc import Sequence

from .evolve.mutator import Mutator
from .evolve.stats import MutationStats
from .compiler.ruleset import RuleSet
from .results import FileResult, Mutation
from .planning.prepare import IndexedSite, Prepared
from .rewriting.rewriter import Rewriter, VerifyLevel


class Engine:
    """Applies a :class:`RuleSet` to source texts, deterministically for a given seed."""

    def __init__(self, rules: RuleSet, *, seed: int = 0, verify: VerifyLevel = "default",
                 only: Sequence[str] = ()) -> None:
        if not isinstance(rules, RuleSet):
            raise TypeError(f"Engine needs a RuleSet (from exitdsl.load_rules), "
                            f"not {type(rules).__name__}")
        self.rules = rules
        self.seed = seed
        self.verify = verify
        self.only = frozenset(only)
        self._rewriter = Rewriter(rules, verify=verify, only=only)
        self._mutator = Mutator(self._rewriter)

    @property
    def stats(self) -> MutationStats:
        """What every ``mutate`` call of this engine attempted, per rule and per tier."""
        return self._mutator.stats

    def prepare(self, source: str, path: str = "<string>") -> Prepared:
        """Parse ``source`` once and find every site of every rule, for many rewrites.

        Raises :class:`StrategyError` if ``source`` is not valid Python, or is nested too
        deeply to process.
        """
        return self._rewriter.prepare(source, path)

    def rewrite(self, source: str | Prepared, path: str = "<string>", *,
                seed: int | None = None,
                sites: Sequence[IndexedSite] | None = None) -> FileResult:
        """Rewrite every site of every rule (or only ``sites``) in ``source``.

        ``source`` may be a :class:`Prepared` parent, parsed once for many rewrites.
        Raises :class:`StrategyError` if ``source`` is not valid Python.
        """
        prepared = source if isinstance(source, Prepared) else self.prepare(source, path)
        return self._rewriter.rewrite(prepared, self.seed if seed is None else seed, sites)

    def apply(self, source: str, *, rule: str | None = None, seed: int | None = None,
              path: str = "<string>") -> FileResult:
        """Every site of one rule (by id or name), or of all rules, in ``source``."""
        if rule is None:
            return self.rewrite(source, path, seed=seed)
        try:
            selected = self.rules.select([rule])
        except ValueError:
            self.rules.get(rule)  # raises KeyError naming the closest rule id
            raise
        return Engine(selected, seed=self.seed, verify=self.verify).rewrite(source, path,
                                                                            seed=seed)

    def mutate(self, source: str | Prepared, seed: int | None = None, *,
               path: str = "<string>", max_attempts: int = 10) -> Mutation:
        """One random, verified exit mutation of ``source`` (a child), reproducible from
        ``seed`` and the source's content. Returns a :class:`Mutation` whose ``status`` is
        ``"no_applicable_rule"`` (not an exception) when nothing can be mutated."""
        parent = source if isinstance(source, Prepared) else self.prepare(source, path)
        return self._mutator.mutate(parent, self.seed if seed is None else seed, max_attempts)

    def applicable(self, prepared: Prepared) -> list[IndexedSite]:
        """The sites whose ``where`` clauses hold: the candidates of a mutation."""
        return self._rewriter.applicable(prepared)
