"""Which files a run processes: PATHS arguments expanded into strategy files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_SKIPPED_DIRS = frozenset({"__pycache__", "node_modules", "venv", "site-packages"})


@dataclass(frozen=True)
class Target:
    path: Path
    relative: Path  # where it goes under --out DIR: relative to the PATH argument it came from


def discover(arguments: list[str]) -> Iterator[Target | str]:
    """Files to process, in a stable order; a ``str`` is a problem to report (e.g. missing path).

    Directories are walked for ``*.py`` (sorted, hidden and virtualenv directories skipped,
    symlinked directories not followed, so symlink loops cannot trap the walk).
    """
    for argument in arguments:
        root = Path(argument)
        if root.is_dir():
            yield from _walk(root)
        elif root.is_file():
            yield Target(root, Path(root.name))
        elif root.is_symlink():
            yield f"{argument}: broken symbolic link"
        else:
            yield f"{argument}: no such file or directory"


def _walk(root: Path) -> Iterator[Target]:
    for directory, subdirs, files in os.walk(root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs
                            if not d.startswith(".") and d not in _SKIPPED_DIRS)
        for name in sorted(files):
            if name.endswith(".py"):
                path = Path(directory, name)
                yield Target(path, path.relative_to(root))
