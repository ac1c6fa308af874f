"""Pattern text (Python with ``$x``, ``$_`` and ``...`` holes) → a :class:`Pattern`.

``sim(..., stop_loss=$sl, ...)`` is not valid Python, so holes are first rewritten
into placeholders Python accepts (``*__exitdsl_rest`` in calls, ``**__exitdsl_rest``
in dicts, ``__exitdsl_cap_sl`` for captures) and the result is parsed with ``ast``.
Matching on the ``ast`` form makes patterns insensitive to whitespace, comments,
line breaks, redundant parentheses and quote style for free. Syntax errors are
mapped back to the pattern's own columns.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from ..errors import RuleError, Span, span_in

CAPTURE_PREFIX = "__exitdsl_cap_"
_DEF_NAME = re.compile(r"\bdef\s+(\$?[A-Za-z_][A-Za-z0-9_]*)$")
WHOLE = "0"  # `$0`: the whole matched node, bound by every expression pattern
ANY = "__exitdsl_any"
REST = "__exitdsl_rest"


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern: its ``ast`` tree with placeholders, and what it needs to match."""

    text: str
    node: ast.AST  # an ast.expr or an ast.stmt
    captures: frozenset[str]
    anchors: frozenset[str]  # identifiers and strings every match must contain
    span: Span
    signature: Signature = field(default_factory=lambda: Signature())
    # Every anchor word is an identifier of the pattern: matched code spells each on the
    # matched node's own lines (one token), where a string may be written in pieces
    # (`"exit_" "long"`) or on lines of its own.
    anchors_on_its_lines: bool = False

    @property
    def is_statement(self) -> bool:
        return isinstance(self.node, ast.stmt)



@dataclass(frozen=True)
class Signature:
    """What a node must show at its top for the pattern to have a chance: checked before
    the matcher enumerates anything (most calls in a file are not ``sim(...)``)."""

    callee: tuple[type[ast.AST], str] | None = None  # a Call's literal name or attribute
    keywords: frozenset[str] = frozenset()  # a Call's literal keyword names
    targets: frozenset[str] = frozenset()  # an Assign's literal target names
    # A Call's keywords given a literal (`space="sell"`): name, type and value
    constants: frozenset[tuple[str, type, object]] = frozenset()
    value: Signature | None = None  # what an Assign's value must show (`$n = Decimal...(...)`)

    def admits(self, node: ast.AST) -> bool:
        if self.callee is not None:
            func = getattr(node, "func", None)
            kind, name = self.callee
            if type(func) is not kind or getattr(func, "id" if kind is ast.Name else "attr",
                                                 None) != name:
                return False
        if self.keywords and not self.keywords <= {
                k.arg for k in getattr(node, "keywords", ())}:
            return False
        if self.targets and not self.targets <= {
                t.id for t in getattr(node, "targets", ()) if isinstance(t, ast.Name)}:
            return False
        if self.constants:
            given = {k.arg: k.value for k in getattr(node, "keywords", ())}
            for name, literal_type, value in self.constants:
                literal = given.get(name)
                if not (isinstance(literal, ast.Constant) and type(literal.value) is literal_type
                        and literal.value == value):
                    return False
        if self.value is not None:
            value_node = getattr(node, "value", None)
            return value_node is not None and self.value.admits(value_node)
        return True


def signature_of(node: ast.AST) -> Signature:
    """What ``node`` (a pattern's root) demands of a node at its top."""
    return _signature(node)


def _signature(node: ast.AST) -> Signature:
    if isinstance(node, ast.Call):
        func = node.func
        callee: tuple[type[ast.AST], str] | None = None
        if isinstance(func, ast.Name) and capture_name(func.id) is None:
            callee = (ast.Name, func.id)
        elif isinstance(func, ast.Attribute) and capture_name(func.attr) is None:
            callee = (ast.Attribute, func.attr)
        literal = [k for k in node.keywords if k.arg is not None and capture_name(k.arg) is None]
        constants = frozenset((k.arg, type(k.value.value), k.value.value) for k in literal
                              if isinstance(k.value, ast.Constant) and k.arg is not None
                              and k.value.value is not Ellipsis
                              and word_capture(k.value.value) is None)
        return Signature(callee, frozenset(k.arg for k in literal if k.arg is not None),
                         constants=constants)
    if isinstance(node, ast.Assign):
        value = _signature(node.value)
        return Signature(targets=frozenset(t.id for t in node.targets if isinstance(t, ast.Name)
                                           and capture_name(t.id) is None),
                         value=None if value == Signature() else value)
    return Signature()


def capture_name(identifier: str) -> str | None:
    """The capture a placeholder identifier stands for (``"_"`` for ``$_``), else None."""
    if identifier == ANY:
        return "_"
    if identifier.startswith(CAPTURE_PREFIX):
        return identifier[len(CAPTURE_PREFIX):]
    return None


_WORD_CAPTURE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def word_capture(value: object) -> str | None:
    """The capture a string pattern ``"$name"`` stands for (the string's text), else None."""
    if isinstance(value, str) and (found := _WORD_CAPTURE.fullmatch(value)) is not None:
        return found.group(1)
    return None


def compile_pattern(text: str, span: Span, source: str, *, statement_ok: bool = True) -> Pattern:
    """Parse pattern ``text`` found at ``span`` of the rule file ``source``.

    Raises a :class:`RuleError` located at the offending character of the pattern.
    """
    if not text.strip():
        raise RuleError("empty pattern", span)
    for dict_rest in ("**", "*"):
        python, offsets = _to_python(text, dict_rest)
        try:
            node = _parse(python)
            break
        except SyntaxError as exc:
            error = exc
        except (RecursionError, MemoryError):
            raise RuleError("pattern nested too deeply", span) from None
    else:
        raise _located(error, text, python, offsets, span, source)
    if isinstance(node, ast.stmt) and not statement_ok:
        raise RuleError("expected an expression pattern here, not a statement", span)
    anchors = frozenset(_anchors(node))
    return Pattern(text, node, frozenset(_captures(node)), anchors, span, _signature(node),
                   anchors <= set(_identifiers(node)))


def _parse(python: str) -> ast.AST:
    stripped = python.strip()
    try:
        return ast.parse(stripped, mode="eval").body
    except SyntaxError:
        module = ast.parse(stripped, mode="exec")
    if len(module.body) != 1:
        raise SyntaxError("a pattern must be one expression or one statement",
                          ("<pattern>", 1, 1, stripped))
    stmt = module.body[0]
    return stmt.value if isinstance(stmt, ast.Expr) else stmt


def _to_python(text: str, dict_rest: str) -> tuple[str, list[tuple[int, int]]]:
    """Replace holes by placeholders; return the text and (new offset, old offset) marks."""
    out: list[str] = []
    marks: list[tuple[int, int]] = [(0, 0)]
    brackets: list[str] = []  # "call", "group", "brace" or "list"
    length = 0
    i = 0
    quote = ""
    while i < len(text):
        ch = text[i]
        piece = ch
        step = 1
        if quote:
            if ch == "\\":
                piece, step = text[i:i + 2], 2
            elif text.startswith(quote, i):
                piece, step, quote = quote, len(quote), ""
        elif ch in "'\"":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else ch
            piece, step = quote, len(quote)
        elif ch == "$":
            j = i + 1
            while j < len(text) and (text[j].isalnum() or text[j] == "_"):
                j += 1
            name = text[i + 1:j]
            piece = ANY if name == "_" else CAPTURE_PREFIX + name
            step = j - i
        elif text.startswith("...", i):
            step = 3
            context = brackets[-1] if brackets else ""
            if context == "params":  # a parameter list may hold several: each its own name
                piece = f"{REST}_{sum(REST in p for p in out)}"
            else:
                piece = {"call": "*" + REST, "brace": dict_rest + REST}.get(context, "...")
        elif ch in "([{":
            before = text[:i].rstrip()
            if ch == "(" and _DEF_NAME.search(before):
                brackets.append("params")
            elif ch == "(":
                brackets.append("call" if before and (before[-1].isalnum() or before[-1] in "_)]")
                                else "group")
            else:
                brackets.append("brace" if ch == "{" else "list")
        elif ch in ")]}" and brackets:
            brackets.pop()
        if piece != text[i:i + step]:
            marks.append((length, i))
            marks.append((length + len(piece), i + step))
        out.append(piece)
        length += len(piece)
        i += step
    return "".join(out), marks


def _located(exc: SyntaxError, text: str, python: str, marks: list[tuple[int, int]],
             span: Span, source: str) -> RuleError:
    stripped_offset = len(python) - len(python.lstrip())
    lines = python.strip().splitlines(keepends=True) or [""]
    line = min(max(exc.lineno or 1, 1), len(lines))
    offset = stripped_offset + sum(len(x) for x in lines[: line - 1]) + max((exc.offset or 1) - 1, 0)
    new, old = max((m for m in marks if m[0] <= offset), key=lambda m: m[0])
    original = old + (offset - new)
    original = min(original, len(text))
    before = text[:original]
    rel_line = before.count("\n")
    col = original - (before.rfind("\n") + 1)
    at_line = span.line + rel_line
    at_col = (span.col if rel_line == 0 else 1) + col
    message = (exc.msg or "invalid syntax").replace(CAPTURE_PREFIX, "$").replace(REST, "...")
    return RuleError(f"pattern is not valid Python: {message}",
                     span_in(span.path, source, at_line, at_col))


def _identifiers(node: ast.AST) -> list[str]:
    found: list[str] = []
    for sub in ast.walk(node):
        for name in ("id", "attr", "arg", "name"):
            value = getattr(sub, name, None)
            if isinstance(value, str):
                found.append(value)
    return found


def _captures(node: ast.AST) -> set[str]:
    words = {name for sub in ast.walk(node) if isinstance(sub, ast.Constant)
             and (name := word_capture(sub.value)) is not None}
    names = {name for ident in _identifiers(node) if (name := capture_name(ident)) is not None}
    return (words | names) - {"_"}


def _anchors(node: ast.AST) -> set[str]:
    """Literal identifiers and strings: a file lacking any of them cannot match."""
    anchors = {ident for ident in _identifiers(node)
               if capture_name(ident) is None and not ident.startswith(REST)}
    for sub in ast.walk(node):
        # Only plain words: a string with escapes may be spelled differently in the source.
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and sub.value.isidentifier():
            anchors.add(sub.value)
    return anchors
