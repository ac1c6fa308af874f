"""Which files a run processes: PATHS arguments expanded into strategy files."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .files import file_identity

_SKIPPED_DIRS = frozenset({"__pycache__", "node_modules", "venv", "site-packages"})


@dataclass(frozen=True)
class Target:
    path: Path
    relative: Path  # where it goes under --out DIR: relative to the PATH argument it came from


def discover(arguments: list[str], seen: set[object] | None = None) -> Iterator[Target | str]:
    """Files to process, in a stable order; a ``str`` is a problem to report (e.g. missing path).

    Directories are walked for ``*.py`` (sorted, hidden and virtualenv directories skipped,
    symlinked directories not followed, so symlink loops cannot trap the walk). A file
    reached by two paths (a symbolic or hard link, ``a/../a/x.py``) is processed once, by
    the first (``seen`` carries that over calls). Whether a file is regular is checked when
    it is read (io/files.py).
    """
    seen = set() if seen is None else seen
    for argument in arguments:
        root = Path(argument)
        if root.is_dir():
            found: Iterable[Target] = _walk(root)
        elif root.exists():
            found = [Target(root, Path(root.name))]
        elif root.is_symlink():
            yield f"{argument}: broken symbolic link"
            continue
        else:
            yield f"{argument}: no such file or directory"
            continue
        for target in found:
            identity = file_identity(target.path)
            if identity is not None:
                if identity in seen:
                    continue
                seen.add(identity)
            yield target


def _walk(root: Path) -> Iterator[Target]:
    for directory, subdirs, files in os.walk(root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs
                            if not d.startswith(".") and d not in _SKIPPED_DIRS)
        for name in sorted(files):
            if name.endswith(".py"):
                path = Path(directory, name)
                yield Target(path, path.relative_to(root))
