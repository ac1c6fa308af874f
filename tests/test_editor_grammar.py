"""editors/exitdsl.tmLanguage.json covers the language: every shipped rule file and every
rules example of docs/dsl.md tokenises with no `invalid` scope, by a small TextMate
tokenizer (earliest match wins, ties to the first pattern; begin/end regions span lines)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from .conftest import ROOT

GRAMMAR = json.loads((ROOT / "editors/exitdsl.tmLanguage.json").read_text(encoding="utf-8"))
Token = tuple[str, str]  # scope, text


def _rules(patterns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    repository = GRAMMAR["repository"]
    return [repository[p["include"][1:]] if "include" in p else p for p in patterns]


def _earliest(rules: list[dict[str, Any]], line: str, pos: int
              ) -> tuple[dict[str, Any], re.Match[str]] | None:
    best: tuple[dict[str, Any], re.Match[str]] | None = None
    for rule in rules:
        found = re.compile(rule.get("match") or rule["begin"]).search(line, pos)
        if found and (best is None or found.start() < best[1].start()):
            best = (rule, found)
    return best


def _matched(rule: dict[str, Any], found: re.Match[str]) -> list[Token]:
    captures = rule.get("captures")
    if not captures:
        return [(rule.get("name", ""), found[0])]
    return [(captures[str(n)]["name"], found[n]) for n in range(1, (found.lastindex or 0) + 1)
            if str(n) in captures and found[n]]


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    top = _rules(GRAMMAR["patterns"])
    region: dict[str, Any] | None = None
    for line in text.split("\n"):
        pos = 0
        while pos < len(line):
            if region is not None:
                end = re.compile(region["end"]).search(line, pos)
                inner = _earliest(region.get("patterns", []), line, pos)
                if inner and (end is None or inner[1].start() < end.start()):
                    if inner[1].start() > pos:
                        tokens.append((region["name"], line[pos:inner[1].start()]))
                    tokens += _matched(*inner)
                    pos = inner[1].end()
                elif end is not None:
                    tokens.append((region["name"], line[pos:end.end()]))
                    pos, region = end.end(), None
                else:
                    tokens.append((region["name"], line[pos:]))
                    break
                continue
            found = _earliest(top, line, pos)
            if found is None:
                gap = line[pos:]
                assert not gap.strip(), f"not tokenised: {gap!r}"
                break
            rule, match = found
            gap = line[pos:match.start()]
            assert not gap.strip(), f"not tokenised: {gap!r} in {line!r}"
            if "begin" in rule:
                tokens.append((rule["name"], match[0]))
                region = rule
            else:
                tokens += _matched(rule, match)
            pos = max(match.end(), pos + 1)
    return tokens


def sources() -> list[tuple[str, str]]:
    shipped = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "rules").glob("*.rules"))]
    block = re.compile(r"^(````|```)rules\n(.*?)^\1$", re.S | re.M)
    doc = (ROOT / "docs/dsl.md").read_text(encoding="utf-8")
    examples = [(f"docs/dsl.md example {n}", m[2]) for n, m in enumerate(block.finditer(doc))]
    return shipped + examples


@pytest.mark.parametrize(("name", "text"), sources(), ids=[n for n, _ in sources()])
def test_the_grammar_tokenises_real_rule_files_without_invalid_tokens(name: str,
                                                                      text: str) -> None:
    invalid = [t for t in tokenize(text) if "invalid" in t[0]]
    assert not invalid, invalid[:5]


def test_the_scopes_of_one_rule() -> None:
    text = ('rule stop_loss.jitter {  # a comment\n  tier parametric\n'
            '  match `sim(..., stop_loss=$sl, ...)`\n  where $sl ~ /^0\\.\\d+$/ and $sl > 0.01\n'
            '  set $sl = clamp($sl, stop_loss)\n}\n')
    assert [t for t in tokenize(text) if t[0] != "punctuation.separator.exitdsl"] == [
        ("keyword.declaration.exitdsl", "rule"), ("entity.name.function.exitdsl",
                                                  "stop_loss.jitter"),
        ("comment.line.number-sign.exitdsl", "# a comment"),
        ("keyword.control.exitdsl", "tier"), ("variable.other.exitdsl", "parametric"),
        ("keyword.control.exitdsl", "match"),
        ("string.quoted.other.pattern.exitdsl", "`"), ("string.quoted.other.pattern.exitdsl",
                                                       "sim("),
        ("keyword.other.ellipsis.exitdsl", "..."),
        ("string.quoted.other.pattern.exitdsl", ", stop_loss="),
        ("variable.other.capture.exitdsl", "$sl"),
        ("string.quoted.other.pattern.exitdsl", ", "), ("keyword.other.ellipsis.exitdsl", "..."),
        ("string.quoted.other.pattern.exitdsl", ")`"),
        ("keyword.control.exitdsl", "where"), ("variable.other.capture.exitdsl", "$sl"),
        ("keyword.operator.match.exitdsl", "~"), ("string.regexp.exitdsl", "/^0\\.\\d+$/"),
        ("keyword.control.exitdsl", "and"), ("variable.other.capture.exitdsl", "$sl"),
        ("keyword.operator.exitdsl", ">"), ("constant.numeric.exitdsl", "0.01"),
        ("keyword.control.exitdsl", "set"), ("variable.other.capture.exitdsl", "$sl"),
        ("keyword.operator.exitdsl", "="), ("support.function.exitdsl", "clamp"),
        ("variable.other.capture.exitdsl", "$sl"), ("variable.other.exitdsl", "stop_loss")]


def test_a_stray_character_is_invalid() -> None:
    assert ("invalid.illegal.exitdsl", "@") in tokenize("rule r { @ }\n")


def test_every_keyword_of_the_grammar_is_highlighted() -> None:
    """The editor grammar's keywords are checked against grammar/exitdsl.lark, the one
    source of the language's words: a keyword added to the grammar fails here until the
    editor knows it."""
    words = set(re.findall(r'"([a-z_]+)"', (ROOT / "grammar/exitdsl.lark").read_text("utf-8")))
    repository = GRAMMAR["repository"]
    highlighted = set(re.findall(r"[a-z_]+", repository["keyword"]["match"])) \
        | set(re.findall(r"[a-z_]+", repository["declaration"]["match"]))
    assert words - highlighted == set()
