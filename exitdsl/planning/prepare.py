"""A parent parsed once, with every rule's sites and their stable ids: the unit of work
that rewriting (and warm mutation) starts from."""

from __future__ import annotations

import ast
import gc
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import StrategyError, span_in
from ..language.compiled import CompiledRule
from ..matching.facts import FileFacts
from ..matching.sites import Site, find_sites
from ..matching.words import RuleWords
from ..model.strategy import StrategyModel
from ..text.parsing import quiet_parse
from ..evaluation.conditions import failing_where
from .site_ids import SiteIds
from .suppressions import suppressed, suppressions
from .invariants import InvariantMemo
from ..text.lines import LineIndex

if TYPE_CHECKING:
    from .cst import ParsedSnippet


@dataclass(frozen=True)
class IndexedSite:
    """A site with its index among its rule's sites (part of its seed) and its stable id."""

    site: Site
    index: int
    ids: SiteIds = field(repr=False, compare=False)
    position: int = field(repr=False, compare=False)  # in the parent's site list

    @property
    def site_id(self) -> str:
        return self.ids.of(self.position)


@dataclass
class PreparedCache:
    """What one rewrite of a parent learns that the next one can reuse."""

    snippets: dict[str, ParsedSnippet] = field(default_factory=dict)  # parsed by libcst
    applicable: list[IndexedSite] | None = None  # sites whose conditions hold
    # id(site) -> why its `where` (or an ignore comment) leaves it alone; None: it holds
    conditions: dict[int, str | None] = field(default_factory=dict)
    lines_of: dict[int, tuple[int, int]] = field(default_factory=dict)  # id(site) -> lines
    # (statement, spans, signs) of number-literal swaps already rewritten by libcst and fully
    # verified -> whether each new literal needed parentheses there.
    swaps: dict[tuple[object, ...], tuple[bool, ...]] = field(default_factory=dict)
    selection: object | None = None  # owned by the mutator: candidates grouped for choosing
    names: frozenset[str] | None = None  # identifiers the parent uses (the safety check's)
    input_compiles: bool | None = None  # does the parent compile() (the file check's)
    unbound: frozenset[str] | None = None  # names the parent reads unbound (bindings')
    facts: FileFacts | None = None  # file-wide condition answers (local(), in_file())
    invariants: InvariantMemo = field(default_factory=InvariantMemo)  # planning/invariants.py

    def facts_for(self, module: ast.Module, source: str = "") -> FileFacts:
        if self.facts is None:
            self.facts = FileFacts(StrategyModel(module, source), source)
        return self.facts

    # Keys are id()s of this process's objects: a pickled parent (sent to a worker) must
    # start with an empty cache, or a stale id could name another site there.
    def __getstate__(self) -> dict[str, object]:
        return {}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__()  # type: ignore[misc]


@dataclass(frozen=True)
class Prepared:
    """A parent parsed once, with the sites of every rule: the unit of warm mutation."""

    path: str
    source: str
    content_hash: str
    module: ast.Module | None  # None: the file lacks every rule's anchor words; not parsed
    sites: tuple[IndexedSite, ...]
    lines: LineIndex | None = None
    cache: PreparedCache = field(default_factory=PreparedCache, compare=False, repr=False)
    # id(site) -> why an `# exitdsl: ignore` comment leaves it alone
    suppressed: Mapping[int, str] = field(default_factory=dict, compare=False, repr=False)

    def __repr__(self) -> str:  # not the source and its tree
        return f"<Prepared {self.path}: {len(self.sites)} site(s)>"


def prepare(rules: Sequence[CompiledRule] | RuleWords, source: str, path: str) -> Prepared:
    """Parse ``source`` once and find every site of every rule.

    Raises :class:`StrategyError` if ``source`` is not valid Python, or is nested too
    deeply to process.
    """
    try:
        return _prepare(rules, source, path)
    except RecursionError:
        raise StrategyError("nested too deeply to process", span_in(path, source, 1, 1)) \
            from None


def _prepare(rules: Sequence[CompiledRule] | RuleWords, source: str, path: str) -> Prepared:
    content_hash = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
    words = rules if isinstance(rules, RuleWords) else RuleWords.of(rules)
    active, present = words.active(source)
    if not active.rules:
        return Prepared(path, source, content_hash, None, ())
    # The garbage collector would walk every node of a big tree, again and again, while
    # parsing and matching allocate; nothing here makes cycles worth collecting meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        module = parse_strategy(source, path)
        # Where a rule has several match alternatives, its `where` picks one per node; the
        # answers for the sites kept are remembered, so planning does not evaluate them
        # again. (Every site asked about stays alive in `asked` until then: no id reuse.)
        asked: list[tuple[Site, str | None]] = []
        facts = FileFacts(StrategyModel(module, source), source)

        def accepts(site: Site) -> bool:
            asked.append((site, failing_where(site, facts)))
            return asked[-1][1] is None
        sites = find_sites(facts, source, active, accepts=accepts, present=present)
        kept = {id(site) for site in sites}
        known = {id(site): why for site, why in asked if id(site) in kept}
        asked.clear()
    finally:
        if collecting:
            gc.enable()
    per_rule_index: dict[str, int] = {}
    ids = SiteIds(sites)
    indexed = []
    for position, site in enumerate(sites):
        index = per_rule_index.get(site.rule.id, 0)
        per_rule_index[site.rule.id] = index + 1
        indexed.append(IndexedSite(site, index, ids, position))
    comments = suppressions(source)
    reasons = {id(site): why for site in sites if comments
               for why in [suppressed(site, comments)] if why is not None}
    known.update(reasons)  # not a candidate of any mutation
    return Prepared(path, source, content_hash, module, tuple(indexed), LineIndex(source),
                    PreparedCache(conditions=known, facts=facts), reasons)


def parse_strategy(source: str, path: str) -> ast.Module:
    """``source`` parsed with CPython's ``ast``, or a located :class:`StrategyError`."""
    try:
        tree = quiet_parse(source, path)
        assert isinstance(tree, ast.Module)
        return tree
    except SyntaxError as exc:
        line, col = exc.lineno or 1, exc.offset or 1
        raise StrategyError(f"not valid Python: {exc.msg}", span_in(path, source, line, col)) \
            from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise StrategyError(f"cannot parse: {exc}", span_in(path, source, 1, 1)) from None


def where_holds(site: Site, module: ast.Module, cache: PreparedCache) -> bool:
    return where_fails(site, module, cache) is None


def where_fails(site: Site, module: ast.Module, cache: PreparedCache) -> str | None:
    """Why the site is left alone (its `where`, or an ignore comment), None if it is not.
    Conditions draw nothing, so each site's answer is remembered for its parent."""
    key = id(site)
    if key not in cache.conditions:
        cache.conditions[key] = failing_where(site, cache.facts_for(module))
    return cache.conditions[key]
