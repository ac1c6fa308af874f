"""Behavioural proof (opt-in): run a parent and its children on bundled price data, in a
sandboxed child process, and say whether each child changed its exits and only its exits.

Parent side (never runs strategy code): ``frameworks`` (which adapter a file needs),
``isolation`` (the bubblewrap boundary), ``sandbox`` (the child process), ``channel`` (its
bounded answer), ``cleanup``, ``verdict`` (compare two runs), ``check`` (the API). Child
side (imported only inside the sandbox): ``child``, ``syscalls`` (the seccomp filter),
``guard``, ``data``, ``adapters/``. See docs/behaviour.md and docs/safety.md.
"""
