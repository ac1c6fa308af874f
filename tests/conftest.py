from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def sketch_rules() -> Path:
    return FIXTURES / "sketch.rules"


def changed_ranges(old: str, new: str) -> list[tuple[int, int]]:
    """[start, end) ranges of ``old`` that differ in ``new`` (via difflib's opcodes)."""
    import difflib

    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [(i1, i2) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal"]
