"""Completion from the language's own tables: keywords from the grammar (by where the
cursor is: top level, a rule, an invariant or a test), functions and predicates from the
vocabulary's registry with their signatures, the captures of the rule's patterns, the
bounds, choices and maps the file sees, tiers, and rule files for ``use``."""

from __future__ import annotations

import os
import re
from pathlib import Path

from lsprotocol import types

from ..io.resources import MIGRATIONS, shipped_rules_dir
from ..vocabulary.functions import FUNCTIONS, PREDICATES
from ..vocabulary.tiers import TIERS
from .analysis import Analysis
from .keywords import Keyword, keywords
from .symbols import declarations, summary

_USE = re.compile(r'^\s*use\s+"([^"]*)$')
_PARTIAL = re.compile(r"\$?[A-Za-z_][A-Za-z0-9_]*$|\$$")
_BINDING = re.compile(r"(?<!unless )\b(?:match|inside|within)\s+`([^`]*)`")
_CAPTURE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
MAX_FILES = 200  # rule files offered for a `use`


def completions(analysis: Analysis, line: int, col: int) -> list[types.CompletionItem]:
    lines = analysis.lines
    before = lines[line][:col] if line < len(lines) else ""
    if (typed := _USE.match(before)) is not None:
        return _rule_files(analysis.path, typed[1])
    partial = _PARTIAL.search(before)
    word = partial[0] if partial else ""
    lead = before[: len(before) - len(word)]
    place = enclosing(lines, line)
    if word.startswith("$"):
        return _captures(lines, line)
    if not lead.strip():
        return [_keyword(k) for k in keywords(place)] if place else []
    last = lead.split()[-1] if lead.split() else ""
    if last == "tier":
        return [types.CompletionItem(t, kind=types.CompletionItemKind.EnumMember) for t in TIERS]
    if last in ("in", "using"):
        return _domains(analysis, maps_only=last == "using")
    return [*_functions(), *_domains(analysis, maps_only=False)]


def enclosing(lines: list[str], line: int) -> str | None:
    """The kind of item the cursor is in: the last top-level keyword at a line's start
    above it, if its braces are still open (``top`` when none is)."""
    starts = {k.word for k in keywords("top")}
    depth = 0
    for number in range(line, -1, -1):
        text = lines[number] if number < len(lines) else ""
        if number < line:
            depth += text.count("}") - text.count("{")
        head = text.split(maxsplit=1)[0] if text[:1].isalpha() else ""
        if head in starts:
            opened = depth < 0 or (number == line and "{" in text)
            return head if head in ("rule", "invariant", "test") and opened else "top"
    return "top"


def _keyword(keyword: Keyword) -> types.CompletionItem:
    documentation = types.MarkupContent(types.MarkupKind.Markdown, keyword.doc) \
        if keyword.doc else None
    return types.CompletionItem(keyword.word, kind=types.CompletionItemKind.Keyword,
                                detail=" | ".join(keyword.forms), documentation=documentation)


def _functions() -> list[types.CompletionItem]:
    """One item per name (``int`` is a predicate and a function), with every form."""
    return [types.CompletionItem(name, kind=types.CompletionItemKind.Function,
                                 detail=" | ".join(forms(name)),
                                 documentation=types.MarkupContent(types.MarkupKind.Markdown,
                                                                   function_doc(name)))
            for name in sorted({*FUNCTIONS, *PREDICATES})]


def forms(name: str) -> list[str]:
    return [form for table in (FUNCTIONS, PREDICATES) if name in table
            for form in table[name].forms()]


def function_doc(name: str) -> str:
    """The registry's description of each form (a predicate's says where it is one)."""
    entries = [e for e in (FUNCTIONS.get(name), PREDICATES.get(name)) if e is not None]
    if len(entries) == 1:
        return entries[0].doc
    return "\n\n".join(f"`{e.forms()[0]}`: {e.doc}" for e in entries)


def _domains(analysis: Analysis, maps_only: bool) -> list[types.CompletionItem]:
    return [types.CompletionItem(d.name, kind=types.CompletionItemKind.Constant,
                                 detail=summary(d))
            for d in declarations(analysis.files) if d.kind == "map" or not maps_only]


def _captures(lines: list[str], line: int) -> list[types.CompletionItem]:
    """The captures of the match and context patterns of the rule around ``line``, read from
    the text (being typed, it need not parse)."""
    first = line
    while first > 0 and not re.match(r"(rule|invariant)\b", lines[first]):
        first -= 1
    last = line + 1
    while last < len(lines) and not re.match(r"[A-Za-z]", lines[last]):
        last += 1
    block = "\n".join(lines[first:last])
    names = sorted({c for p in _BINDING.finditer(block) for c in _CAPTURE.findall(p[1])} - {"_"})
    return [types.CompletionItem(f"${name}", kind=types.CompletionItemKind.Variable,
                                 detail="captured by the rule's patterns") for name in names]


MAX_ENTRIES = 20_000  # folder entries looked at for `use` completion


def _bounded_rules(folder: Path) -> list[Path]:
    """Up to MAX_FILES ``.rules`` files below ``folder``, looking at most at MAX_ENTRIES
    entries: a document at / must not walk the file system while the server waits."""
    found: list[Path] = []
    seen = 0
    for root, dirs, files in os.walk(folder):
        seen += len(dirs) + len(files)
        found += [Path(root) / f for f in files if f.endswith(".rules")]
        if seen > MAX_ENTRIES or len(found) >= MAX_FILES:
            break
    return found[:MAX_FILES]


def _rule_files(document: Path, typed: str) -> list[types.CompletionItem]:
    """Rule files a ``use`` may include: those of the document's folder tree, and the
    shipped rule sets (by a path relative to the document)."""
    folder = document.parent
    found = sorted(p for p in _bounded_rules(folder) if p != document)
    shipped = sorted(shipped_rules_dir().glob("*.rules")) + sorted(
        (shipped_rules_dir() / MIGRATIONS).glob("*.rules"))
    items = [types.CompletionItem(p.relative_to(folder).as_posix(),
                                  kind=types.CompletionItemKind.File) for p in found]
    items += [types.CompletionItem(Path(os.path.relpath(p, folder)).as_posix(),
                                   kind=types.CompletionItemKind.File,
                                   detail=f"shipped rule set {p.stem}", filter_text=p.stem)
              for p in shipped if p.resolve() not in {f.resolve() for f in found}]
    return [i for i in items if (i.filter_text or i.label).startswith(typed)
            or i.label.startswith(typed)]
