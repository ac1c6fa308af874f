"""The grammar is data: it must build with lark's strict mode (no terminal collisions,
no shift/reduce conflicts resolved silently), as parse.py promises."""

from __future__ import annotations

import lark

from exitdsl.io.resources import grammar_file


def test_grammar_builds_in_strict_mode() -> None:
    parser = lark.Lark(grammar_file().read_text(encoding="utf-8"), parser="lalr", strict=True,
                       maybe_placeholders=True)
    tree = parser.parse('ruleset r "doc"\nbound b = [0.1, 0.2]\n'
                        'rule x.y { match `f($a)` where number($a) set $a = clamp($a * 2, b) }\n')
    assert [child.data for child in tree.children] == ["ruleset_decl", "bound_decl",
                                                       "rule_decl"]
