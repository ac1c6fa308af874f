"""The language's keywords, read from the grammar's own tables (never a copied list): the
declarations of a file, the items of a rule, invariant and test, and each one's forms
(``set $capture = VALUE``), with the action registry's description of an action."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache

import lark

from ..actions.registry import kind_for_alias
from ..language import grammar

# Where in a file a keyword goes -> the grammar rules whose first words are its keywords.
PLACES = {"top": ("item",), "rule": ("rule_item",), "invariant": ("invariant_item",),
          "test": ("test_decl", "test_seed", "test_outcome")}

# How a form shows a terminal that is not a keyword.
_SHOWN = {"CAPTURE": "$capture", "PATTERN": "`pattern`", "STRING": '"text"', "INT": "N",
          "CODE_BLOCK": "```code```", "RULE_ID": "ID", "REGEX": "/regex/"}


@dataclass(frozen=True)
class Keyword:
    word: str
    forms: tuple[str, ...]  # each way the grammar lets it be written
    doc: str = ""  # an action's description (its module's docstring)


@lru_cache(maxsize=1)
def _tables() -> tuple[list[lark.grammar.Rule], dict[str, str]]:
    parser = grammar.load()
    literal = {t.name: t.pattern.value for t in parser.terminals if t.pattern.type == "str"}
    return list(parser.rules), literal


@lru_cache(maxsize=None)
def keywords(place: str) -> tuple[Keyword, ...]:
    """The keywords that start an item at ``place`` (one of PLACES), in grammar order."""
    rules, literal = _tables()
    found: dict[str, tuple[list[str], list[str]]] = {}
    for rule in rules:
        if rule.origin.name not in PLACES[place]:
            continue
        for expansion in _expansions(rule, rules):
            words = [_shown(s, literal) for s in expansion]
            first = expansion[0] if expansion else None
            if first is None or not first.is_term or first.name not in literal \
                    or (place == "test" and words[0] == "test"):
                continue
            forms, docs = found.setdefault(words[0], ([], []))
            form = " ".join(words)
            if form not in forms:
                forms.append(form)
            doc = _action_doc(rule.alias)
            if doc and doc not in docs:
                docs.append(doc)
    if place == "test":  # the items inside a test's braces: after `{`
        found = {w: v for w, v in found.items() if w in _inside_test(rules, literal)}
    # a declaration's first form is its fullest (the grammar lists optional parts first)
    return tuple(Keyword(word, tuple(forms[:1] if place == "top" else forms), "\n\n".join(docs))
                 for word, (forms, docs) in found.items())


def _expansions(rule: lark.grammar.Rule, rules: list[lark.grammar.Rule]
                ) -> list[list[lark.grammar.Symbol]]:
    """The rule's expansion, or for a top-level ``item`` (one declaration), the
    declaration's own expansions; ``test_decl`` is split at its ``{``."""
    if rule.origin.name == "item":
        declaration = rule.expansion[0].name
        return [list(r.expansion) for r in rules if r.origin.name == declaration]
    if rule.origin.name == "test_decl":
        names = [s.name for s in rule.expansion]
        brace = names.index("LBRACE") if "LBRACE" in names else 0
        return [list(rule.expansion)[brace + 1:brace + 3], list(rule.expansion)]
    return [list(rule.expansion)]


def _inside_test(rules: list[lark.grammar.Rule], literal: dict[str, str]) -> set[str]:
    inside = {"before"} | {literal[r.expansion[0].name] for r in rules
                           if r.origin.name in ("test_seed", "test_outcome")}
    return {word for word in inside if word}


def _shown(symbol: lark.grammar.Symbol, literal: dict[str, str]) -> str:
    if symbol.is_term:
        return literal.get(symbol.name) or _SHOWN.get(symbol.name, symbol.name)
    if symbol.name.startswith("__"):  # a repetition lark made of `(...)*`
        return "..."
    return {"expr": "VALUE", "set_value": "VALUE"}.get(symbol.name, symbol.name.upper())


def _action_doc(alias: str | None) -> str:
    kind = kind_for_alias(alias) if alias else None
    module = sys.modules.get(type(kind).__module__) if kind is not None else None
    return " ".join((module.__doc__ or "").split()) if module is not None else ""
