"""Files as an attacker or a busy machine presents them (issue 12): only regular files are
read, one file is processed once whatever its paths, concurrent in-place runs lose no
update, and ownership, mode and links are kept or refused, never silently broken."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from exitdsl.cli import main

DOUBLE = "rule d { match `sim(..., stop_loss=$v, ...)` set $v = $v * 2 }\n"
TRIPLE = "rule t { match `sim(..., take_profit=$v, ...)` set $v = $v * 3 }\n"
STRATEGY = "report = sim(position, stop_loss=0.05, take_profit=0.2)\n"
EXE = str(Path(sys.executable).parent / "exitdsl")


def rules(tmp_path: Path, text: str = DOUBLE, name: str = "d.rules") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=timeout)


def test_a_fifo_in_a_tree_is_reported_not_waited_for(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.py").write_text(STRATEGY)
    os.mkfifo(tree / "b.py")
    done = run("apply", "-r", str(rules(tmp_path)), "--in-place", "-q", str(tree))
    assert done.returncode == 3
    assert done.stderr == (f"{tree / 'b.py'}:1:1: not a regular file (a FIFO, device, socket "
                           "or directory); not read\n")
    assert (tree / "a.py").read_text() == STRATEGY.replace("0.05", "0.1")


@pytest.mark.parametrize("option", ["-r", "--config"])
def test_a_fifo_as_rule_file_or_config_is_an_error(option: str, tmp_path: Path) -> None:
    fifo = tmp_path / "x.rules"
    os.mkfifo(fifo)
    (tmp_path / "s.py").write_text(STRATEGY)
    done = run("apply", option, str(fifo), str(tmp_path / "s.py"))
    assert done.returncode == 2
    expected = f"rule file '{fifo}': not a regular file" if option == "-r" else \
        f"{fifo}:1:1: not a regular file"  # a config's problem is located at the config
    assert done.stderr.startswith(expected)


def test_an_include_that_is_a_fifo_is_located(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "shared.rules")
    main_rules = rules(tmp_path, 'use "shared.rules"\n' + DOUBLE, "main.rules")
    (tmp_path / "s.py").write_text(STRATEGY)
    done = run("apply", "-r", str(main_rules), str(tmp_path / "s.py"))
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        f"{main_rules}:1:5: rule file '{tmp_path / 'shared.rules'}': not a regular file "
        "(a FIFO, device, socket or directory); not read")


def test_a_link_to_a_device_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "z.py").symlink_to("/dev/zero")
    done = run("apply", "-r", str(rules(tmp_path)), str(tmp_path))
    assert done.returncode == 3  # in a walked folder, a link out of it is left alone
    assert "z.py: a symbolic link out of the folder being walked" in done.stderr
    done = run("apply", "-r", str(rules(tmp_path)), str(tmp_path / "z.py"))
    assert done.returncode == 3  # named, it is followed, and the device is refused
    assert "z.py:1:1: not a regular file" in done.stderr


def test_a_strategy_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.py"
    big.write_text(STRATEGY + "#" * 10_000_001 + "\n")
    done = run("apply", "-r", str(rules(tmp_path)), "--in-place", str(big))
    assert done.returncode == 3
    assert f"{big}:1:1: larger than 10,000,000 bytes; not read" in done.stderr


def test_one_file_by_two_paths_is_rewritten_once(tmp_path: Path) -> None:
    tree = tmp_path / "dup"
    tree.mkdir()
    (tree / "a.py").write_text(STRATEGY)
    (tree / "b.py").symlink_to(tree / "a.py")
    os.link(tree / "a.py", tmp_path / "hard.py")
    assert main(["apply", "-r", str(rules(tmp_path)), "--in-place", "--force", "-q",
                 str(tree), str(tree / "a.py"), str(tree / ".." / "dup" / "a.py"),
                 str(tmp_path / "hard.py")]) == 0
    assert (tree / "a.py").read_text() == STRATEGY.replace("0.05", "0.1")


def test_hard_linked_and_read_only_files_need_force(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    linked, readonly = tmp_path / "linked.py", tmp_path / "readonly.py"
    linked.write_text(STRATEGY)
    os.link(linked, tmp_path / "other_name.py")
    readonly.write_text(STRATEGY)
    readonly.chmod(0o444)
    the_rules = str(rules(tmp_path))
    assert main(["apply", "-r", the_rules, "--in-place", "-q", str(linked), str(readonly)]) == 3
    assert capsys.readouterr().err == (
        f"{linked}: has 2 hard links, which a rewrite would split; not written (--force to "
        "write anyway)\n"
        f"{readonly}: is read-only; not written (--force to write anyway)\n")
    assert linked.read_text() == readonly.read_text() == STRATEGY
    assert main(["apply", "-r", the_rules, "--in-place", "--force", "-q", str(linked),
                 str(readonly)]) == 0
    assert readonly.read_text() == STRATEGY.replace("0.05", "0.1")
    assert oct(readonly.stat().st_mode & 0o777) == "0o444"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_in_place_keeps_owner_group_and_mode(tmp_path: Path) -> None:
    path = tmp_path / "theirs.py"
    path.write_text(STRATEGY)
    os.chown(path, 65534, 65534)
    path.chmod(0o640)
    assert main(["apply", "-r", str(rules(tmp_path)), "--in-place", "-q", str(path)]) == 0
    info = path.stat()
    assert (info.st_uid, info.st_gid, oct(info.st_mode & 0o777)) == (65534, 65534, "0o640")
    assert path.read_text() == STRATEGY.replace("0.05", "0.1")


def test_out_keeps_the_source_mode(tmp_path: Path) -> None:
    source = tmp_path / "in" / "s.py"
    source.parent.mkdir()
    source.write_text(STRATEGY)
    source.chmod(0o755)
    assert main(["apply", "-r", str(rules(tmp_path)), "--out", str(tmp_path / "out"), "-q",
                 str(source.parent)]) == 0
    assert oct((tmp_path / "out" / "s.py").stat().st_mode & 0o777) == "0o755"


def test_stdin_cannot_go_in_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apply", "-r", str(rules(tmp_path)), "--in-place", "-"]) == 2
    assert capsys.readouterr().err == ("`-` (stdin) is written to stdout; it cannot go with "
                                       "--in-place or --out\n")


def test_stdin_comes_back_in_its_own_encoding(tmp_path: Path) -> None:
    data = (b"\xef\xbb\xbf# -*- coding: utf-8 -*-\n" + STRATEGY.encode(),
            b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + STRATEGY.encode())
    for before in data:
        done = subprocess.run([EXE, "apply", "-r", str(rules(tmp_path)), "-q", "-"],
                              input=before, capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout == before.replace(b"0.05", b"0.1")


def test_concurrent_in_place_runs_lose_no_update(tmp_path: Path) -> None:
    """Two runs over the same 300 files, five times: every file ends with both edits."""
    double, triple = rules(tmp_path), rules(tmp_path, TRIPLE, "t.rules")
    tree = tmp_path / "tree"
    for trial in range(5):
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir()
        for number in range(300):
            (tree / f"s{number:03}.py").write_text(STRATEGY)
        runs = [subprocess.Popen([EXE, "apply", "-r", str(r), "--in-place", "-q", str(tree)],
                                 stderr=subprocess.PIPE, text=True) for r in (double, triple)]
        errors = [p.communicate(timeout=300)[1] for p in runs]
        assert [p.returncode for p in runs] == [0, 0], errors
        texts = {p.read_text() for p in tree.iterdir()}
        assert texts == {"report = sim(position, stop_loss=0.1, take_profit=0.6000000000000001)\n"}, trial


@pytest.mark.parametrize("data", [
    b"# -*- coding: cp932 -*-\n# \xfa\x5c\nreport = sim(position, stop_loss=0.05)\n",
    b"# -*- coding: raw_unicode_escape -*-\nname = '\\u0041'\n"
    b"report = sim(position, stop_loss=0.05)\n",
])
def test_encodings_that_do_not_round_trip_are_refused(data: bytes, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.py"
    path.write_bytes(data)
    assert main(["apply", "-r", str(rules(tmp_path)), "--in-place", "-q", str(path)]) == 3
    encoding = data.split(b"coding: ")[1].split(b" ")[0].decode()
    assert capsys.readouterr().err == (f"{path}:1:1: the {encoding} encoding does not give "
                                       "this file's bytes back unchanged; not processed\n")
    assert path.read_bytes() == data


def test_test_update_keeps_crlf_rule_files(tmp_path: Path) -> None:
    text = ("rule d { match `sim(..., stop_loss=$v, ...)` set $v = $v * 2 }\r\n"
            "test d {\r\n  before ```\r\nr = sim(p, stop_loss=0.1)\r\n```\r\n"
            "  after ```\r\nr = sim(p, stop_loss=0.3)\r\n```\r\n}\r\n")
    path = tmp_path / "crlf.rules"
    path.write_bytes(text.encode())
    assert main(["test", "--update", str(path)]) == 0
    assert path.read_bytes() == text.replace("0.3", "0.2").encode()


def test_an_atomic_write_goes_through_a_link_and_never_replaces_a_special_file(
        tmp_path: Path) -> None:
    from exitdsl.io.files import FileProblem, write_atomic

    (tmp_path / "target.md").write_text("old", encoding="utf-8")
    (tmp_path / "link.md").symlink_to("target.md")
    write_atomic(tmp_path / "link.md", b"new")
    assert (tmp_path / "link.md").is_symlink()
    assert (tmp_path / "target.md").read_text(encoding="utf-8") == "new"
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(FileProblem, match="not a regular file"):
        write_atomic(tmp_path / "pipe", b"x")
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe").st_mode)


def test_write_atomic_writes_through_a_dangling_link(tmp_path: Path) -> None:
    """Found by attack (learn --out): a link to a file not yet made was replaced by a
    file, while a link to an existing one is written through."""
    from exitdsl.io.files import write_atomic

    link = tmp_path / "out.rules"
    link.symlink_to(tmp_path / "real.rules")
    write_atomic(link, b"ruleset r\n")
    assert link.is_symlink()
    assert (tmp_path / "real.rules").read_bytes() == b"ruleset r\n"
