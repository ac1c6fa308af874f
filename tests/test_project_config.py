"""A Python project's own settings: [tool.exitdsl] / exitdsl.yml found upward from the
first path, .gitignore-aware discovery with --exclude / --extend-exclude / --no-ignore,
-v naming the config used."""

from __future__ import annotations

from pathlib import Path

import pytest

from exitdsl import load_config
from exitdsl.cli import main
from exitdsl.errors import RuleError
from exitdsl.io.discover import Exclusions, discover
from exitdsl.compiler.config import find_config

STRATEGY = "report = sim(position, stop_loss=0.05)\n"
RULES = ("bound stop_loss = [0.01, 0.2]\n"
         "rule r { match `sim(..., stop_loss=$v, ...)` set $v = 0.1 }\n")


def project(root: Path, config: str, name: str = "pyproject.toml") -> Path:
    (root / name).write_text(config, encoding="utf-8")
    (root / "house.rules").write_text(RULES, encoding="utf-8")
    strategies = root / "strategies" / "deep"
    strategies.mkdir(parents=True)
    (strategies / "s.py").write_text(STRATEGY, encoding="utf-8")
    return strategies


PYPROJECT = """[project]
name = "quant"

[tool.exitdsl]
rules = ["house.rules"]
tiers = ["parametric"]
seed = 42
extend-exclude = ["archive/"]

[tool.exitdsl.bounds]
stop_loss = [0.02, 0.15]
"""


def test_tool_exitdsl_is_found_upward_from_the_first_path(tmp_path: Path) -> None:
    strategies = project(tmp_path, PYPROJECT)
    config = find_config(None, strategies / "s.py")
    assert config.path == str(tmp_path.resolve() / "pyproject.toml")
    assert (config.seed, config.tiers, config.extend_exclude) == (42, ("parametric",),
                                                                  ("archive/",))
    assert config.rules == (str(tmp_path.resolve() / "house.rules"),)
    assert config.bounds["stop_loss"].values == (0.02, 0.15)
    assert str(config.bounds["stop_loss"].span) == f"{config.path}:11:1"


def test_a_yaml_file_wins_over_pyproject_in_the_same_folder_and_yml_is_read(
        tmp_path: Path) -> None:
    strategies = project(tmp_path, PYPROJECT)
    (tmp_path / "exitdsl.yml").write_text("seed: 7\n", encoding="utf-8")
    assert find_config(None, strategies).seed == 7
    (tmp_path / "strategies" / "pyproject.toml").write_text("[tool.black]\n", encoding="utf-8")
    assert find_config(None, strategies).seed == 7  # no [tool.exitdsl]: searched past


def test_toml_errors_are_located_in_the_toml_file(tmp_path: Path) -> None:
    bad = tmp_path / "pyproject.toml"
    bad.write_text("[tool.exitdsl]\nseed = 1\nrules = 'finlab'\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_config(bad)
    assert info.value.one_line() == f"{bad}:3:9: expected a list of strings"
    bad.write_text("[tool.exitdsl]\nseed = = 1\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_config(bad)
    assert info.value.one_line() == f"{bad}:2:8: config is not valid TOML: Invalid value"


def test_apply_from_a_subfolder_uses_the_project_config_and_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    strategies = project(tmp_path, PYPROJECT)
    monkeypatch.chdir(strategies)
    assert main(["apply", "-v", "-q", "s.py"]) == 0
    captured = capsys.readouterr()
    assert "+report = sim(position, stop_loss=0.1)" in captured.out
    assert captured.err.splitlines() == [
        f"INFO exitdsl: config: {tmp_path.resolve() / 'pyproject.toml'}",
        f"INFO exitdsl: rules: 1 from {tmp_path.resolve() / 'house.rules'}"]


def tree(root: Path) -> Path:
    for relative in ("a.py", "build/gen.py", "env/lib.py", "logs/x.py", "keep/b.py",
                     "keep/old/c.py", ".hidden/d.py", "archive/e.py"):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".gitignore").write_text("env/\nlogs/\n", encoding="utf-8")
    (root / "keep" / ".gitignore").write_text("old/\n", encoding="utf-8")
    return root


def found(root: Path, arguments: list[str], exclusions: Exclusions = Exclusions()) -> list[str]:
    return [str(t.path.relative_to(root)) if hasattr(t, "path") else str(t)
            for t in discover(arguments, exclusions=exclusions)]


def test_discovery_honours_gitignore_files_and_the_default_exclusions(tmp_path: Path) -> None:
    root = tree(tmp_path)
    assert found(root, [str(root)]) == ["a.py", "archive/e.py", "keep/b.py"]
    assert found(root, [str(root / "keep")]) == ["keep/b.py"]  # the root's .gitignore too
    assert found(root, [str(root / "env" / "lib.py")]) == ["env/lib.py"]  # named: processed
    everything = Exclusions(gitignore=False)
    assert found(root, [str(root)], everything) == [
        "a.py", "archive/e.py", "env/lib.py", "keep/b.py", "keep/old/c.py", "logs/x.py"]
    assert found(root, [str(root)], Exclusions(("archive/",))) == [  # a folder's files first
        "a.py", ".hidden/d.py", "build/gen.py", "keep/b.py"]


def test_exclude_options_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path)
    for path in root.rglob("*.py"):
        path.write_text(STRATEGY, encoding="utf-8")
    monkeypatch.chdir(root)

    def changed(*options: str) -> list[str]:
        capsys.readouterr()
        main(["apply", "-q", "--rule", "finlab.stop_loss.jitter", *options, "."])
        return sorted(line[6:] for line in capsys.readouterr().out.splitlines()
                      if line.startswith("--- a/"))

    assert changed() == ["a.py", "archive/e.py", "keep/b.py"]
    assert changed("--extend-exclude", "archive/") == ["a.py", "keep/b.py"]
    assert changed("--no-ignore", "--extend-exclude", "archive/") == [
        "a.py", "env/lib.py", "keep/b.py", "keep/old/c.py", "logs/x.py"]
    assert changed("--exclude", "keep/", "--exclude", "archive") == [
        ".hidden/d.py", "a.py", "build/gen.py"]


def test_config_rules_that_leave_the_project_are_refused_like_includes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Found by attack: `rules: ["/"]` walked the file system and quoted what it found."""
    from exitdsl.cli import main

    project = tmp_path / "project"
    project.mkdir()
    (project / "exitdsl.yaml").write_text('seed: 1\nrules: ["/"]\n', encoding="utf-8")
    (project / "s.py").write_text("report = sim(position, stop_loss=0.1)\n", encoding="utf-8")
    assert main(["apply", str(project)]) == 2
    config = project / "exitdsl.yaml"
    assert capsys.readouterr().err.splitlines() == [
        f"{config}:2:8: the config's rules entry '/' leads out of the config's folder "
        "(--allow-include-anywhere to allow it)",
        '    rules: ["/"]',
        "           ^"]
