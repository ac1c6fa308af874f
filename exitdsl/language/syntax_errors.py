"""Lark's syntax errors, said as a rule author needs them: the word that is wrong, the
nearest keyword it may have meant, an unclosed ``{`` at its opening, and every error of a
file (up to ``MAX_ERRORS``), not only the first.

Lark's contextual lexer reads ``matches`` as the keyword ``match`` followed by ``es``; the
message names the whole word instead. Further errors are found by blanking the top-level
item (rule, test, bound, ...) that held the previous one and parsing again: positions stay
where they were, and an error in one rule does not hide a typo in the next.
"""

from __future__ import annotations

import re

import lark

from ..errors import MAX_RULE_ERRORS, RuleError, RuleErrors, span_in
from .suggest import closest

MAX_ERRORS = MAX_RULE_ERRORS
TOP_LEVEL = ("ruleset", "use", "allow", "bound", "choices", "map", "base", "invariant",
             "rule", "test")
RULE_ITEMS = ("tier", "weight", "match", "inside", "within", "unless", "where", "ensure",
              "set", "add", "remove", "append", "drop", "rename", "flip", "insert")
_ITEM_START = re.compile(rf"^({'|'.join(TOP_LEVEL)})\b", re.M)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# What a user calls each terminal in an error message.
_TERMINAL_NAMES = {
    "RBRACE": "'}'", "LBRACE": "'{'", "RPAR": "')'", "LPAR": "'('", "RSQB": "']'",
    "LSQB": "'['", "COMMA": "','", "EQUAL": "'='", "NAME": "a name", "RULE_ID": "a rule id",
    "NUMBER": "a number", "INT": "an integer", "STRING": 'a "string"',
    "PATTERN": "a `pattern`", "CODE_BLOCK": "a ```code block```", "CAPTURE": "a $capture",
    "REGEX": "a /regex/", "COMPARE_OP": "a comparison", "TILDE": "'~'", "$END": "end of file",
    "MINUS": "'-'", "PLUS": "'+'", "STAR": "'*'", "SLASH": "'/'",
}


def syntax_errors(parser: lark.Lark, first: lark.UnexpectedInput, text: str,
                  path: str) -> RuleError:
    """The file's syntax errors, starting from ``first``: one ``RuleError``, or a
    ``RuleErrors`` holding several."""
    errors = [syntax_error(first, text, path)]
    current = text
    while len(errors) < MAX_ERRORS:
        blanked = _blank_item(current, errors[-1].span.line if errors[-1].span else 1)
        if blanked == current:
            break
        current = blanked
        try:
            parser.parse(current)
            break
        except lark.UnexpectedInput as exc:
            error = syntax_error(exc, text, path)
            if error.one_line() in {e.one_line() for e in errors}:
                break
            errors.append(error)
        except RecursionError:
            break
    return errors[0] if len(errors) == 1 else RuleErrors(errors)


def syntax_error(exc: lark.UnexpectedInput, text: str, path: str) -> RuleError:
    line, col = exc.line, exc.column
    suggestion = None
    if isinstance(exc, lark.UnexpectedToken) and exc.token.type == "$END":
        opened = _unclosed_brace(text)
        if opened is not None:
            line, col = opened
            message = "this '{' is never closed (missing '}' before the end of the file)"
        else:
            lines = text.rstrip().splitlines() or [""]
            line, col = len(lines), len(lines[-1]) + 1
            message = f"unexpected end of file; expected {_describe(exc.expected)}"
    elif isinstance(exc, lark.UnexpectedToken) and (word := _misspelt(exc, text)) is not None:
        (line, col), message, suggestion = word
    elif isinstance(exc, lark.UnexpectedToken) and exc.token.type == "STRING" \
            and "NUMBER" in exc.expected:
        message = f"a string ({exc.token.value}) cannot be used here; expected a number"
    elif isinstance(exc, lark.UnexpectedToken):
        message = f"unexpected {exc.token.value!r}; expected {_describe(exc.expected)}"
    elif isinstance(exc, lark.UnexpectedCharacters):
        position = exc.pos_in_stream or 0
        char = text[position] if position < len(text) else ""
        if char == "`":
            message = "unterminated `pattern` (or an empty one)"
        elif char == "/":
            message = "unterminated or empty /regex/"
        else:
            message = f"unexpected character {char!r}"
            if exc.allowed:
                message += f"; expected {_describe(exc.allowed)}"
    else:
        message = "unexpected end of file"
    if line < 1:
        line, col = 1, 1
    return RuleError(message, span_in(path, text, line, col), suggestion=suggestion)


def _misspelt(exc: lark.UnexpectedToken, text: str
              ) -> tuple[tuple[int, int], str, str | None] | None:
    """An unknown word where a keyword goes: ``replace $x = 1`` in a rule, ``matches``
    (lexed as ``match`` + ``es``), ``rules r {`` at the top level (``rule`` + ``s``)."""
    lines = text.splitlines()
    row = lines[exc.line - 1] if 0 < exc.line <= len(lines) else ""
    start = exc.column - 1
    while start > 0 and (row[start - 1].isalnum() or row[start - 1] == "_"):
        start -= 1
    found = _WORD.match(row, start)
    word = found[0] if found else ""
    expected = {e.lower() for e in exc.expected}
    if start < exc.column - 1:  # glued: the lexer split a keyword off the front of a word
        keywords = next((group for group in (RULE_ITEMS, TOP_LEVEL)
                         if any(word.startswith(k) for k in group)), ())
    elif "match" in expected and "tier" in expected:
        keywords = RULE_ITEMS
    elif "rule" in expected and "bound" in expected:
        keywords = TOP_LEVEL
    else:  # `rules r {`: `rule` + `s` lexed, the error comes at `r`
        first = _WORD.match(row)
        if not first or first[0] in TOP_LEVEL or not closest(first[0], TOP_LEVEL):
            return None
        word, start, keywords = first[0], 0, TOP_LEVEL
    if not keywords or not word or word in keywords:
        return None
    near = closest(word, keywords)
    hint = f" (did you mean {near!r}?)" if near else ""
    what = "rule item" if keywords is RULE_ITEMS else "declaration"
    return (exc.line, start + 1), (f"unknown {what} {word!r}{hint}; expected one of "
                                   f"{', '.join(keywords)}"), near


def _blank_item(text: str, line: int) -> str:
    """``text`` with the top-level item around ``line`` turned into spaces (newlines kept)."""
    starts = [text.count("\n", 0, m.start()) + 1 for m in _ITEM_START.finditer(text)]
    before = [s for s in starts if s <= line]
    if not before:
        return text
    first = before[-1]
    after = [s for s in starts if s > first]
    last = after[0] - 1 if after else text.count("\n") + 1
    lines = text.split("\n")
    for number in range(first - 1, min(last, len(lines))):
        lines[number] = " " * len(lines[number])
    return "\n".join(lines)


def _unclosed_brace(text: str) -> tuple[int, int] | None:
    """Line and column of the last ``{`` left open, skipping comments, strings and code."""
    stack: list[tuple[int, int]] = []
    skip = re.compile(r"#[^\n]*|```.*?```|`[^`]*`|\"(?:[^\"\\\n]|\\.)*\"", re.S)
    position = 0
    for piece in skip.finditer(text + "\n"):
        _braces(text, position, piece.start(), stack)
        position = piece.end()
    _braces(text, position, len(text), stack)
    return stack[-1] if stack else None


def _braces(text: str, start: int, end: int, stack: list[tuple[int, int]]) -> None:
    for i in range(start, end):
        if text[i] == "{":
            stack.append((text.count("\n", 0, i) + 1, i - text.rfind("\n", 0, i)))
        elif text[i] == "}" and stack:
            stack.pop()


def _describe(token_types: set[str] | frozenset[str]) -> str:
    names = sorted({_TERMINAL_NAMES.get(t, repr(t.lower())) for t in token_types})
    if len(names) > 6:
        names = names[:6] + ["..."]
    return ", ".join(names)
