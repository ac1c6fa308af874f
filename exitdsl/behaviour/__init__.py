"""Behavioural proof (opt-in): run a parent and its children on bundled price data, in a
limited child process, and say whether each child changed its exits and only its exits.

Parent side (never runs strategy code): ``frameworks`` (which adapter a file needs),
``sandbox`` (the limited child process), ``verdict`` (compare two runs), ``check`` (the
API). Child side (imported only inside the sandbox): ``child``, ``guard``, ``data``,
``adapters/``. See docs/behaviour.md and docs/safety.md.
"""
