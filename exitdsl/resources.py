"""Where the grammar and the shipped rules live, installed or in a checkout.

A wheel carries them under ``exitdsl/_data`` (see pyproject.toml); a checkout or an
editable install finds them at the repository's top level.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    packaged = _PACKAGE / "_data" / name
    return packaged if packaged.is_dir() else _PACKAGE.parent / name


def grammar_file() -> Path:
    return _data_dir("grammar") / "exitdsl.lark"


def shipped_rules_dir() -> Path:
    return _data_dir("rules")
