"""exitdsl on real strategy trees and on the shapes that make per-site work show.

    python bench/real.py --corpus DIR [--corpus DIR ...] [--rounds 3] [--json out.json]
    python bench/real.py --scaling [--plot bench/scaling.png] [--json out.json]

Every figure is CPU time (user + system of a child process, start-up included) and wall
time, and every ratio is paired within one round (the machine is shared), the median over
the rounds reported. A corpus is any folder of ``*.py`` files kept outside the project
(public strategy repositories: record their names and commits beside the figures in
bench/RESULTS.md; never commit them). Nothing is asserted: targets are printed as met or
missed.

- corpus: ``ast.parse`` of every file, ``exitdsl apply --tier parametric --check`` and
  ``exitdsl apply --check`` (all tiers) over the folder; one-file ``apply`` on the median
  file; warm verified mutation (parent prepared) against the regex + ``ast.parse`` mutator
  on up to 20 finlab and 20 freqtrade files that both can mutate (median of the per-file
  ratios). The package's bytecode is compiled and the parsed-rule cache filled first, as
  in an installed package (neither is timed).
- scaling (bench/shapes.py): a freqtrade class with N sell parameters, a finlab script with
  N ``sim()`` calls, ``mutate -n 3`` on N sites; each against ``ast.parse`` of the same file.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import baselines  # noqa: E402
import shapes  # noqa: E402

import exitdsl  # noqa: E402

PARSE_ALL = ("import ast, pathlib, sys\n"
             "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.py')):\n"
             "    try: ast.parse(p.read_bytes())\n"
             "    except (SyntaxError, ValueError): pass\n")
PARSE_ONE = "import ast, sys; ast.parse(open(sys.argv[1], 'rb').read())"
FREQTRADE_PATTERN = re.compile(r"stoploss\s*=\s*-?([0-9.]+)")
EXITDSL = [sys.executable, "-m", "exitdsl"]


def child(command: list[str]) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def paired(commands: dict[str, list[str]], rounds: int, base: str) -> dict[str, Any]:
    """Each command once per round; per command its median CPU and wall, and its CPU
    ratio to ``base`` paired within each round."""
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    wall: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            c, w = child(command)
            cpu[name].append(c)
            wall[name].append(w)
    return {name: {"cpu_s": statistics.median(cpu[name]), "wall_s": statistics.median(wall[name]),
                   f"cpu_x_{base}": statistics.median(a / b for a, b in zip(cpu[name], cpu[base]))}
            for name in commands}


def installed_state(median_file: str) -> None:
    """Measure what an installed package costs: its bytecode compiled (pip does so at
    install; a checkout run with PYTHONDONTWRITEBYTECODE=1 compiles every module at each
    start) and the parsed-rule cache filled, neither timed."""
    # In a child, as the timed commands run: from another checkout, `python -m exitdsl`
    # imports that checkout's package, not the one this process imported.
    compile_package = ("import compileall, exitdsl, os; "
                       "compileall.compile_dir(os.path.dirname(exitdsl.__file__), quiet=1)")
    subprocess.run([sys.executable, "-c", compile_package], capture_output=True, check=False)
    subprocess.run([*EXITDSL, "apply", "--check", "-q", median_file], capture_output=True,
                   check=False)


def corpus_figures(folder: Path, rounds: int) -> dict[str, Any]:
    files = sorted(folder.rglob("*.py"))
    sizes = sorted(files, key=lambda p: p.stat().st_size)
    median_file = str(sizes[len(sizes) // 2])
    installed_state(median_file)
    folder_s = str(folder)
    figures: dict[str, Any] = {"files": len(files),
                               "bytes": sum(p.stat().st_size for p in files)}
    figures["tree"] = paired({
        "ast.parse": [sys.executable, "-c", PARSE_ALL, folder_s],
        "apply parametric": [*EXITDSL, "apply", "--tier", "parametric", "--check", "-q",
                             folder_s],
        "apply all tiers": [*EXITDSL, "apply", "--check", "-q", folder_s],
    }, rounds, "ast.parse")
    figures["one file"] = paired({
        "ast.parse": [sys.executable, "-c", PARSE_ONE, median_file],
        "apply": [*EXITDSL, "apply", "--check", "-q", median_file],
    }, rounds, "ast.parse")
    figures["warm mutation"] = warm(files)
    return figures


def warm(files: list[Path]) -> dict[str, Any]:
    """Median over files of (regex + ast.parse mutator time) / (warm verified mutation)."""
    engine = exitdsl.Engine(exitdsl.load_rules(str(HERE.parent / "rules")))
    ratios: dict[str, list[float]] = {"finlab": [], "freqtrade": []}
    for path in files:
        text = path.read_text("utf-8", "replace")
        style = "freqtrade" if "IStrategy" in text else "finlab" if "sim(" in text else None
        if style is None or len(ratios[style]) >= 20:
            continue
        pattern = FREQTRADE_PATTERN if style == "freqtrade" else baselines.ADAPTED_PATTERN
        if pattern.search(text) is None:
            continue
        try:
            parent = engine.prepare(text, str(path))
        except exitdsl.StrategyError:
            continue
        if not engine.applicable(parent):
            continue
        mutate = _median_time(lambda i: engine.mutate(parent, seed=i), 30)
        rng = random.Random(0)
        regex = _median_time(lambda i: baselines.regex_mutate(text, rng, pattern), 10)
        ratios[style].append(regex / mutate)
    return {style: {"files": len(r), "median_ratio": statistics.median(r) if r else None}
            for style, r in ratios.items()}


def _median_time(run: Any, times: int) -> float:
    samples = []
    for i in range(times):
        start = time.process_time()
        run(i)
        samples.append(time.process_time() - start)
    return max(statistics.median(samples), 1e-7)


def scaling(rounds: int) -> dict[str, list[dict[str, float]]]:
    curves: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        plans = [("freqtrade class, N sell parameters", shapes.freqtrade_params,
                  (250, 500, 1000, 2000), "apply"),
                 ("finlab script, N sim() calls", shapes.finlab_sims,
                  (1000, 2000, 4000, 8000), "apply"),
                 ("mutate -n 3, N finlab sites", shapes.finlab_sims,
                  (500, 1000, 2000), "mutate")]
        for name, make, sizes, job in plans:
            points = []
            for n in sizes:
                path = work / f"{make.__name__}_{n}.py"
                path.write_text(make(n), "utf-8")
                command = [*EXITDSL, "apply", "--check", "-q", str(path)] if job == "apply" \
                    else [*EXITDSL, "mutate", str(path), "-n", "3", "--seed", "1", "-q",
                          "--out", str(work / f"children_{n}")]
                figures = paired({"ast.parse": [sys.executable, "-c", PARSE_ONE, str(path)],
                                  "exitdsl": command}, rounds, "ast.parse")
                points.append({"n": n, "exitdsl_cpu_s": figures["exitdsl"]["cpu_s"],
                               "ast_parse_cpu_s": figures["ast.parse"]["cpu_s"]})
                print(f"  {name}: N={n} {figures['exitdsl']['cpu_s']:.2f} s CPU", flush=True)
            curves[name] = points
    return curves


def targets(report: dict[str, Any]) -> list[tuple[str, float, float, str]]:
    """(target, measured, limit, lower|higher) of the issue's done-when list."""
    found = []
    for folder, figures in report.get("corpora", {}).items():
        tree = figures["tree"]
        found.append((f"{folder}: apply parametric <= 2x ast.parse (CPU)",
                      tree["apply parametric"]["cpu_x_ast.parse"], 2.0, "lower"))
        found.append((f"{folder}: apply all tiers <= 3x ast.parse (CPU)",
                      tree["apply all tiers"]["cpu_x_ast.parse"], 3.0, "lower"))
        found.append((f"{folder}: one-file apply <= 0.3 s CPU",
                      figures["one file"]["apply"]["cpu_s"], 0.3, "lower"))
        for style, warm_figures in figures["warm mutation"].items():
            if warm_figures["median_ratio"] is not None:
                found.append((f"{folder}: warm mutation >= 5x regex+ast.parse ({style}, "
                              f"{warm_figures['files']} files)", warm_figures["median_ratio"],
                              5.0, "higher"))
    curves = report.get("scaling", {})

    def at(name: str, n: int) -> float:
        return next(p["exitdsl_cpu_s"] for p in curves[name] if p["n"] == n)

    if curves:
        freqtrade, finlab = "freqtrade class, N sell parameters", "finlab script, N sim() calls"
        found.append(("freqtrade class: N=1000 <= 6x N=250 (CPU)",
                      at(freqtrade, 1000) / at(freqtrade, 250), 6.0, "lower"))
        found.append(("freqtrade class: N=1000 <= 3 s CPU", at(freqtrade, 1000), 3.0, "lower"))
        found.append(("finlab script: N=8000 <= 5x N=2000 (CPU)",
                      at(finlab, 8000) / at(finlab, 2000), 5.0, "lower"))
        found.append(("mutate -n 3 on 2000 sites <= 3 s CPU",
                      at("mutate -n 3, N finlab sites", 2000), 3.0, "lower"))
    return found


def plot(curves: dict[str, list[dict[str, float]]], out: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install -e '.[bench]'): no plot", flush=True)
        return
    figure, axes = plt.subplots(1, len(curves), figsize=(5 * len(curves), 4))
    for axis, (name, points) in zip(axes, curves.items()):
        ns = [p["n"] for p in points]
        axis.loglog(ns, [p["exitdsl_cpu_s"] for p in points], "o-", label="exitdsl (CPU s)")
        axis.loglog(ns, [p["ast_parse_cpu_s"] for p in points], "s--",
                    label="ast.parse (CPU s)")
        linear = [points[0]["exitdsl_cpu_s"] * n / ns[0] for n in ns]
        axis.loglog(ns, linear, ":", color="grey", label="linear from the first point")
        axis.set_title(name, fontsize=9)
        axis.set_xlabel("N")
        axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(out, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append", default=[],
                        help="a folder of real strategies (repeatable)")
    parser.add_argument("--scaling", action="store_true", help="the many-site shapes")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    parser.add_argument("--plot", type=Path, help="write the scaling curves as PNG")
    args = parser.parse_args()
    if not args.corpus and not args.scaling:
        parser.error("give --corpus DIR and/or --scaling")
    report: dict[str, Any] = {"python": sys.version.split()[0], "rounds": args.rounds}
    if args.corpus:
        report["corpora"] = {}
        for folder in args.corpus:
            print(f"corpus {folder}", flush=True)
            report["corpora"][str(folder)] = corpus_figures(folder, args.rounds)
            print(json.dumps(report["corpora"][str(folder)], indent=1), flush=True)
    if args.scaling:
        print("scaling", flush=True)
        report["scaling"] = scaling(args.rounds)
        if args.plot:
            plot(report["scaling"], args.plot)
    report["targets"] = [{"target": t, "measured": round(m, 3), "limit": limit,
                          "met": m <= limit if better == "lower" else m >= limit}
                         for t, m, limit, better in targets(report)]
    print("\ntargets:")
    for t in report["targets"]:
        print(f"  [{'met' if t['met'] else 'MISSED'}] {t['target']}: {t['measured']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
