"""Which files a run processes: PATHS arguments expanded into strategy files.

Directories are walked for ``*.py``, leaving out what the exclusions name: the default
folders (hidden ones, virtualenvs, build output, as ruff leaves out), ``--exclude`` /
``--extend-exclude`` and the config's lists (gitignore-style patterns, relative to the PATH
argument), and whatever ``.gitignore`` files ignore (those of the walked folders and of the
folders above, up to the repository root), unless ``--no-ignore``. A file named as an
argument is always processed. Patterns are matched by ``pathspec``, the library black uses
for the same job: git's rules have corners (negation, anchoring, ``**``) not worth
re-implementing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .files import file_identity

if TYPE_CHECKING:
    import pathspec

DEFAULT_EXCLUDE = (".*/", "__pycache__/", "node_modules/", "venv/", "site-packages/",
                   "build/", "dist/", "_build/", "buck-out/", "__pypackages__/")


@dataclass(frozen=True)
class Target:
    path: Path
    relative: Path  # where it goes under --out DIR: relative to the PATH argument it came from


@dataclass(frozen=True)
class Exclusions:
    """What a walk leaves out."""

    patterns: tuple[str, ...] = DEFAULT_EXCLUDE
    gitignore: bool = True

    def extended(self, more: Iterable[str]) -> Exclusions:
        return Exclusions((*self.patterns, *more), self.gitignore)


def discover(arguments: list[str], seen: set[object] | None = None,
             exclusions: Exclusions = Exclusions()) -> Iterator[Target | str]:
    """Files to process, in a stable order; a ``str`` is a problem to report (e.g. missing path).

    Symlinked directories are not followed, so symlink loops cannot trap the walk. A file
    reached by two paths (a symbolic or hard link, ``a/../a/x.py``) is processed once, by
    the first (``seen`` carries that over calls). Whether a file is regular is checked when
    it is read (io/files.py).
    """
    seen = set() if seen is None else seen
    for argument in arguments:
        root = Path(argument)
        if root.is_dir():
            found: Iterable[Target | str] = _walk(root, exclusions)
        elif root.exists():
            found = [Target(root, Path(root.name))]
        elif root.is_symlink():
            yield f"{argument}: broken symbolic link"
            continue
        else:
            yield f"{argument}: no such file or directory"
            continue
        for target in found:
            if isinstance(target, str):
                yield target
                continue
            identity = file_identity(target.path)
            if identity is not None:
                if identity in seen:
                    continue
                seen.add(identity)
            yield target


def _walk(root: Path, exclusions: Exclusions) -> Iterator[Target | str]:
    """The ``*.py`` files under ``root``; a file symlink that leads out of the tree is left
    alone and reported (a file named on the command line is still followed)."""
    excluded = _spec(exclusions.patterns)
    top = root.resolve()
    ignores = _Ignores(root) if exclusions.gitignore else None
    for directory, subdirs, files in os.walk(root, followlinks=False):
        here = Path(directory)
        absolute = here.resolve()
        if ignores is not None:
            ignores.enter(absolute)
        relative = here.relative_to(root)

        def kept(name: str, is_dir: bool) -> bool:
            path = matchable((relative / name).as_posix() + ("/" if is_dir else ""))
            if excluded.match_file(path):
                return False
            return ignores is None or not ignores.ignored(absolute / name, is_dir)
        subdirs[:] = sorted(d for d in subdirs if kept(d, True))
        for name in sorted(files):
            if name.endswith(".py") and kept(name, False):
                path = here / name
                if path.is_symlink() and not _inside(path, top):
                    yield (f"{path}: a symbolic link out of the folder being walked; left "
                           "alone (name the file itself to process it)")
                    continue
                yield Target(path, path.relative_to(root))


def _inside(path: Path, top: Path) -> bool:
    try:
        return path.resolve().is_relative_to(top)
    except (OSError, RuntimeError):  # a loop of links
        return False


def matchable(path: str) -> str:
    """``path`` as a gitignore pattern can match it: an undecodable byte of a file name
    (held as a surrogate) becomes U+FFFD, which no pattern names."""
    if not any("\udc80" <= c <= "\udcff" for c in path):
        return path
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _spec(patterns: Iterable[str]) -> pathspec.GitIgnoreSpec:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(list(patterns))


class _Ignores:
    """The ``.gitignore`` files that apply in a walk: those from the repository root (the
    nearest folder above with a ``.git``) down to the folder being walked."""

    def __init__(self, root: Path) -> None:
        self.specs: list[tuple[Path, Any]] = []
        start = root.resolve()
        top = next((f for f in (start, *start.parents) if (f / ".git").exists()), start)
        for folder in reversed((start, *start.parents)):
            if folder.is_relative_to(top):
                self.enter(folder)

    def enter(self, folder: Path) -> None:
        """Take in ``folder``'s own ``.gitignore`` (``folder`` is absolute)."""
        ignore = folder / ".gitignore"
        if ignore.is_file() and all(base != folder for base, _ in self.specs):
            try:
                lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                return
            self.specs.append((folder, _spec(lines)))

    def ignored(self, path: Path, is_dir: bool) -> bool:
        """Whether ``path`` (absolute) is ignored by a ``.gitignore`` above it."""
        for base, spec in self.specs:
            try:
                relative = path.relative_to(base).as_posix()
            except ValueError:
                continue
            if spec.match_file(matchable(relative + ("/" if is_dir else ""))):
                return True
        return False
