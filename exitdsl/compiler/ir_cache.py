"""A cache of parsed rule files, as data: a rule file already seen (same bytes, path,
grammar, exitdsl version and code that builds the IR) is read back from JSON instead of
being parsed by Lark, so a one-file ``apply`` does not import Lark at all. The key holds a
digest of every module of ``language/`` and ``actions/`` (the parser, the IR, each action's
lowering): a developer's change to them can never be served a stale IR.

Data only, never pickle: decoding builds nothing but the frozen dataclasses of the rule
IR (``ir``, ``Span`` and each action kind's IR type), from JSON values; a cache file cannot
run code. Every failure (missing, unreadable, foreign, corrupt) falls back to parsing.
``EXITDSL_NO_CACHE=1`` turns the cache off; it lives in ``$XDG_CACHE_HOME/exitdsl/ir``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import Span
from ..io.files import write_atomic
from ..io.resources import grammar_file
from ..language import ir

FORMAT = 1


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "exitdsl" / "ir"


def key(text: str, path: str) -> str:
    grammar = grammar_file().read_bytes()
    material = "\0".join([str(FORMAT), __version__, hashlib.sha256(grammar).hexdigest(),
                          code_digest(), path, text])
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()


_PACKAGE = Path(__file__).resolve().parent.parent


@functools.lru_cache(maxsize=4)
def code_digest(package: Path = _PACKAGE) -> str:
    """A digest of the source of the modules that turn a rule file into its IR."""
    digest = hashlib.sha256()
    for folder in ("language", "actions"):
        for module in sorted((package / folder).glob("*.py")):
            digest.update(module.name.encode())
            digest.update(module.read_bytes())
    return digest.hexdigest()


def enabled() -> bool:
    return not os.environ.get("EXITDSL_NO_CACHE")


def load(text: str, path: str) -> ir.RuleFile | None:
    """The cached parse of ``text`` read from ``path``, or None."""
    if not enabled():
        return None
    try:
        data = json.loads((cache_dir() / f"{key(text, path)}.json").read_text("utf-8"))
        found = _decode(data, _classes())
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return None
    return found if isinstance(found, ir.RuleFile) else None


def store(rule_file: ir.RuleFile, text: str, path: str) -> None:
    """Remember a parse; a cache that cannot be written is no error."""
    if not enabled():
        return
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = json.dumps(_encode(rule_file), separators=(",", ":"))
        write_atomic(folder / f"{key(text, path)}.json", data.encode("utf-8"))
    except (OSError, ValueError, TypeError, RecursionError):
        pass


def _classes() -> dict[str, type[Any]]:
    from ..actions.registry import kinds

    types: list[type[Any]] = [Span, *(c for c in vars(ir).values()
                                      if isinstance(c, type) and dataclasses.is_dataclass(c)),
                              *(kind.ir_type for kind in kinds())]
    return {f"{t.__module__}.{t.__qualname__}": t for t in types}


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        kind = type(value)
        return {"@": f"{kind.__module__}.{kind.__qualname__}",
                **{f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, tuple):
        return {"@t": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _decode(value: Any, classes: dict[str, type[Any]]) -> Any:
    if isinstance(value, dict):
        if "@t" in value:
            return tuple(_decode(v, classes) for v in value["@t"])
        kind = classes[value["@"]]  # KeyError: a class this version does not know
        return kind(**{k: _decode(v, classes) for k, v in value.items() if k != "@"})
    if isinstance(value, list):
        return [_decode(v, classes) for v in value]
    return value
