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
import stat
import types
import typing
from pathlib import Path
from collections.abc import Callable
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
    """The cached parse of ``text`` read from ``path``, or None: only from a folder that is
    this user's alone, only a regular file of this user's (no symlink followed), and only
    an entry whose every field has its declared type."""
    if not enabled() or not _trusted(cache_dir()):
        return None
    try:
        data = json.loads(_read_own(cache_dir() / f"{key(text, path)}.json"))
        found = _decode(data, _classes())
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return None
    return found if isinstance(found, ir.RuleFile) and valid(found, ir.RuleFile) else None


def _trusted(folder: Path) -> bool:
    """Is ``folder`` a real directory (not a symlink), owned by this user, writable by no one
    else? A planted entry in a shared or foreign folder could change what a rule does."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    owner = getattr(os, "getuid", lambda: info.st_uid)()
    return stat.S_ISDIR(info.st_mode) and info.st_uid == owner and not info.st_mode & 0o022


def _read_own(entry: Path) -> str:
    descriptor = os.open(entry, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        owner = getattr(os, "getuid", lambda: info.st_uid)()
        if not stat.S_ISREG(info.st_mode) or info.st_uid != owner:
            raise OSError("not a regular file of this user's")
        return handle.read().decode("utf-8")


def store(rule_file: ir.RuleFile, text: str, path: str) -> None:
    """Remember a parse; a cache that cannot be written is no error."""
    if not enabled():
        return
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _trusted(folder):
            return
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


def valid(value: Any, hint: Any) -> bool:
    """Does ``value`` have the type ``hint`` declares (dataclasses field by field, tuples,
    unions, literals, the JSON scalars)? Unknown forms are accepted."""
    return _checker(hint)(value)


Check = Callable[[Any], bool]


@functools.lru_cache(maxsize=None)
def _checker(hint: Any) -> Check:
    """A test for ``hint``, made once per hint (a warm run checks thousands of values);
    nested hints are looked up when a value is checked, so recursive types terminate."""
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        fields = tuple(_hints(hint).items())
        kind = hint
        return lambda v: isinstance(v, kind) and all(
            _checker(h)(getattr(v, name)) for name, h in fields)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return lambda v: any(_checker(arg)(v) for arg in args)
    if origin is typing.Literal:
        return lambda v: v in args
    if origin is list or (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
        item = args[0] if args else Any
        container = origin
        return lambda v: isinstance(v, container) and all(_checker(item)(x) for x in v)
    if origin is tuple:
        return lambda v: isinstance(v, tuple) and len(v) == len(args) and all(
            _checker(a)(x) for x, a in zip(v, args))
    simple: dict[Any, Check] = {
        type(None): lambda v: v is None,
        bool: lambda v: isinstance(v, bool),
        int: lambda v: isinstance(v, int) and not isinstance(v, bool),
        float: lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        str: lambda v: isinstance(v, str),
    }
    return simple.get(hint, lambda v: True)


@functools.lru_cache(maxsize=None)
def _hints(kind: type[Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(kind)
    except (NameError, TypeError):  # a hint that cannot be resolved is not checked
        return {}


def _decode(value: Any, classes: dict[str, type[Any]]) -> Any:
    if isinstance(value, dict):
        if "@t" in value:
            return tuple(_decode(v, classes) for v in value["@t"])
        kind = classes[value["@"]]  # KeyError: a class this version does not know
        return kind(**{k: _decode(v, classes) for k, v in value.items() if k != "@"})
    if isinstance(value, list):
        return [_decode(v, classes) for v in value]
    return value
