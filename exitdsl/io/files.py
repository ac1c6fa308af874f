"""Opening files safely: regular files only, read with a byte cap, and in-place rewrites
under an advisory lock held from the read through the rename.

A FIFO, a device (``z.py -> /dev/zero``) or a socket is refused before any read (opening
with ``O_NONBLOCK`` cannot hang on a FIFO); a file larger than its cap is refused rather
than read without bound.
"""

from __future__ import annotations

import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

MAX_STRATEGY_BYTES = 10_000_000
MAX_RULE_FILE_BYTES = 1_000_000


class FileProblem(Exception):
    """Why a file was not read or written, in words fit for ``path: reason``."""


def _open_regular(path: Path, flags: int = os.O_RDONLY) -> tuple[int, os.stat_result]:
    try:
        fd = os.open(path, flags | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror or exc}") from None
    except ValueError:  # a NUL byte in the path
        raise FileProblem("cannot read: the path holds a NUL byte") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise FileProblem("not a regular file (a FIFO, device, socket or directory); not read")
    return fd, info


def _read_capped(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise FileProblem(f"larger than {limit:,} bytes; not read")


def read_regular(path: Path, limit: int) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file of at most ``limit`` bytes, and its status."""
    fd, info = _open_regular(path)
    try:
        return _read_capped(fd, limit), info
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def file_identity(path: Path) -> object | None:
    """What names one file whatever the path to it, or None if there is none.

    Its real path (symbolic links and ``..`` resolved), or (device, inode) for a file with
    several hard links. Inode numbers alone would not do: a concurrent writer's rename frees
    one, and the next new file may get it while a tree is being walked.
    """
    try:
        info = os.stat(path)
    except OSError:
        return None
    if info.st_nlink > 1:
        return info.st_dev, info.st_ino
    return os.path.realpath(path)


def _umask() -> int:
    """The process's umask, read without setting it (``os.umask`` would change it for every
    thread for a moment); Linux shows it in /proc, elsewhere the usual 022 is assumed."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def check_output_path(option: str, path: Path) -> None:
    """Refuse, before any work is done, an output path that is not a place for a new or
    regular file: a folder, a device, a FIFO, a link (it would be replaced), or a folder
    that does not exist (a mistyped one is not created)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise UsageError(f"{option} {path}: no folder {path.parent}") from None
        return
    except (OSError, ValueError) as exc:  # a name too long, a NUL
        raise UsageError(f"{option} {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{option} {path}: not a regular file (a folder, link, device or "
                         "FIFO is never replaced)")


def write_atomic(path: Path, data: bytes, like: os.stat_result | None = None) -> None:
    """Replace ``path`` by ``data`` all at once: temp file in the same directory, fsync,
    rename. The new file keeps the mode (and, where allowed, owner and group) of ``like``,
    else of the file it replaces; a crash at any moment leaves it wholly old or wholly new.
    A link is written through to its target; anything but a regular file there (a folder,
    a device, a FIFO) is never replaced: ``FileProblem``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        there: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        there = None
    if there is not None:
        if not stat.S_ISREG(there.st_mode):
            raise FileProblem("not a regular file (a folder, device, FIFO or socket); "
                              "not replaced")
    if there is not None or path.is_symlink():  # a dangling link too: never the link itself
        path = Path(os.path.realpath(path))
    if like is None:
        like = there
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".exitdsl-tmp",
                                     dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if like is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(like.st_mode))
                _keep_owner(handle.fileno(), like)
            else:  # a new file: the mode any program would give it, not mkstemp's 0600
                os.fchmod(handle.fileno(), 0o666 & ~_umask())
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise


def _keep_owner(fd: int, like: os.stat_result) -> None:
    if (like.st_uid, like.st_gid) == (os.geteuid(), os.getegid()):
        return
    try:
        os.fchown(fd, like.st_uid, like.st_gid)
    except PermissionError:  # not root: the file is ours now, as with any editor
        pass


@dataclass(frozen=True)
class Locked:
    """A regular file held under an exclusive advisory lock: read it, then replace it."""

    path: Path
    fd: int
    info: os.stat_result

    def read(self, limit: int) -> bytes:
        return _read_capped(self.fd, limit)

    def replace(self, data: bytes, force: bool = False) -> None:
        """Write ``data`` in place of the file, unless that would break a promise: a
        hard-linked or read-only file needs ``force``; a file another writer replaced or
        changed meanwhile is never overwritten."""
        if self.info.st_nlink > 1 and not force:
            raise FileProblem(f"has {self.info.st_nlink} hard links, which a rewrite would "
                              "split; not written (--force to write anyway)")
        if not self.info.st_mode & 0o222 and not force:
            raise FileProblem("is read-only; not written (--force to write anyway)")
        now = os.stat(self.path)
        if (now.st_ino, now.st_size, now.st_mtime_ns) != (
                self.info.st_ino, self.info.st_size, self.info.st_mtime_ns):
            raise FileProblem("changed while exitdsl was running; not written")
        write_atomic(self.path, data, like=self.info)


@contextmanager
def locked(path: Path) -> Iterator[Locked]:
    """Hold ``path`` (a regular file) under ``flock`` from here through its replacement.

    Another exitdsl run waits for the lock, then reads what this one wrote: concurrent
    in-place runs serialise instead of losing each other's edits.
    """
    while True:
        fd, info = _open_regular(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as exc:
            os.close(fd)
            raise FileProblem(f"cannot lock: {exc.strerror or exc}") from None
        try:
            current = os.stat(path)
        except OSError:
            current = None
        if current is not None and (current.st_dev, current.st_ino) == (info.st_dev, info.st_ino):
            break
        os.close(fd)  # replaced while we waited: lock the file that is there now
    try:
        yield Locked(path, fd, os.fstat(fd))
    finally:
        os.close(fd)
