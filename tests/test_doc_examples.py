"""Docs that cannot drift (issue 27, item 4): every shell and Python-session example of
README.md and docs/*.md runs here, and what it prints is compared with what the page shows.

- ```console blocks: each ``$ COMMAND`` runs in bash, in a scratch folder holding a copy of
  ``examples/``; the lines after it, up to the next ``$``, are its output (stdout and stderr
  together). A line ``...`` stands for any number of lines.
- ```pycon blocks run as doctests from the project root.
- ```sh blocks (commands without their output) must run and exit 0.
- A block preceded by ``<!-- doc-test: skip: REASON -->`` is not run (set-up commands that
  .ci/run runs, a server waiting for a client); ``<!-- doc-test: output varies: REASON -->``
  runs it and checks only that it exits 0 (timings).
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"(?:<!-- doc-test: (?P<marker>[^>]*?) -->\n)?^```(?P<lang>console|sh|shell|"
                    r"bash|pycon)\n(?P<body>.*?)^```", re.S | re.M)


@dataclass(frozen=True)
class Example:
    page: Path
    line: int
    lang: str
    body: str
    marker: str

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def examples() -> list[Example]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in _BLOCK.finditer(text):
            line = text.count("\n", 0, block.start("lang")) + 1
            found.append(Example(page, line, block["lang"], block["body"], block["marker"] or ""))
    return found


EXAMPLES = examples()


def test_the_pages_have_examples_and_every_marker_gives_its_reason() -> None:
    assert len([e for e in EXAMPLES if e.lang == "console"]) >= 5
    for example in EXAMPLES:
        if example.marker:
            kind, _, reason = example.marker.partition(":")
            assert kind in ("skip", "output varies") and reason.strip(), example.name


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    shutil.copytree(ROOT / "examples", folder / "examples")
    return folder


def run(command: str, cwd: Path) -> tuple[int, str]:
    bin_dir = str(Path(sys.executable).parent)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"),
           "LANG": "C.UTF-8", "NO_COLOR": "1", "COLUMNS": "100",
           "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"],
           # The checkout under test, not whichever one the environment installed (a git
           # worktree shares its main checkout's editable install).
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    return done.returncode, done.stdout + done.stderr


def same(shown: list[str], printed: list[str]) -> bool:
    """Does ``printed`` fit ``shown``, where a ``...`` line stands for any lines?"""
    if not shown:
        return not printed
    if shown[0] == "...":
        return any(same(shown[1:], printed[i:]) for i in range(len(printed) + 1))
    return bool(printed) and printed[0] == shown[0] and same(shown[1:], printed[1:])


def sessions(body: str) -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], []))
        else:
            assert found, f"output before any command: {line!r}"
            found[-1][1].append(line)
    return found


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_the_example_runs_as_shown(example: Example, scratch: Path) -> None:
    if example.marker.startswith("skip"):
        pytest.skip(example.marker)
    if example.lang == "pycon":
        test = doctest.DocTestParser().get_doctest(example.body, {}, example.name,
                                                   str(example.page), example.line)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        cwd = os.getcwd()
        os.chdir(ROOT)
        try:
            runner.run(test)
        finally:
            os.chdir(cwd)
        assert runner.failures == 0, f"{example.name}: see the doctest output above"
        return
    if example.lang != "console":  # commands without their output: they must succeed
        for command in example.body.splitlines():
            if command.strip() and not command.lstrip().startswith("#"):
                code, output = run(command, scratch)
                assert code == 0, f"{example.name}: {command}\n{output}"
        return
    for command, shown in sessions(example.body):
        code, output = run(command, scratch)
        if example.marker.startswith("output varies"):
            assert code == 0, f"{example.name}: {command}\n{output}"
            continue
        printed = output.splitlines()
        assert same(shown, printed), (f"{example.name}: `{command}` printed:\n" +
                                      "\n".join(printed))
