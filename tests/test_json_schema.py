"""Every JSON record exitdsl prints validates against docs/exitdsl.schema.json: apply,
verify, test, behave and the mutate lineage, from real runs on the bundled examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exitdsl.cli import main

from .conftest import ROOT

jsonschema = pytest.importorskip("jsonschema", reason="the dev extra installs jsonschema")
SCHEMA = json.loads((ROOT / "docs/exitdsl.schema.json").read_text(encoding="utf-8"))
EXAMPLES = ROOT / "examples/strategies"


def validate(lines: list[str]) -> list[dict[str, object]]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    records = [json.loads(line) for line in lines]
    for record in records:
        errors = sorted(validator.iter_errors(record), key=str)
        assert not errors, f"{record}: {errors[0].message}"
    return records


def printed(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    main(argv)
    return capsys.readouterr().out.splitlines()


def test_apply_records_are_in_file_order_then_source_order_and_end_with_a_summary(
        capsys: pytest.CaptureFixture[str]) -> None:
    records = validate(printed(["apply", "--json", "--seed", "1", "-q", str(EXAMPLES)], capsys))
    assert records[-1]["kind"] == "summary"
    assert [r["kind"] for r in records].count("summary") == 1
    body = [r for r in records[:-1] if r["kind"] != "skips"]
    keys = [(str(r["file"]), int(r.get("line", 0)), int(r.get("col", 0)))  # type: ignore[call-overload]
            for r in body]
    files = [k[0] for k in keys]
    assert files == sorted(files, key=files.index)  # each file's records together
    for name in set(files):
        positions = [k[1:] for k in keys if k[0] == name]
        assert positions == sorted(positions), name
    assert {r["kind"] for r in body} >= {"change", "skip"}
    assert records[-1]["sites"] == sum(r["kind"] == "change" for r in body)


def test_apply_error_and_skips_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("report = sim(position, stop_loss=0.05\n", encoding="utf-8")
    records = validate(printed(["apply", "--json", "--skips", "reasons", "-q", str(bad),
                                str(EXAMPLES / "vectorbt")], capsys))
    assert {r["kind"] for r in records} == {"error", "change", "skips", "summary"}


def test_verify_test_behave_and_lineage_records(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    verify = validate(printed(["verify", "--json", "-r", "template", str(EXAMPLES / "template")],
                              capsys))
    assert [r["kind"] for r in verify][-1] == "summary"
    tests = validate(printed(["test", "--json", str(ROOT / "rules/template.rules")], capsys))
    assert tests[-1] == {"schema": 1, "kind": "summary", "passed": len(tests) - 1, "failed": 0}
    parent = EXAMPLES / "template/atr_exit_long.py"
    assert main(["mutate", "-n", "2", "--out", str(tmp_path / "out"), "-q", "--behaviour",
                 str(parent)]) == 0
    capsys.readouterr()
    lineage = validate((tmp_path / "out/lineage.jsonl").read_text(encoding="utf-8").splitlines())
    assert [r["kind"] for r in lineage] == ["child", "child"]
    children = sorted(str(p) for p in (tmp_path / "out").rglob("*.py"))
    verdicts = validate(printed(["behave", "--json", str(parent), *children], capsys))
    assert [r["kind"] for r in verdicts] == ["verdict", "verdict", "summary"]


def test_the_schema_rejects_drift() -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    good = {"schema": 1, "kind": "skip", "file": "s.py", "rule": "r", "line": 1, "col": 1,
            "reason": "left alone"}
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "schema": 2})
    assert not validator.is_valid({**good, "id": "r@<module>#00000000.0"})  # a second name
    assert not validator.is_valid({k: v for k, v in good.items() if k != "reason"})
