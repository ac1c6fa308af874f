"""The pre-commit hooks (.pre-commit-hooks.yaml), run by pre-commit itself against a
temporary repository: it installs exitdsl from this checkout into its own environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

GOOD = "rule r {\n  match `f($x)`\n  set $x = 1\n}\ntest r {\n  before ```\nf(2)\n```\n" \
       "  after ```\nf(1)\n```\n}\n"
WRONG_TEST = GOOD.replace("after ```\nf(1)", "after ```\nf(3)")
BAD = "rule r {\n  matchs `f($x)`\n}\n"


def pre_commit() -> list[str]:
    beside = Path(sys.executable).with_name("pre-commit")
    found = str(beside) if beside.exists() else shutil.which("pre-commit")
    if found is None:
        pytest.skip("pre-commit is not installed (the dev extra installs it)")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return [found]


def run_hook(repo: Path, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
                   "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                   "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run([*pre_commit(), "try-repo", str(ROOT), hook, "--files", *files],
                          cwd=repo, capture_output=True, text=True, env=environment,
                          timeout=900)


def test_the_hooks_check_and_test_rule_files(tmp_path: Path) -> None:
    repo = tmp_path / "project"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    for name, text in (("good.rules", GOOD), ("bad.rules", BAD), ("wrong.rules", WRONG_TEST)):
        (repo / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "add", "."], cwd=repo, check=True)

    passed = run_hook(repo, "exitdsl-check", "good.rules", "wrong.rules")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert passed.stdout.splitlines()[-1].startswith("exitdsl check.")
    assert passed.stdout.splitlines()[-1].endswith("Passed")

    failed = run_hook(repo, "exitdsl-check", "good.rules", "bad.rules")
    assert failed.returncode == 1
    assert ("bad.rules:2:3: unknown rule item 'matchs' (did you mean 'match'?); expected one "
            "of tier, weight, match") in failed.stdout

    tested = run_hook(repo, "exitdsl-test", "good.rules", "wrong.rules")
    assert tested.returncode == 1
    assert "FAIL wrong.rules:5: wrong.r\noutput differs from `after`" in tested.stdout
    assert "1 passed, 1 failed" in tested.stdout
