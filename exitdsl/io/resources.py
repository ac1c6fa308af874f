"""Where the grammar and the shipped rules live, installed or in a checkout.

A wheel carries them under ``exitdsl/_data`` (see pyproject.toml); a checkout or an
editable install finds them at the repository's top level.
"""

from __future__ import annotations

from pathlib import Path

CONFIG_NAME = "exitdsl.yaml"
CONFIG_NAMES = (CONFIG_NAME, "exitdsl.yml")  # before pyproject.toml's [tool.exitdsl], per folder

_PACKAGE = Path(__file__).resolve().parent.parent


def _data_dir(name: str) -> Path:
    packaged = _PACKAGE / "_data" / name
    return packaged if packaged.is_dir() else _PACKAGE.parent / name


def grammar_file() -> Path:
    return _data_dir("grammar") / "exitdsl.lark"


def shipped_rules_dir() -> Path:
    return _data_dir("rules")


MIGRATIONS = "migrations"  # rule sets run only when named (-r freqtrade_v3), not by default


def default_rule_files() -> list[Path]:
    """What runs when no rules are named: the shipped mutation rules, not the migrations."""
    return sorted(shipped_rules_dir().glob("*.rules"))


def rule_path(name: str, base: Path | None = None) -> Path:
    """What a rule argument names: a path (relative to ``base``, default the working
    directory) when it exists, else the shipped ``rules/NAME.rules`` or
    ``rules/migrations/NAME.rules`` when that exists, else the path (whose absence the
    loader reports)."""
    path = (base / name) if base is not None else Path(name)
    shipped = shipped_rule_file(name)
    return shipped if shipped is not None and not path.exists() else path


def shipped_rule_names() -> list[str]:
    """The names ``-r NAME`` accepts for the shipped rule sets (migrations included)."""
    folder = shipped_rules_dir()
    return sorted(p.stem for p in [*folder.glob("*.rules"), *(folder / MIGRATIONS).glob("*.rules")])


def shipped_rule_file(name: str) -> Path | None:
    """The shipped ``rules/NAME.rules`` or ``rules/migrations/NAME.rules``, if any."""
    for shipped in (shipped_rules_dir() / f"{name}.rules",
                    shipped_rules_dir() / MIGRATIONS / f"{name}.rules"):
        if shipped.is_file():
            return shipped
    return None
