"""Before/after pairs, from files, from a ``mutate`` lineage or from a git history.

Every input problem is a :class:`PairError` located at its file (and line and column for
code that is not Python), raised before any learning starts.
"""

from __future__ import annotations

import ast
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import ExitdslError, Span
from ..io.files import FileProblem, read_regular
from ..io.sourcefile import decode, read_source
from ..text.parsing import quiet_parse

_MAX_LINEAGE_BYTES = 100_000_000
_GIT_TIMEOUT = 60


class PairError(ExitdslError):
    """A pair that cannot be learnt from: unreadable, not Python, identical, ..."""


@dataclass(frozen=True)
class Source:
    label: str  # how messages and the rule's description name it
    text: str
    tree: ast.Module


@dataclass(frozen=True)
class Pair:
    before: Source
    after: Source

    @property
    def label(self) -> str:
        return f"{self.before.label} -> {self.after.label}"


def parsed(label: str, text: str) -> Source:
    """``text`` with its ``ast``, or a :class:`PairError` at the syntax error."""
    try:
        tree = quiet_parse(text, label)
    except SyntaxError as exc:
        line, col = exc.lineno or 1, exc.offset or 1
        raise PairError(f"not valid Python: {exc.msg}", Span(label, line, col)) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise PairError(f"cannot be parsed: {type(exc).__name__}", Span(label, 1, 1)) from None
    assert isinstance(tree, ast.Module)
    return Source(label, text, tree)


def paired(before: Source, after: Source) -> Pair:
    if before.text == after.text:
        raise PairError(f"{before.label} and {after.label} are identical: nothing to learn")
    return Pair(before, after)


def read_file(path: str) -> Source:
    label = shown(path)
    try:
        source = read_source(Path(path), label)
    except ExitdslError as exc:
        raise PairError(exc.message, exc.span) from None
    except (OSError, ValueError) as exc:  # a name too long for the file system, a NUL
        raise PairError(f"cannot read: {exc.__class__.__name__}", Span(label, 1, 1)) from None
    return parsed(label, source.text)


def shown(path: str, most: int = 200) -> str:
    """A path as a message can show it: a name of megabytes is cut in the middle."""
    return path if len(path) <= most else f"{path[:most // 2]}...{path[-most // 4:]}"


def from_files(paths: list[str]) -> list[Pair]:
    """BEFORE AFTER [BEFORE AFTER ...] as pairs."""
    if not paths or len(paths) % 2:
        raise PairError(f"expected BEFORE AFTER pairs of files, got {len(paths)} path(s)")
    return [paired(read_file(paths[i]), read_file(paths[i + 1]))
            for i in range(0, len(paths), 2)]


def from_lineage(lineage: str) -> list[Pair]:
    """Each ``child`` record of an ``exitdsl mutate`` lineage: its parent and the child (a
    path under the lineage's folder); a parent path is as ``mutate`` was given it, so it is
    tried from the working directory, then from the lineage's folder."""
    where = Path(lineage)
    try:
        data = read_regular(where, _MAX_LINEAGE_BYTES)[0].decode("utf-8")
    except (FileProblem, OSError, UnicodeDecodeError) as exc:
        raise PairError(f"cannot read the lineage: {exc}", Span(lineage, 1, 1)) from None
    pairs = []
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            parent, child = entry["parent"], entry["child"]
        except (ValueError, KeyError, TypeError, RecursionError):
            raise PairError("not a lineage record (JSON with `parent` and `child`)",
                            Span(lineage, number, 1)) from None
        if not isinstance(parent, str) or not isinstance(child, str):
            raise PairError("`parent` and `child` must be paths", Span(lineage, number, 1))
        try:
            found = Path(parent) if Path(parent).exists() else where.parent / parent
        except (OSError, ValueError):  # a name too long for the file system, a NUL
            raise PairError(f"cannot read the parent {shown(parent)}",
                            Span(lineage, number, 1)) from None
        pairs.append(paired(read_file(str(found)), read_file(str(where.parent / child))))
    if not pairs:
        raise PairError("the lineage records no child", Span(lineage, 1, 1))
    return pairs


def from_git(revisions: str, path: str) -> list[Pair]:
    """Each commit of ``revisions`` (``A..B``, as ``git rev-list`` reads it) that changed
    ``path`` (relative to the working directory): the file at its parent and at it."""
    if ".." not in revisions or revisions.startswith("-"):
        raise PairError(f"--git expects a range REV..REV, not {revisions!r}")
    if path.startswith("-") or Path(path).is_absolute():
        raise PairError(f"--git expects a path relative to the working directory: {path!r}")
    if Path(path).is_dir() or path.rstrip("/") in ("", "."):
        raise PairError(f"--git expects the path of one file, not a folder: {path!r}")
    commits = _git("rev-list", "--reverse", revisions, "--", path).split()
    pairs = []
    for commit in commits:
        before = _git_source(f"{commit}^", path)
        if before is None:  # the commit added the file: no before
            continue
        after = _git_source(commit, path)
        if after is not None and after.text != before.text:
            pairs.append(Pair(before, after))
    if not pairs:
        raise PairError(f"no commit of {revisions} changes {path}")
    return pairs


def _git_source(revision: str, path: str) -> Source | None:
    label = f"{path}@{revision[:12]}"
    try:
        data = _git_bytes("show", f"{revision}:./{path}")
    except PairError:
        return None
    try:
        return parsed(label, decode(data, label).text)
    except ExitdslError as exc:
        raise PairError(exc.message, exc.span) from None


def _git(*args: str) -> str:
    return _git_bytes(*args).decode("utf-8", "replace")


def _git_bytes(*args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], capture_output=True, timeout=_GIT_TIMEOUT,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PairError(f"git {args[0]} failed: {exc}") from None
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PairError(f"git {args[0]} failed: {message[0] if message else done.returncode}")
    return done.stdout
