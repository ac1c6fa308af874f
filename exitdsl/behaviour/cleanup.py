"""Parent side: removing a working folder a strategy filled, whatever it left there.

Needed only without the boundary (with it, the working folder is a tmpfs that vanishes with
the sandbox). ``shutil.rmtree`` recurses once per level and builds full paths, so a chain of
thousands of nested folders ends it with RecursionError or ENAMETOOLONG; folders made
unreadable stop it too. This walks with an explicit stack of descriptors, never follows a
link, and gives each folder back its owner's permissions before reading it.
"""

from __future__ import annotations

import os
import stat

_OPEN_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def remove_tree(path: str) -> None:
    """Remove ``path`` and everything under it; what cannot be removed is left, silently
    (a working folder is private and temporary: a leftover costs disk, never data)."""
    try:
        top = os.open(path, _OPEN_FOLDER)
        os.fchmod(top, stat.S_IRWXU)
    except OSError:
        return
    stack: list[tuple[int, list[str]]] = [(top, _names(top))]
    while stack:
        fd, names = stack[-1]
        if not names:
            stack.pop()
            os.close(fd)
            if stack:
                _remove_folder(stack[-1][0], stack[-1][1].pop())
            continue
        name = names[-1]
        inner = _open_folder(fd, name)
        if inner is None:
            names.pop()
            _remove_file(fd, name)
        else:
            stack.append((inner, _names(inner)))
    try:
        os.rmdir(path)
    except OSError:
        pass


def _names(fd: int) -> list[str]:
    try:
        return os.listdir(fd)
    except OSError:
        return []


def _open_folder(parent: int, name: str) -> int | None:
    """``name`` opened as a folder, or None when it is anything else (a link included)."""
    try:  # O_DIRECTORY with O_NOFOLLOW refuses files and links alike
        folder = os.open(name, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent)
    except OSError:
        return None
    try:  # a folder the strategy made unreadable: its owner may read it again
        os.chmod(f"/proc/self/fd/{folder}", stat.S_IRWXU)
        return os.open(".", _OPEN_FOLDER, dir_fd=folder)
    except OSError:
        return None
    finally:
        os.close(folder)


def _remove_file(parent: int, name: str) -> None:
    try:
        os.unlink(name, dir_fd=parent)
    except OSError:
        pass


def _remove_folder(parent: int, name: str) -> None:
    try:
        os.rmdir(name, dir_fd=parent)
    except OSError:
        pass
