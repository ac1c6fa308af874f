"""Every action kind, found by importing each module of this package that defines ``KIND``.

Dispatch cannot miss a case: an IR type or grammar alias no kind claims raises, and two
kinds claiming the same one is an error when the registry is built.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Any

from .base import ActionKind

_NOT_KINDS = frozenset({"base", "edits", "registry"})


@lru_cache(maxsize=1)
def kinds() -> tuple[ActionKind[Any, Any], ...]:
    """Each action kind, in module-name order."""
    package = importlib.import_module(__package__ or "exitdsl.actions")
    found: list[ActionKind[Any, Any]] = []
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_") or module_info.name in _NOT_KINDS:
            continue
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        kind = getattr(module, "KIND", None)
        if not isinstance(kind, ActionKind):
            raise TypeError(f"{module.__name__} defines no KIND (an ActionKind instance)")
        found.append(kind)
    return tuple(found)


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[type[Any], ActionKind[Any, Any]], dict[str, ActionKind[Any, Any]]]:
    by_type: dict[type[Any], ActionKind[Any, Any]] = {}
    by_alias: dict[str, ActionKind[Any, Any]] = {}
    for kind in kinds():
        if kind.ir_type in by_type:
            raise TypeError(f"two action kinds claim {kind.ir_type.__name__}")
        by_type[kind.ir_type] = kind
        for alias in kind.grammar:
            if alias in by_alias:
                raise TypeError(f"two action kinds claim the grammar alias {alias!r}")
            by_alias[alias] = kind
    return by_type, by_alias


def kind_of(action: object) -> ActionKind[Any, Any]:
    """The kind whose IR type ``action`` is; raises on an action no kind claims."""
    kind = _tables()[0].get(type(action))
    if kind is None:
        raise TypeError(f"no action kind handles {type(action).__name__}")
    return kind


def kind_for_alias(alias: str) -> ActionKind[Any, Any] | None:
    """The kind that lowers the grammar alias ``alias`` (None: not an action)."""
    return _tables()[1].get(alias)
