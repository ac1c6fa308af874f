"""Hostile inputs (issue 8): every case has an exact outcome; nothing is lost, nothing crashes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from exitdsl import Engine, RuleError, load_rules
from exitdsl.cli import main

from .conftest import ROOT

RULES = """\
ruleset t
rule widen { match `sim(..., stop_loss=$sl, ...)` where number($sl) set $sl = $sl * 2 }
"""
LINE = "report = sim(position, stop_loss=0.05)"
NEW = "report = sim(position, stop_loss=0.1)"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "t.rules"
    path.write_text(RULES)
    return path


def apply(rules: Path, *paths: Path, extra: tuple[str, ...] = ("--in-place",),
          capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["apply", "-r", str(rules), *extra, "-q", *map(str, paths)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("name, data, expected", [
    ("bom.py", b"\xef\xbb\xbf" + LINE.encode() + b"\n", b"\xef\xbb\xbf" + NEW.encode() + b"\n"),
    ("crlf.py", b"# a\r\n" + LINE.encode() + b"\r\nx = 1\r\n",
     b"# a\r\n" + NEW.encode() + b"\r\nx = 1\r\n"),
    ("mixed.py", b"# a\r\n" + LINE.encode() + b"\nx = 1\r\n",
     b"# a\r\n" + NEW.encode() + b"\nx = 1\r\n"),
    ("cr_only.py", b"# a\r" + LINE.encode() + b"\rx = 1\r",
     b"# a\r" + NEW.encode() + b"\rx = 1\r"),
    ("tabs.py", b"def f():\n\tif True:\n\t\t" + LINE.encode() + b"\n",
     b"def f():\n\tif True:\n\t\t" + NEW.encode() + b"\n"),
    ("formfeed.py", b"x = 1\n\x0c\n" + LINE.encode() + b"\n", b"x = 1\n\x0c\n" + NEW.encode() + b"\n"),
    ("no_newline.py", LINE.encode(), NEW.encode()),
    ("latin1.py", b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + LINE.encode() + b"  # \xe9t\xe9\n",
     b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + NEW.encode() + b"  # \xe9t\xe9\n"),
    ("unicode.py", "# 動能\n價格 = 1\n".encode() + LINE.encode() + "  # 停損\n".encode(),
     "# 動能\n價格 = 1\n".encode() + NEW.encode() + "  # 停損\n".encode()),
    ("empty.py", b"", b""),
])
def test_rewritten_with_bytes_encoding_and_line_endings_kept(
        name: str, data: bytes, expected: bytes, rules: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert apply(rules, path, capsys=capsys) == (0, "")
    assert path.read_bytes() == expected


@pytest.mark.parametrize("name, data, message", [
    ("syntax.py", b"x = (\n" + LINE.encode() + b"\n", "1:5: not valid Python: '(' was never closed"),
    ("latin1_undeclared.py", b"# caf\xe9\n" + LINE.encode() + b"\n",
     "1:6: cannot decode as utf-8: byte 0xe9 (add a PEP 263 coding declaration?)"),
    ("binary.py", b"\x7fELF\x00\x01" + LINE.encode(), "1:1: binary file (contains NUL bytes)"),
    ("bad_cookie.py", b"# -*- coding: klingon -*-\n" + LINE.encode() + b"\n",
     "1:1: bad coding declaration: unknown encoding: klingon"),
    ("deep.py", b"x = " + b"+".join([b"a"] * 30000) + b"\n" + LINE.encode() + b"\n",
     "1:1: cannot parse: maximum recursion depth exceeded during ast construction"),
])
def test_bad_file_is_reported_and_left_untouched(name: str, data: bytes, message: str,
                                                 rules: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    good = tmp_path / "zz_good.py"
    good.write_text(LINE + "\n")
    code, err = apply(rules, tmp_path, capsys=capsys)
    assert code == 3
    shown = message.replace("./", f"{tmp_path}/")
    assert err.splitlines() == [f"{path}:{shown}"]
    assert path.read_bytes() == data
    assert good.read_text() == NEW + "\n"  # the run went on


def test_python_312_syntax(rules: Path, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    source = ('type Price = float\n\ndef pick[T](xs: list[T]) -> T:\n    return xs[0]\n\n'
              'label = f"{f"{stop:.2f}"}"\n' + LINE + "\n")
    path = tmp_path / "modern.py"
    path.write_text(source)
    code, err = apply(rules, path, capsys=capsys)
    if sys.version_info >= (3, 12):
        assert (code, err) == (0, "")
        assert path.read_text() == source.replace(LINE, NEW)
    else:  # the running Python is the judge of what is Python
        assert code == 3
        if sys.version_info[:2] == (3, 11):
            assert err == f"{path}:6:21: not valid Python: invalid decimal literal\n"
        assert err.startswith(f"{path}:") and "not valid Python" in err
        assert path.read_text() == source


def test_fifty_thousand_lines(rules: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    body = "".join(f"feature_{i} = close.rolling({i % 50 + 2}).mean()  # f{i}\n"
                   for i in range(50_000))
    path = tmp_path / "huge.py"
    path.write_text(body + LINE + "\n")
    assert apply(rules, path, capsys=capsys) == (0, "")
    assert path.read_text() == body + NEW + "\n"


def test_symlinks_are_written_through_and_loops_do_not_trap(
        rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "tree"
    (tree / "shared").mkdir(parents=True)
    real = tree / "shared" / "real.py"
    real.write_text(LINE + "\n")
    (tree / "link.py").symlink_to(real)
    (tree / "loop").symlink_to(tree, target_is_directory=True)
    outside = tmp_path / "outside.py"
    outside.write_text(LINE + "\n")
    (tree / "out.py").symlink_to(outside)
    code, err = apply(rules, tree, capsys=capsys)
    assert code == 3
    assert err.splitlines() == [f"exitdsl: {tree / 'out.py'}: a symbolic link out of the "
                                "folder being walked; left alone (name the file itself to "
                                "process it)"]
    assert (tree / "link.py").is_symlink()
    assert real.read_text() == NEW + "\n"  # once, through the link or the file
    assert outside.read_text() == LINE + "\n"  # found attack: rewritten through the tree
    code, _ = apply(rules, tree / "out.py", capsys=capsys)  # named: followed, as documented
    assert code == 0 and outside.read_text() == NEW + "\n"


def test_a_folder_with_an_undecodable_name_is_walked(
        rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Found by attack: an empty folder named with a non-UTF-8 byte stopped the whole run
    with exit 70 before any file was processed."""
    tree = tmp_path / "tree"
    tree.mkdir()
    os.mkdir(os.fsencode(tree) + b"/bad\xff")
    (tree / "s.py").write_text(LINE + "\n")
    code, _ = apply(rules, tree, capsys=capsys)
    assert code == 0 and (tree / "s.py").read_text() == NEW + "\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "secret.py"
    path.write_text(LINE + "\n")
    path.chmod(0)
    code, err = apply(rules, path, capsys=capsys)
    assert (code, err) == (3, f"{path}:1:1: cannot read: Permission denied\n")


def test_file_changed_during_the_run_is_not_overwritten(
        rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from exitdsl import engine as engine_module

    path = tmp_path / "busy.py"
    path.write_text(LINE + "\n")
    original_rewrite = engine_module.Engine.rewrite

    def rewrite_while_someone_edits(self: object, *args: object, **kwargs: object) -> object:
        result = original_rewrite(self, *args, **kwargs)  # type: ignore[arg-type]
        path.write_text("# edited by someone else\n" + LINE + "\n")
        return result

    monkeypatch.setattr(engine_module.Engine, "rewrite", rewrite_while_someone_edits)
    code, err = apply(rules, path, capsys=capsys)
    assert (code, err) == (3, f"{path}: changed while exitdsl was running; not written\n")
    assert path.read_text() == "# edited by someone else\n" + LINE + "\n"


@pytest.mark.parametrize("regex", ["^((a)+)+$", "^(a|a)+$", "(a+)+$", "(\\w*)*x"])
def test_regexes_that_backtrack_in_python_run_in_linear_time(regex: str, tmp_path: Path) -> None:
    """RE2 matches in time linear in the text: patterns that take Python's `re` longer than
    the age of the universe on 60 characters finish at once (this test would hang)."""
    path = tmp_path / "r.rules"
    path.write_text("rule r { match `$n = $v` where $n ~ /" + regex + "/ set $v = 2 }\n")
    engine = Engine(load_rules(path))
    name = "a" * 60 + "b"
    assert engine.rewrite(f"{name} = 1\n").new_source == f"{name} = 1\n"
    assert engine.rewrite("aaaa = 1\n").new_source == ("aaaa = 1\n" if "x" in regex
                                                        else "aaaa = 2\n")


@pytest.mark.parametrize("text, message", [
    ("rule r { match `f(" + "$a, " * 3000 + "...)` set $a = 1 }", None),
])
def test_rule_resource_limits(text: str, message: str | None, tmp_path: Path) -> None:
    path = tmp_path / "r.rules"
    path.write_text(text)
    if message is None:  # a huge pattern compiles (or fails) in bounded time, with a location
        try:
            load_rules(path)
        except RuleError as exc:
            assert exc.span is not None
        return
    with pytest.raises(RuleError) as info:
        load_rules(path)
    assert info.value.one_line() == f"{path}:{message}"


def test_include_depth_is_bounded(tmp_path: Path) -> None:
    for number in range(20):
        (tmp_path / f"f{number}.rules").write_text(f'use "f{number + 1}.rules"\n')
    (tmp_path / "f20.rules").write_text("")
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path / "f0.rules")
    assert info.value.one_line() == f"{tmp_path / 'f15.rules'}:1:5: includes nest deeper than " \
                                    "16 files"


def test_many_wildcards_against_a_huge_call_are_bounded(tmp_path: Path) -> None:
    from exitdsl import Engine

    path = tmp_path / "r.rules"
    path.write_text("rule r { match `f(..., $a, ..., $b, ..., $c, ...)` where number($c) "
                    "set $c = 0 }")
    source = "f(" + ", ".join(str(i + 1) for i in range(400)) + ")\n"
    result = Engine(load_rules(path)).rewrite(source)
    assert result.sites == 1000  # MAX_SOLUTIONS: the rest are ignored, not enumerated


def test_odd_but_valid_code_prints_no_python_warnings(rules: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Found by fuzzing: CPython's SyntaxWarnings on strategy code leaked into the output."""
    import warnings

    path = tmp_path / "odd.py"
    path.write_text('x = 1()\npattern = "\\d+"\n' + LINE + "\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert apply(rules, path, capsys=capsys) == (0, "")
    assert [w for w in caught if issubclass(w.category, SyntaxWarning)] == []
    assert path.read_text().endswith(NEW + "\n")


def _run(command: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A shell pipeline with the installed command, from the repository root."""
    return subprocess.run(["bash", "-c", f"set -o pipefail; {command}"], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, **env},
                          timeout=120)


@pytest.mark.parametrize("command", ["apply {tree} --seed 1", "apply {tree} --json",
                                     "check rules/", "verify {tree}"])
def test_a_reader_that_goes_away_ends_the_run_quietly(command: str, tmp_path: Path) -> None:
    """Outputs larger than a pipe's buffer end with exit 141 and nothing on stderr; small
    ones may finish writing before the reader leaves (exit 0)."""
    example = ROOT / "examples/strategies/finlab/revenue_breakout.py"
    for number in range(150):
        (tmp_path / f"s{number:03}.py").write_bytes(example.read_bytes())
    exe = Path(sys.executable).parent / "exitdsl"
    done = _run(f"{exe} {command.format(tree=tmp_path)} | head -c 1 > /dev/null")
    assert done.returncode in ((141,) if command.startswith("apply") else (0, 141)), done.stderr
    assert done.stderr == ""


def test_an_ascii_only_output_gets_escapes_not_a_crash(tmp_path: Path) -> None:
    strategy = tmp_path / "s.py"
    strategy.write_text("# 停損 (stop loss)\nreport = sim(position, stop_loss=0.1)\n",
                        encoding="utf-8")
    exe = Path(sys.executable).parent / "exitdsl"
    done = _run(f"{exe} apply -r finlab {strategy} --seed 1", PYTHONIOENCODING="ascii")
    assert done.returncode == 0, done.stderr
    assert " # \\u505c\\u640d (stop loss)\n" in done.stdout


def test_an_internal_error_is_one_line_and_exit_70(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from exitdsl.cli import apply

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(apply, "discover", broken)
    assert main(["apply", str(ROOT / "examples")]) == 70
    err = capsys.readouterr().err
    assert err == ("exitdsl: internal error: RuntimeError: simulated bug (please report this, "
                   "with the command and input that caused it)\n")


def test_an_output_folder_that_is_a_file_is_one_line(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    assert main(["mutate", str(ROOT / "examples/strategies/finlab"), "--out", str(blocker),
                 "-q"]) == 3
    assert capsys.readouterr().err == f"exitdsl: File exists: {blocker}\n"


@pytest.mark.parametrize("text, message", [
    ('use "../../../../etc/shadow"\n',
     "1:5: an include must be a .rules file, not '../../../../etc/shadow'"),
    ('use "../outside.rules"\n', "1:5: include '../outside.rules' is outside the folder of the "
                                 "file that includes it (--allow-include-anywhere to allow it)"),
    ('use "\\u0000x.rules"\n', "1:5: rule file '{dir}/\\x00x.rules': cannot resolve: embedded "
                               "null byte"),
    ("rule r { match `x = $v` set $v = 1e309 }\n",
     "1:34: number 1e309 is out of range (at most 1e+100 in size)"),
    ("rule r { match `x = $v` set $v = " + "9" * 400 + " }\n",
     "1:34: number 99999999999999999999... is out of range (at most 1e+100 in size)"),
])
def test_hostile_rule_files_are_located_errors(text: str, message: str, tmp_path: Path) -> None:
    (tmp_path / "outside.rules").write_text("bound x = [0, 1]\n")
    folder = tmp_path / "rules"
    folder.mkdir()
    path = folder / "r.rules"
    path.write_text(text)
    with pytest.raises(RuleError) as info:
        load_rules(path)
    assert info.value.one_line() == f"{path}:" + message.format(dir=folder)


def test_a_file_not_named_rules_is_never_quoted(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:$6$hash:19000:0:99999:7:::\n")
    assert main(["check", str(secret)]) == 2
    assert capsys.readouterr().err == (f"{secret}:1:1: not valid rule syntax here (the file is "
                                       "not named *.rules, so its text is not shown)\n")


@pytest.mark.parametrize("name, text", [
    ("deep.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n"),
])
def test_deep_configs_are_located_errors(name: str, text: str, tmp_path: Path) -> None:
    from exitdsl import load_config

    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(RuleError) as info:
        load_config(path)
    assert info.value.one_line() == f"{path}:1:1: config nested too deeply"


def test_arithmetic_that_overflows_skips_the_site(tmp_path: Path) -> None:
    huge = "1" + "0" * 400
    path = tmp_path / "r.rules"
    path.write_text('rule big { match `params.get("stop_atr_mult", $v)` where number($v) '
                    "set $v = round($v * gauss(1, 0.1), 2) }\n"
                    "rule far { match `sim(..., stop_loss=$v, ...)` set $v = $v * 1e90 * 1e90 }\n"
                    "rule cond { match `sim(..., stop_loss=$v, ...)`\n"
                    "  where $v * 0.5 < 1\n  set $v = 1 }\n")
    source = (f'x = params.get("stop_atr_mult", {huge})\nr = sim(p, stop_loss=0.1)\n'
              f"r = sim(p, stop_loss={huge})\n")
    result = Engine(load_rules(path)).rewrite(source)
    assert result.new_source == source.replace("stop_loss=0.1", "stop_loss=1.0")
    assert [(s.rule, s.line, s.reason) for s in result.skips] == [
        ("r.big", 1, "the new value cannot be computed: int too large to convert to float"),
        ("r.far", 2, "computed value is out of range (more than 1e+100)"),
        ("r.far", 3, "the new value cannot be computed: int too large to convert to float"),
        ("r.cond", 3, "left alone: where $v * 0.5 < 1 cannot be evaluated: int too large to "
                      "convert to float")]


def test_a_huge_statement_is_left_alone_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "r.rules"
    path.write_text("rule r { match `sim(..., stop_loss=$v, ...)` set $v = 0.2 }\n")
    weights = ", ".join(["0.001"] * 40_000)
    source = f"report = sim(position, stop_loss=0.1, weights=[{weights}])\n"
    result = Engine(load_rules(path)).rewrite(source)
    assert result.new_source == source
    assert [s.reason for s in result.skips] == [
        f"its statement spans {len(source):,} characters; statements over 200,000 are left "
        "alone"]


def test_a_newline_in_a_file_name_cannot_forge_a_diff_header(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Found by attack: `patch -p0` would then have patched another file."""
    from exitdsl.cli import main

    name = "evil\n+++ other.py"
    (tmp_path / name).write_text("report = sim(position, stop_loss=0.1)\n", encoding="utf-8")
    main(["apply", "-r", "finlab", "--rule", "finlab.stop_loss.widen", str(tmp_path / name),
          "--seed", "1", "-q"])
    out = capsys.readouterr().out
    headers = [line for line in out.splitlines() if line.startswith(("---", "+++"))]
    assert len(headers) == 2
    assert all(line.endswith('evil\\n+++ other.py"') for line in headers)
    assert headers[0].startswith('--- "a/')


def test_control_characters_in_names_never_reach_the_terminal_raw(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from exitdsl.cli import main

    name = "bad\x1b[2Jname.py"
    (tmp_path / name).write_text("report = sim(position,\n", encoding="utf-8")
    main(["apply", str(tmp_path / name), "-q"])
    err = capsys.readouterr().err
    assert "\x1b" not in err and "bad\\x1b[2Jname.py:" in err


def test_control_characters_in_rule_descriptions_are_escaped_in_check_and_docs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from exitdsl.cli import main

    rules = tmp_path / "evil.rules"
    rules.write_text('rule stop.double {\n  "Doubles \x1b[31mred\x1b[0m stops."\n'
                     "  tier parametric\n  match `sim(..., stop_loss=$v, ...)`\n"
                     "  where number($v)\n  set $v = $v * 2\n}\n", encoding="utf-8")
    assert main(["check", str(rules)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "evil.stop.double  [parametric, weight 1]  Doubles \\x1b[31mred\\x1b[0m stops.")
    assert main(["docs", str(rules), "--out", str(tmp_path / "docs")]) == 0
    page = (tmp_path / "docs/evil.md").read_text(encoding="utf-8")
    assert "\x1b" not in page and "| Doubles \\x1b[31mred\\x1b[0m stops. |" in page


def test_json_output_is_valid_utf8_whatever_the_file_names(
        rules: Path, tmp_path: Path) -> None:
    """Found by attack: a non-UTF-8 file name was written as raw bytes into --json."""
    import json
    import subprocess
    import sys

    tree = tmp_path / "tree"
    tree.mkdir()
    name = os.fsencode(tree) + b"/bad\xffname.py"
    with open(name, "w", encoding="utf-8") as handle:
        handle.write(LINE + "\n")
    done = subprocess.run([sys.executable, "-m", "exitdsl", "apply", "-r", str(rules), "--json",
                           str(tree)], capture_output=True, timeout=120, check=False)
    records = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    changed = [r for r in records if r["kind"] == "change"]
    assert changed and changed[0]["file"].endswith("bad\\xffname.py")
