"""Child side: the limits and the audit hook put around strategy code before it runs.

Resource limits are enforced by the kernel. The audit hook (PEP 578) refuses processes,
sockets, native-library loading and any file access outside the working folder and the
Python installation; it is a tripwire for what a careless or hostile template does in
plain Python, not a boundary against code written to escape it (docs/safety.md).
"""

from __future__ import annotations

import os
import resource
import sys
from collections.abc import Callable, Iterable
from types import FrameType
from typing import Any

MIB = 1024 * 1024

# Events refused whatever their arguments: new processes, the network, native code.
REFUSED = frozenset({
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "os.kill", "os.killpg", "subprocess.Popen", "pty.spawn", "socket.connect",
    "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
    "socket.gethostbyname", "ctypes.dlopen", "ctypes.dlsym", "ctypes.cdata",
    "ctypes.call_function", "os.putenv", "os.unsetenv", "os.setuid", "os.setgid",
    "webbrowser.open", "urllib.Request", "http.client.connect", "ftplib.connect",
    "smtplib.connect", "imaplib.open", "poplib.connect", "telnetlib.Telnet.open",
    "os.startfile", "mmap.__new__",
    # the hook's own closure is reachable through the collector's object lists
    "gc.get_objects", "gc.get_referrers", "gc.get_referents",
})
# Events whose first argument is a path: allowed to read under the read roots, and to
# change anything only under the working folder.
READS = frozenset({"os.listdir", "os.scandir", "glob.glob", "os.walk"})
WRITES = frozenset({
    "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link",
    "os.symlink", "os.truncate", "os.utime", "shutil.rmtree", "shutil.copyfile",
    "shutil.copymode", "shutil.copystat", "shutil.move", "os.chdir", "os.chflags",
})
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def apply_limits(cpu_seconds: int, memory_mb: int, file_mb: int, nproc: int) -> None:
    """Kernel limits on this process: CPU time (SIGXCPU, then SIGKILL), address space
    (allocations fail with MemoryError), size of any file written, no core files, open
    files, and tasks (the kernel does not hold root to ``RLIMIT_NPROC``: seccomp does)."""
    for limit, value in ((resource.RLIMIT_CPU, cpu_seconds), (resource.RLIMIT_AS, memory_mb * MIB),
                         (resource.RLIMIT_FSIZE, file_mb * MIB), (resource.RLIMIT_CORE, 0),
                         (resource.RLIMIT_NOFILE, 256), (resource.RLIMIT_NPROC, nproc)):
        hard = value + 1 if limit == resource.RLIMIT_CPU else value
        resource.setrlimit(limit, (value, hard))


def read_roots() -> tuple[str, ...]:
    """Folders strategy code may read: the interpreter's and the import path's."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             "/usr/share/zoneinfo"}
    roots.update(p for p in sys.path if p and os.path.isabs(p))
    if os.environ.get("NUMBA_CACHE_DIR"):
        roots.add(os.environ["NUMBA_CACHE_DIR"])
    return tuple(sorted(os.path.realpath(r) for r in roots))


def install(workdir: str, roots: Iterable[str], allowed: frozenset[str] = frozenset()) -> None:
    """Refuse, from now on, what ``REFUSED`` (less ``allowed``), ``READS`` and ``WRITES``
    say."""
    sys.addaudithook(make_hook(os.path.realpath(workdir), tuple(roots), REFUSED - allowed))


def make_hook(workdir: str, roots: tuple[str, ...],
              refused: frozenset[str] = REFUSED) -> Callable[[str, tuple[Any, ...]], None]:
    readable = (workdir, *roots)
    # Bound here, not looked up in the module when an event comes: replacing
    # ``guard._check`` from strategy code must not switch the hook off.
    check, numba_caching = _check, _numba_caching

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in refused:
            raise PermissionError(f"exitdsl sandbox: {event} is not allowed")
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            writes = bool(mode and set(str(mode)) & set("wax+")) or bool(
                isinstance(flags, int) and flags & _WRITE_FLAGS)
            if writes and numba_caching(path):
                return
            check(event, path, (workdir,) if writes else readable)
        elif event in READS:
            check(event, args[0] if args else ".", readable)
        elif event in WRITES:
            for path in args[:2]:
                if isinstance(path, (str, bytes, os.PathLike)) and not numba_caching(path):
                    check(event, path, (workdir,))
    return hook


def _numba_caching(path: object) -> bool:
    """numba saving a compiled function into its cache (vectorbt compiles what the set-up
    did not): the one write outside the working folder, and only from numba's own code."""
    cache = os.environ.get("NUMBA_CACHE_DIR")
    if not cache or not isinstance(path, str):
        return False
    # Resolved first: ``CACHE/../../home/x`` starts with the cache's name and is not in it.
    if not os.path.realpath(path).startswith(os.path.realpath(cache) + os.sep):
        return False
    frame: FrameType | None = sys._getframe(2)
    for _ in range(6):
        if frame is None:
            return False
        if frame.f_code.co_filename.endswith(os.path.join("numba", "core", "caching.py")):
            return True
        frame = frame.f_back
    return False


def _check(event: str, path: object, allowed: tuple[str, ...]) -> None:
    if not isinstance(path, (str, bytes, os.PathLike)):  # a descriptor: already checked
        return
    name = os.fsdecode(path)
    if name == os.devnull:
        return
    real = os.path.realpath(name)
    if not any(real == root or real.startswith(root.rstrip(os.sep) + os.sep)
               for root in allowed):
        raise PermissionError(f"exitdsl sandbox: {event} {name!r} is outside the folders "
                              "strategy code may use")
