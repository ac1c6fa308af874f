"""What the language server says about the language comes from the language's own tables:
the function registry (whose descriptions are docs/dsl.md's, word for word), the grammar
and the action registry."""

from __future__ import annotations

import re

import pytest

from exitdsl.vocabulary.functions import FUNCTIONS, PREDICATES

from .conftest import ROOT

ROWS = re.findall(r"^\| (.+?) \| (.+) \|$", (ROOT / "docs" / "dsl.md").read_text(encoding="utf-8"),
                  re.M)


@pytest.mark.parametrize("entry", [*FUNCTIONS.values(), *PREDICATES.values()],
                         ids=lambda e: f"{type(e).__name__}.{e.name}")
def test_each_functions_doc_is_its_row_of_docs_dsl_md(entry: object) -> None:
    name, doc = getattr(entry, "name"), getattr(entry, "doc")
    assert doc
    # a predicate's row shows it applied to `$x` or NAME or PATTERN; a function's to values
    argument = "[$A-Z]" if entry in PREDICATES.values() else "[a-z]"
    rows = [text for cell, text in ROWS if re.search(rf"`{name}\({argument}", cell)]
    assert rows == [doc]
