"""Names and texts made safe to print: a control character in a file name or a rule's
description never reaches the terminal raw (an escape sequence could rewrite the screen),
and a newline in a file name cannot forge a diff header (``patch -p0`` would patch another
file)."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_QUOTED = {"\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def printable(text: str) -> str:
    """``text`` with each control character written as an escape (``\\x1b``, ``\\n``);
    a surrogate (an undecodable byte of a file name) as ``\\udcXX``."""
    text = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    if any("\ud800" <= c <= "\udfff" for c in text):
        text = "".join(c if not "\ud800" <= c <= "\udfff" else f"\\u{ord(c):04x}" for c in text)
    return text


def quoted_path(path: str) -> str:
    """``path`` as git writes it in a diff header: as is, or in double quotes with C
    escapes when it holds a control character, a quote or a backslash."""
    if not _CONTROL.search(path) and '"' not in path and "\\" not in path \
            and not any("\ud800" <= c <= "\udfff" for c in path):
        return path
    escaped = "".join(_QUOTED.get(c, f"\\{ord(c):03o}" if _CONTROL.match(c) else c)
                      for c in path)
    return '"' + printable(escaped) + '"'

