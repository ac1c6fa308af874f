"""Child side: the seccomp filter loaded before strategy code runs, inside the namespaces.

It refuses (EPERM) the system calls a strategy has no use for and an escape needs: new
processes and programs, sockets, the kernel's own interfaces (mounts, namespaces, modules,
keys, BPF, tracing), device nodes and extended attributes. Threads stay allowed (numpy and
pandas may start them): ``clone`` is refused unless it makes a thread, and ``clone3``
answers ENOSYS so the C library falls back to ``clone``, whose flags a filter can read.
A filter is inherited and cannot be removed, by the strategy or by anything it starts.
System calls of another architecture's ABI kill the process (libseccomp's default).
"""

from __future__ import annotations

import errno

_CLONE_THREAD = 0x00010000

REFUSED = (
    # new programs and processes
    "execve", "execveat", "fork", "vfork",
    # sockets: the answer travels on the pipe the child was started with
    "socket", "socketpair",
    # other processes
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_open", "pidfd_getfd",
    "kcmp",
    # the kernel's own interfaces: mounts, namespaces, modules, keys, BPF, tracing
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "fsopen", "fsmount",
    "fspick", "move_mount", "open_tree", "mount_setattr", "init_module", "finit_module",
    "delete_module", "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff",
    "acct", "quotactl", "syslog", "bpf", "perf_event_open", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "keyctl", "add_key",
    "request_key", "personality", "iopl", "ioperm", "name_to_handle_at",
    "open_by_handle_at", "lookup_dcookie", "fanotify_init", "open_tree_attr",
    # memory outside the address-space limit and the disk cap (found by attack)
    "memfd_create", "memfd_secret",
    # device nodes, FIFOs made by mknod, extended attributes
    "mknod", "mknodat", "setxattr", "lsetxattr", "fsetxattr", "removexattr",
    "lremovexattr", "fremovexattr",
)


def load() -> None:
    """Load the filter into this process (and every thread and child it will have)."""
    import pyseccomp as seccomp  # the child's only use of it; absent, the run fails

    refuse = seccomp.ERRNO(errno.EPERM)
    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    for name in REFUSED:
        try:
            rules.add_rule(refuse, name)
        except (OSError, ValueError, RuntimeError):
            continue  # not a system call of this kernel's architecture
    rules.add_rule(refuse, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, _CLONE_THREAD, 0))
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    rules.load()
