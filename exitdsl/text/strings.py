"""A string that replaces a string keeps the look of the one it replaces: its quote
character and its prefix (``r``, ``b``, ``u``, any case), so that a migration renaming
``"buy"`` to ``"enter_long"`` changes the word and nothing else. Only a single plain token
is restyled (not f-strings or implicit concatenation), and only when the same value can be
written that way; otherwise the template's own spelling stands."""

from __future__ import annotations

import ast
import re

_TOKEN = re.compile(r"""^([rRbBuU]{0,2})('''|\"\"\"|'|")(.*)\2$""", re.S)


def in_style_of(old: str, new: str) -> str:
    """``new`` (a string literal's source) written with ``old``'s prefix and quotes, when
    that spelling means the same value; else ``new`` as it is."""
    old_token, new_token = _TOKEN.match(old), _TOKEN.match(new)
    if old_token is None or new_token is None or "f" in (old_token[1] + new_token[1]).lower():
        return new
    prefix, quote, body = old_token[1], old_token[2], new_token[3]
    if quote in body or (len(quote) == 1 and "\n" in body):
        return new
    candidate = f"{prefix}{quote}{body}{quote}"
    try:
        value, restyled = ast.literal_eval(new), ast.literal_eval(candidate)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return new
    return candidate if type(restyled) is type(value) and restyled == value else new
