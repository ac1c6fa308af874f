"""Parent side: the operating-system boundary around one strategy run.

Each child runs under bubblewrap (``bwrap``, the sandbox Flatpak uses): fresh user, mount,
pid, network, ipc, uts and cgroup namespaces; a root holding only the system's ``/usr``,
the interpreter and the import path, read-only; a size-capped private tmpfs as the one
writable place; no network device; a ``/proc`` of its own pid namespace (the parent and
its environment are invisible). Inside, the child loads a seccomp filter of its own
(``syscalls``) before strategy code runs. bubblewrap is a well-kept, unprivileged tool
that does exactly this; writing the namespace and mount set-up by hand would be a second,
worse bubblewrap.

Where no boundary can be built (no ``bwrap``, a kernel refusing user namespaces, no
libseccomp) the reason is known before any strategy runs, and ``behave`` refuses unless
the user passes ``--no-isolation``.
"""

from __future__ import annotations

import ast
import ctypes.util
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import UsageError

# Where the child works inside the sandbox: its cwd, HOME and TMPDIR (a tmpfs).
WORKDIR = "/sandbox"
# Namespaces: all bwrap knows; cgroup only where the kernel has it.
_NAMESPACES = ("--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-net",
               "--unshare-uts", "--unshare-cgroup-try", "--disable-userns")


@dataclass(frozen=True)
class Boundary:
    """Whether strategy runs can be isolated here, and if not, why."""

    bwrap: str = ""
    missing: str = ""  # why there is no boundary; empty when there is one

    @property
    def available(self) -> bool:
        return not self.missing


@functools.cache
def boundary() -> Boundary:
    """The boundary this machine offers, probed once per process (a ``bwrap`` run that
    builds every namespace, and a look for libseccomp and its binding)."""
    if not sys.platform.startswith("linux"):
        return Boundary(missing=f"no sandbox on {sys.platform} (Linux namespaces and seccomp "
                        "are needed)")
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return Boundary(missing="bubblewrap is not installed (Debian/Ubuntu: apt install "
                        "bubblewrap)")
    if importlib.util.find_spec("pyseccomp") is None or not ctypes.util.find_library("seccomp"):
        return Boundary(missing="no seccomp binding (pip install pyseccomp; it needs the "
                        "system's libseccomp)")
    probe = subprocess.run([bwrap, *_NAMESPACES, "--ro-bind", "/", "/", "--proc", "/proc",
                            "--", "/bin/true"], capture_output=True, timeout=30, check=False)
    if probe.returncode != 0:
        why = probe.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no reason"]
        return Boundary(missing=f"bubblewrap cannot build namespaces here: {why[0][:200]}")
    return Boundary(bwrap)


def require(isolated: bool) -> None:
    """Refuse, before any strategy runs, to run without a boundary the user did not give up."""
    if isolated and not boundary().available:
        raise UsageError(f"no operating-system boundary for strategy code here: "
                         f"{boundary().missing}; --no-isolation runs it with the in-process "
                         "guard only (unsafe: docs/safety.md)")


def command(bwrap: str, python: list[str], disk_mb: int) -> list[str]:
    """The ``bwrap`` command line that runs ``python`` (argv) inside the boundary."""
    # --as-pid-1: the child itself is the namespace's init. bubblewrap's own init would run
    # without the child's seccomp filter and limits, and a strategy could take it over
    # through /proc/1/mem (found by attack).
    argv = [bwrap, *_NAMESPACES, "--as-pid-1", "--die-with-parent", "--new-session",
            "--proc", "/proc", "--dev", "/dev", "--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):  # merged /usr: /lib -> usr/lib
            argv += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            argv += ["--ro-bind", top, top]
    for path in _system_files():
        argv += ["--ro-bind", path, path]
    for root in python_roots():
        argv += ["--ro-bind", root, root]
    # The root and /dev are tmpfs bubblewrap made to hold the mount points: read-only once
    # built, so the capped working folder is the one writable place.
    argv += ["--size", str(disk_mb * 1024 * 1024), "--tmpfs", WORKDIR, "--chdir", WORKDIR,
             "--remount-ro", "/dev", "--remount-ro", "/", "--", *python]
    return argv


def _system_files() -> list[str]:
    """The few files of /etc a Python process reads (shared-library cache, time zone)."""
    return [p for p in ("/etc/ld.so.cache", "/etc/localtime") if os.path.exists(p)]


def python_roots() -> list[str]:
    """What the child must read: the isolated interpreter's own import path (``python -I``
    ignores the caller's working folder and PYTHONPATH, so those are not bound) and
    exitdsl itself. A path entry holding exitdsl's source tree (an editable install)
    contributes only the package folder, never the project around it."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, package}
    roots.update(p for p in isolated_path() if os.path.isabs(p) and os.path.isdir(p)
                 and not _holds(p, package))
    real = (os.path.realpath(r) for r in roots)
    return _outermost(r for r in real if r != "/usr" and not r.startswith("/usr/"))


@functools.cache
def isolated_path() -> tuple[str, ...]:
    """``sys.path`` of ``python -I`` here: the import path the child will have."""
    shown = subprocess.run([sys.executable, "-I", "-c", "import sys; print(repr(sys.path))"],
                           capture_output=True, text=True, timeout=60, check=True, cwd="/")
    found = ast.literal_eval(shown.stdout.strip())
    return tuple(p for p in found if isinstance(p, str) and p)


def _holds(folder: str, package: str) -> bool:
    return os.path.dirname(package) == os.path.abspath(folder)


def _outermost(paths: Iterable[str]) -> list[str]:
    """The paths, without those inside another (bwrap would mount them twice)."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def user_tasks() -> int:
    """Tasks (processes and threads) the user runs now: ``RLIMIT_NPROC`` counts them all,
    so a child's limit is this count plus a margin."""
    uid, count = os.getuid(), 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(os.path.join(entry.path, "task")))
            except OSError:
                continue
    return count
