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


def test_committed_parser_tables_match_the_grammar() -> None:
    """grammar/exitdsl.lalr.json was built from this grammar (lark numbers its states
    differently from run to run, so the stamp, not the bytes, is compared). After editing
    the grammar, regenerate it:
    python -c "from exitdsl.language.grammar import write_tables; write_tables()"
    """
    import json

    from exitdsl.language import grammar

    text = grammar_file().read_text(encoding="utf-8")
    committed = json.loads(grammar.tables_file().read_text(encoding="utf-8"))
    assert committed["stamp"]["grammar_sha256"] == grammar.stamp(text)["grammar_sha256"]


def test_the_tables_parse_like_the_grammar() -> None:
    from exitdsl.language import grammar

    loaded = grammar.load()
    assert loaded.source_path == "<deserialized>"  # from the tables, not rebuilt
    built = grammar.build(grammar_file().read_text(encoding="utf-8"))
    texts = [p.read_text(encoding="utf-8")
             for p in sorted((grammar_file().parent.parent / "rules").glob("*.rules"))]
    assert len(texts) >= 6
    for text in texts:
        assert loaded.parse(text) == built.parse(text)
