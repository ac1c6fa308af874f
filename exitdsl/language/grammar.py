"""The rule language's LALR parser, without building it at every start-up.

Building the parser from grammar/exitdsl.lark costs 40–170 ms (more with ``interegular``
installed, which lark then uses to check the terminals). Its tables are therefore
committed next to the grammar as data (``exitdsl.lalr.json``: JSON, never pickle, so the
file cannot run code), stamped with the grammar's SHA-256 and lark's version; when either
differs, as after an edit of the grammar, the parser is built from the grammar instead.
The test suite fails when the committed tables drift from the grammar; regenerate them
with ``python -c "from exitdsl.language.grammar import write_tables; write_tables()"``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import lark

from ..io.resources import grammar_file

OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "propagate_positions": False,  # spans come from tokens; tree positions cost half a parse
    "maybe_placeholders": True,
}


def tables_file() -> Path:
    return grammar_file().with_suffix(".lalr.json")


def build(grammar: str) -> lark.Lark:
    """The parser built from the grammar's text (the tables' source of truth)."""
    return lark.Lark(grammar, **OPTIONS)


def stamp(grammar: str) -> dict[str, str]:
    return {"grammar_sha256": hashlib.sha256(grammar.encode("utf-8")).hexdigest(),
            "lark": lark.__version__}


def tables(parser: lark.Lark, grammar: str) -> str:
    """The parser's tables as JSON text, stamped."""
    data, memo = parser.memo_serialize([lark.lexer.TerminalDef, lark.grammar.Rule])
    document = {"stamp": stamp(grammar), "data": _encode(data), "memo": _encode(memo)}
    return json.dumps(document, sort_keys=True, indent=0) + "\n"


def load() -> lark.Lark:
    """The parser from the committed tables when they match, else built from the grammar."""
    grammar = grammar_file().read_text(encoding="utf-8")
    try:
        document = json.loads(tables_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return build(grammar)
    if document.get("stamp") != stamp(grammar):
        return build(grammar)
    return lark.Lark.load({"data": _decode(document["data"]), "memo": _decode(document["memo"])})


def _encode(value: Any) -> Any:
    """JSON keeps only string keys and has no tuples: both are spelled out."""
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: _encode(item) for key, item in value.items()}
        return {"__pairs__": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} in the parser tables")


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and "__pairs__" in value:
            return {_decode(k): _decode(v) for k, v in value["__pairs__"]}
        if len(value) == 1 and "__tuple__" in value:
            return tuple(_decode(item) for item in value["__tuple__"])
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value


def write_tables() -> Path:
    """Regenerate the committed tables from the grammar (after editing the grammar)."""
    text = grammar_file().read_text(encoding="utf-8")
    tables_file().write_text(tables(build(text), text), encoding="utf-8")
    return tables_file()
