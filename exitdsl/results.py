"""What a run produces: the result types every stage and front end shares.

A leaf module: it imports nothing from the pipeline, so the engine, the mutator, the
emitters and the command line can all depend on it without depending on each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

# Every check a rewrite must pass, in the order they run (docs/verifier.md).
CHECKS = ("syntax", "intent", "confinement", "ensure", "safety", "bindings", "determinism")


@dataclass(frozen=True)
class Change:
    """One rewritten site."""

    rule: str
    site: str  # the stable site id (docs/json-schema.md): replay with `apply --only SITE`
    line: int
    col: int  # 1-based, in characters
    old: str
    new: str
    seed: int

    @property
    def site_id(self) -> str:
        """Deprecated: ``site`` (one name for the stable id everywhere)."""
        return self.site


@dataclass(frozen=True)
class Skip:
    """A site a rule matched but deliberately left alone, and why."""

    rule: str
    line: int
    col: int
    reason: str


@dataclass(frozen=True)
class Rejection:
    """A rewrite refused by ``check`` (one of :data:`CHECKS`); ``detail`` says what was wrong."""

    rule: str
    line: int
    col: int
    check: str
    detail: str


@dataclass(frozen=True)
class FileResult:
    path: str
    source: str
    new_source: str
    changes: tuple[Change, ...] = ()
    skips: tuple[Skip, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    sites: int = 0  # how many sites the rules matched (rewritten, skipped, rejected or no-op)

    @property
    def changed(self) -> bool:
        return self.new_source != self.source

    def __repr__(self) -> str:  # not the two whole sources
        return (f"<FileResult {self.path}: {len(self.changes)} change(s), "
                f"{len(self.skips)} skip(s), {len(self.rejections)} rejection(s)>")


Status = Literal["mutated", "no_applicable_rule", "exhausted"]


@dataclass(frozen=True)
class Mutation:
    """The outcome of one ``mutate`` call; ``status`` says whether ``code`` is a new child."""

    status: Status
    path: str
    source: str
    code: str
    seed: int  # the seed the values were drawn with: `apply --only ID --seed SEED` replays it
    attempts: int = 0
    rule: str | None = None
    tier: str | None = None
    site: str | None = None  # the stable site id: replay with `exitdsl apply --only SITE`
    line: int | None = None
    col: int | None = None
    old: str | None = None
    new: str | None = None
    rejections: tuple[Rejection, ...] = ()

    @property
    def mutation_id(self) -> str | None:
        """Deprecated: ``site`` (one name for the stable id everywhere)."""
        return self.site

    @property
    def ok(self) -> bool:
        return self.status == "mutated"

    def __repr__(self) -> str:  # not the parent and the child in full
        if not self.ok:
            return f"<Mutation {self.status}: {self.path}, seed {self.seed}>"
        return (f"<Mutation {self.path}:{self.line}:{self.col} {self.rule}: "
                f"{self.old!r} -> {self.new!r}, seed {self.seed}>")

    @property
    def verification(self) -> dict[str, str]:
        """Each check and its outcome for the child (a rejected attempt is in ``rejections``)."""
        passed = "passed" if self.ok else "not run"
        return {check: passed for check in CHECKS if check != "determinism"}

    @property
    def diff(self) -> str:
        """The child as a unified diff against its parent."""
        from .text.diff import unified_diff

        return unified_diff(self.path, self.source, self.code)

    def record(self) -> dict[str, Any]:
        return {"status": self.status, "rule": self.rule, "tier": self.tier,
                "site": self.site, "line": self.line, "col": self.col, "old": self.old,
                "new": self.new, "seed": self.seed, "attempts": self.attempts}
