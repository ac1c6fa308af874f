"""The parsed-rule cache (language/ir_cache.py): data only, exact, and never in the way."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from exitdsl.compiler import ir_cache
from exitdsl.compiler.parse import parse_rules

from .conftest import ROOT


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("EXITDSL_NO_CACHE", raising=False)
    return tmp_path / "cache"


@pytest.mark.parametrize("path", sorted((ROOT / "rules").rglob("*.rules")),
                         ids=lambda p: p.name)
def test_every_shipped_rule_file_comes_back_equal(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    parsed = parse_rules(text, str(path))
    assert ir_cache.load(text, str(path)) is None
    ir_cache.store(parsed, text, str(path))
    assert ir_cache.load(text, str(path)) == parsed
    assert ir_cache.load(text + "\n", str(path)) is None  # other bytes, other key
    assert ir_cache.load(text, str(path) + "x") is None  # spans name the path


def test_a_cache_file_is_data_and_a_bad_one_is_ignored(cache_home: Path) -> None:
    text = "rule r {\n  match `f($x)`\n  set $x = 1\n}\n"
    parsed = parse_rules(text, "r.rules")
    ir_cache.store(parsed, text, "r.rules")
    (entry,) = (cache_home / "exitdsl" / "ir").iterdir()
    data = json.loads(entry.read_text(encoding="utf-8"))
    assert data["@"] == "exitdsl.language.ir.RuleFile"
    data["@"] = "subprocess.Popen"  # a class outside the IR is never built
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert ir_cache.load(text, "r.rules") is None
    entry.write_text("{not json", encoding="utf-8")
    assert ir_cache.load(text, "r.rules") is None


def test_a_warm_run_does_not_import_lark(cache_home: Path) -> None:
    code = ("import sys; from exitdsl.cli import main; main(['apply', '-q', '--check', "
            f"{str(ROOT / 'examples/strategies/template/atr_exit.py')!r}]); "
            "print('lark' in sys.modules)")
    environment = {"XDG_CACHE_HOME": str(cache_home), "PATH": "/usr/bin:/bin"}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=environment, check=False).stdout.strip() for _ in range(2)]
    assert runs == ["True", "False"]
    off = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**environment, "EXITDSL_NO_CACHE": "1"}, check=False)
    assert off.stdout.strip() == "True"


def test_a_change_to_the_code_that_builds_the_ir_changes_the_key(
        cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "ruleset r\n"
    before = ir_cache.key(text, "r.rules")
    monkeypatch.setattr(ir_cache, "code_digest", lambda: "another parser")
    assert ir_cache.key(text, "r.rules") != before


def test_the_code_digest_covers_the_parser_and_every_action(tmp_path: Path) -> None:
    import shutil

    from .conftest import ROOT

    copy = tmp_path / "exitdsl"
    for folder in ("language", "actions", "cli"):
        shutil.copytree(ROOT / "exitdsl" / folder, copy / folder)
    assert ir_cache.code_digest.__wrapped__(copy) == ir_cache.code_digest()
    (copy / "cli" / "apply.py").write_text("# a change outside the IR's making\n")
    assert ir_cache.code_digest.__wrapped__(copy) == ir_cache.code_digest()
    lowering = copy / "actions" / "set_value.py"
    lowering.write_text(lowering.read_text() + "\n# one more line\n")
    assert ir_cache.code_digest.__wrapped__(copy) != ir_cache.code_digest()


def test_the_suite_never_writes_the_users_cache() -> None:
    import os

    folder = Path(os.environ["XDG_CACHE_HOME"]).resolve()
    assert folder != Path.home() / ".cache" and Path.home() / ".cache" not in folder.parents


RULE = "rule r {\n  match `sim(..., stop_loss=$sl, ...)`\n  set $sl = round($sl * 0.8, 4)\n}\n"


def _stored(cache_home: Path) -> Path:
    ir_cache.store(parse_rules(RULE, "r.rules"), RULE, "r.rules")
    (entry,) = (cache_home / "exitdsl" / "ir").iterdir()
    return entry


def test_a_folder_others_can_write_to_is_never_read(cache_home: Path) -> None:
    """Found by attack: a planted entry in a shared cache folder turned x0.8 into x8.0."""
    entry = _stored(cache_home)
    assert ir_cache.load(RULE, "r.rules") is not None
    entry.parent.chmod(0o777)
    assert ir_cache.load(RULE, "r.rules") is None
    entry.unlink()
    ir_cache.store(parse_rules(RULE, "r.rules"), RULE, "r.rules")
    assert not any(entry.parent.iterdir())  # nor written to
    entry.parent.chmod(0o700)


def test_a_symlinked_folder_or_entry_is_never_followed(cache_home: Path, tmp_path: Path) -> None:
    entry = _stored(cache_home)
    planted = tmp_path / "planted"
    planted.mkdir(mode=0o700)
    moved = planted / entry.name
    entry.rename(moved)
    entry.symlink_to(moved)
    assert ir_cache.load(RULE, "r.rules") is None  # the entry is a symlink
    folder = entry.parent
    entry.unlink()
    folder.rmdir()
    folder.symlink_to(planted)
    assert ir_cache.load(RULE, "r.rules") is None  # the folder is a symlink


def test_an_entry_with_a_field_of_the_wrong_type_is_ignored(cache_home: Path) -> None:
    """Found by attack: a well-formed entry with a wrong field type ended every run with
    exit 70; it is now a miss, and the rule file is parsed again."""
    entry = _stored(cache_home)
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["rules"]["@t"][0]["name"] = 3
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert ir_cache.load(RULE, "r.rules") is None
