"""exitdsl benchmark: the predecessor's five figures, the baselines in the same run, ratios.

    python bench/run.py [--quick] [--corpus DIR] [--json out.json] [--markdown out.md]
                        [--plot out.png]

See bench/README.md for what each figure means and bench/RESULTS.md for recorded runs.
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import os
import pickle
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import baselines  # noqa: E402
import corpus  # noqa: E402
import realistic  # noqa: E402

import exitdsl  # noqa: E402
from exitdsl.text.diff import unified_diff  # noqa: E402
from exitdsl.io.sourcefile import decode  # noqa: E402
from exitdsl.matching.words import RuleWords  # noqa: E402
from exitdsl.ruletest.audit import audit  # noqa: E402

PREDECESSOR = {"single mutation": "1.11 ms", "batch": "56,718 mutations/min",
               "memory peak": "1.15 MB", "validation": "2.44 ms", "config load": "< 0.001 ms"}


@dataclass
class Report:
    quick: bool
    figures: dict[str, Any] = field(default_factory=dict)
    ratios: dict[str, float] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)

    def add(self, name: str, value: Any) -> None:
        self.figures[name] = value
        print(f"  {name}: {value if not isinstance(value, float) else round(value, 4)}",
              flush=True)

    def target(self, name: str, measured: float, limit: float, better: str) -> None:
        met = measured <= limit if better == "lower" else measured >= limit
        self.targets.append({"target": name, "measured": round(measured, 3), "limit": limit,
                             "better": better, "met": met})


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99),
            "mean_ms": statistics.fmean(ordered) * 1000, "n": len(ordered)}


def timed(fn: Callable[[int], Any], runs: int) -> list[float]:
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - start)
    return samples


# --- exitdsl operations ---------------------------------------------------------------


def shipped_rules() -> exitdsl.RuleSet:
    return exitdsl.load_rules(ROOT / "rules")


def stop_loss_rule() -> exitdsl.RuleSet:
    """The baselines' job: jitter sim()'s stop_loss (the shipped rule has two forms: with a
    literal take_profit in the call, the stop also stays below it)."""
    return shipped_rules().select(["finlab.stop_loss.jitter", "finlab.stop_loss.jitter_below_tp"])


def cold_mutation(engine: exitdsl.Engine, path: Path, seed: int) -> str:
    """Read, parse, match, rewrite, verify and emit (a diff) one mutation of a file."""
    source = decode(path.read_bytes(), str(path))
    child = engine.mutate(source.text, seed=seed, path=str(path))
    assert child.ok, child
    return unified_diff(str(path), source.text, child.code)


def _apply_file(job: tuple[exitdsl.Engine, str]) -> int:
    engine, path = job
    text = Path(path).read_text(encoding="utf-8")
    return len(engine.rewrite(text, path).changes)


def _init(engine: exitdsl.Engine) -> None:
    globals()["_ENGINE"] = engine


def _apply_in_worker(path: str) -> int:
    return _apply_file((globals()["_ENGINE"], path))


def corpus_apply(engine: exitdsl.Engine, paths: list[Path], jobs: int) -> tuple[float, int]:
    start = time.perf_counter()
    if jobs == 1:
        sites = sum(_apply_file((engine, str(p))) for p in paths)
    else:
        with ProcessPoolExecutor(jobs, initializer=_init, initargs=(engine,)) as pool:
            sites = sum(pool.map(_apply_in_worker, [str(p) for p in paths], chunksize=8))
    return time.perf_counter() - start, sites


# --- sections ---------------------------------------------------------------------------


def single_mutation(report: Report, work: Path, runs: int) -> None:
    print("single mutation (44-line finlab reference, finlab stop_loss jitter)", flush=True)
    reference = work / "reference_finlab.py"
    reference.write_text(corpus.REFERENCE_FINLAB, encoding="utf-8")
    text = corpus.REFERENCE_FINLAB
    engine = exitdsl.Engine(stop_loss_rule())
    cold_mutation(engine, reference, 0)  # imports libcst once, as any long run would
    cold = timed(lambda i: cold_mutation(engine, reference, i), runs)
    parent = engine.prepare(text, str(reference))
    warm = timed(lambda i: engine.mutate(parent, seed=i), runs)
    import libcst

    parse = timed(lambda i: libcst.parse_module(text), runs)
    rng = random.Random(0)
    regex = timed(lambda i: baselines.regex_mutate(reference.read_text("utf-8"), rng), runs)
    naive = timed(lambda i: baselines.libcst_mutate(reference.read_text("utf-8"), rng), runs)
    unparse = timed(lambda i: baselines.ast_mutate(reference.read_text("utf-8"), rng), runs)
    report.add("cold mutation", percentiles(cold))
    report.add("warm mutation", percentiles(warm))
    report.add("libcst.parse_module (same file)", percentiles(parse))
    report.add("baseline (a) regex+ast.parse", percentiles(regex))
    report.add("baseline (b) ast+unparse", percentiles(unparse))
    report.add("baseline (c) naive libcst", percentiles(naive))
    med = {k: statistics.median(v) for k, v in (("cold", cold), ("warm", warm), ("parse", parse),
                                                ("regex", regex), ("naive", naive))}
    if baselines.astgrep_available():
        grep = timed(lambda i: baselines.astgrep_mutate(reference.read_text("utf-8"), rng), runs)
        report.add("baseline (d) ast-grep-py", percentiles(grep))
        med["astgrep"] = statistics.median(grep)
        report.ratios["cold / ast-grep-py"] = med["cold"] / med["astgrep"]
    report.ratios["cold / libcst.parse_module"] = med["cold"] / med["parse"]
    report.ratios["naive libcst / cold"] = med["naive"] / med["cold"]
    report.ratios["warm throughput / regex throughput"] = med["regex"] / med["warm"]
    report.target("cold mutation <= 1.5x libcst.parse_module", med["cold"] / med["parse"], 1.5,
                  "lower")
    report.target("cold mutation >= 3x faster than naive libcst", med["naive"] / med["cold"], 3,
                  "higher")
    report.target("warm throughput >= 3x regex baseline", med["regex"] / med["warm"], 3, "higher")


def throughput(report: Report, paths: list[Path], children: int) -> None:
    print("batch throughput", flush=True)
    engine = exitdsl.Engine(shipped_rules().select(tiers=["parametric"]))
    parent = engine.prepare(corpus.REFERENCE_FINLAB)
    start = time.perf_counter()
    made = sum(engine.mutate(parent, seed=i).ok for i in range(children))
    elapsed = time.perf_counter() - start
    report.add("warm population mutations/min", made / elapsed * 60)
    rng = random.Random(1)
    start = time.perf_counter()
    done = sum(baselines.regex_mutate(corpus.REFERENCE_FINLAB, rng) is not None
               for _ in range(children))
    report.add("baseline (a) regex mutations/min", done / (time.perf_counter() - start) * 60)
    for jobs in (1, 2):
        seconds, sites = corpus_apply(engine, paths, jobs)
        report.add(f"cold corpus -j{jobs} verified rewrites/min", sites / seconds * 60)
        report.add(f"cold corpus -j{jobs} seconds ({len(paths)} files)", seconds)


def memory(report: Report, work: Path, warm_runs: int, corpus_files: int) -> None:
    print("memory", flush=True)
    reference = work / "reference_finlab.py"
    engine = exitdsl.Engine(stop_loss_rule())
    cold_mutation(engine, reference, 0)
    gc.collect()
    tracemalloc.start()
    cold_mutation(engine, reference, 1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    report.add("cold mutation peak MB", peak / 1e6)
    report.target("cold mutation peak <= 5 MB", peak / 1e6, 5, "lower")
    parent = engine.prepare(corpus.REFERENCE_FINLAB)
    for i in range(200):
        engine.mutate(parent, seed=i)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for i in range(warm_runs):
        engine.mutate(parent, seed=i)
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    growth = (current - base) / 1e6
    report.add(f"warm x{warm_runs}: growth MB", growth)
    report.add(f"warm x{warm_runs}: peak MB", peak / 1e6)
    report.target(f"growth over {warm_runs} warm mutations < 5 MB", growth, 5, "lower")
    files = corpus.generate(work / "memory_corpus", corpus_files, seed=7, max_lines=400)
    all_rules = exitdsl.Engine(shipped_rules())
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    quarter = 0
    for number, path in enumerate(files):
        all_rules.rewrite(path.read_text("utf-8"), str(path))
        if number == len(files) // 4:
            gc.collect()
            quarter = tracemalloc.get_traced_memory()[0]
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    report.add(f"corpus of {corpus_files} files: peak MB", peak / 1e6)
    report.add(f"corpus of {corpus_files} files: growth after the first quarter MB",
               (current - quarter) / 1e6)


def validation(report: Report, runs: int) -> None:
    print("validation", flush=True)
    default = exitdsl.Engine(stop_loss_rule())
    full = exitdsl.Engine(stop_loss_rule(), verify="full")
    text = corpus.REFERENCE_FINLAB
    parent_d, parent_f = default.prepare(text), full.prepare(text)
    default.mutate(parent_d, seed=0)
    full.mutate(parent_f, seed=0)
    d = timed(lambda i: default.mutate(parent_d, seed=i), runs)
    f = timed(lambda i: full.mutate(parent_f, seed=i), runs)
    child = default.mutate(parent_d, seed=1).code
    whole = timed(lambda i: (ast.parse(child), compile(child, "c", "exec")), runs)
    regex_check = timed(lambda i: ast.parse(child), runs)
    report.add("verified warm mutation (default)", percentiles(d))
    report.add("verified warm mutation (--verify full)", percentiles(f))
    report.add("whole-file checks alone (ast.parse + compile)", percentiles(whole))
    report.add("baseline (a) validation (ast.parse)", percentiles(regex_check))


def rule_load(report: Report, runs: int) -> None:
    print("rule-set load", flush=True)
    from exitdsl.compiler import parse

    def cold(_: int) -> None:
        parse._parser.cache_clear()
        shipped_rules()

    cold_samples = timed(cold, max(5, runs // 20))
    warm_samples = timed(lambda i: shipped_rules(), max(5, runs // 20))
    blob = pickle.dumps(shipped_rules())
    cached = timed(lambda i: pickle.loads(blob), runs)
    report.add("rule load cold (grammar build + parse + compile)", percentiles(cold_samples))
    report.add("rule load, grammar already built", percentiles(warm_samples))
    report.add("rule load from a pickled cache", percentiles(cached))


def scaling(report: Report, sizes: list[int]) -> list[dict[str, float]]:
    print("scaling", flush=True)
    engine = exitdsl.Engine(shipped_rules().select(tiers=["parametric"]))
    points = []
    for size in sizes:
        text = corpus.sized("finlab", size)
        runs = 5 if size <= 5000 else 2
        ours = statistics.median(timed(lambda i: engine.rewrite(text, "s.py"), runs))
        parse = statistics.median(timed(lambda i: ast.parse(text), runs))
        lines = len(text.splitlines())
        points.append({"lines": lines, "exitdsl_ms": ours * 1000, "ast_parse_ms": parse * 1000})
        print(f"    {lines:>6} lines: exitdsl {ours * 1000:8.2f} ms, ast.parse "
              f"{parse * 1000:8.2f} ms", flush=True)
    big, small = points[-1], points[len(points) // 2]
    per_line_ratio = (big["exitdsl_ms"] / big["lines"]) / (small["exitdsl_ms"] / small["lines"])
    parse_ratio = (big["ast_parse_ms"] / big["lines"]) / (small["ast_parse_ms"] / small["lines"])
    report.add("scaling", points)
    report.add("time per line, largest / middle size (1.0 = linear)", per_line_ratio)
    report.add("ast.parse time per line, largest / middle size", parse_ratio)
    report.add("exitdsl / ast.parse at the largest size", big["exitdsl_ms"] / big["ast_parse_ms"])
    report.target("scaling: per-line cost grows no faster than ast.parse's (ratio <= 1.1)",
                  per_line_ratio / parse_ratio, 1.1, "lower")
    return points


def corpus_run(report: Report, directory: Path, generated: bool) -> None:
    print(f"corpus: {directory}", flush=True)
    paths = sorted(directory.rglob("*.py"))
    texts = [p.read_text("utf-8") for p in paths]
    start = time.perf_counter()
    for text in texts:
        ast.parse(text)
    parse_seconds = time.perf_counter() - start
    start = time.perf_counter()
    cli = subprocess.run([sys.executable, "-m", "exitdsl", "apply", "--tier", "parametric",
                          "--check", "-q", str(directory)], capture_output=True, text=True)
    cli_seconds = time.perf_counter() - start
    report.add(f"corpus files ({len(paths)}) lines", sum(t.count("\n") for t in texts))
    report.add("ast.parse of every file, seconds", parse_seconds)
    report.add("exitdsl apply --tier parametric (CLI, cold, incl. start-up), seconds",
               cli_seconds)
    report.ratios["cold corpus apply / ast.parse"] = cli_seconds / parse_seconds
    report.target("cold corpus apply <= 2x ast.parse", cli_seconds / parse_seconds, 2, "lower")
    if cli.returncode not in (0, 1):
        report.add("CLI error", cli.stderr.strip()[-300:])
    if baselines.astgrep_available():
        rng = random.Random(0)
        start = time.perf_counter()
        for text in texts:
            baselines.astgrep_mutate(text, rng)
        grep_seconds = time.perf_counter() - start
        report.add("ast-grep-py same rule over the corpus, seconds", grep_seconds)
        report.ratios["cold corpus apply / ast-grep-py"] = cli_seconds / grep_seconds
    # Skipping: files no rule can match cost a word search, not a parse.
    plain = [t.replace("sim(", "simulate(").replace("stop", "halt").replace("params", "cfg")
             .replace("minimal_roi", "table").replace("stoploss", "halt_level")
             .replace("_exit", "_flag").replace("sl_stop", "x").replace("tp_stop", "y")
             for t in texts[:50]]
    words = RuleWords.of(shipped_rules().rules)  # as an engine holds them: once per rule set
    skip = timed(lambda i: [words.active(t) for t in plain], 3)
    parse = timed(lambda i: [ast.parse(t) for t in plain], 3)
    report.add("skip cost / parse cost for files no rule matches", min(skip) / min(parse))
    report.target("skipping an unmatchable file <= 10% of parsing it", min(skip) / min(parse),
                  0.10, "lower")
    correctness(report, paths, texts, generated)


PARSE_ALL = ("import ast, pathlib, sys\n"
             "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.py')):\n"
             "    ast.parse(p.read_text(encoding='utf-8'))\n")
THREE_RULES = ["-r", "finlab", "-r", "freqtrade", "--rule", "finlab.stop_loss.jitter",
               "--rule", "finlab.stop_loss.jitter_below_tp", "--rule", "freqtrade.stoploss.jitter",
               "--rule", "freqtrade.trailing_stop_positive.jitter"]


def process_cpu(command: list[str]) -> float:
    """User + system CPU seconds of one whole process (start-up included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def realistic_run(report: Report, work: Path, quick: bool) -> None:
    """Issue 16's targets on a corpus shaped like real folders (bench/realistic.py), in CPU
    time of whole processes, each ratio paired within a round (the machine is shared)."""
    directory = work / "realistic"
    files, max_bytes, rounds = (40, 300_000, 2) if quick else (200, 3_000_000, 5)
    paths = realistic.generate(directory, files, seed=1, max_bytes=max_bytes)
    print(f"realistic corpus: {files} files, {sum(p.stat().st_size for p in paths):,} bytes",
          flush=True)
    python, folder = sys.executable, str(directory)
    commands = {
        "ast.parse": [python, "-c", PARSE_ALL, folder],
        "parametric": [python, "-m", "exitdsl", "apply", "--tier", "parametric", "--check",
                       "-q", folder],
        "all tiers": [python, "-m", "exitdsl", "apply", "--check", "-q", folder],
        "three rules": [python, "-m", "exitdsl", "apply", *THREE_RULES, "--check", "-q",
                        folder],
    }
    if baselines.astgrep_available():
        commands["ast-grep-py"] = [python, str(Path(__file__).parent / "astgrep_apply.py"),
                                   folder]
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            cpu[name].append(process_cpu(command))
    for name, samples in cpu.items():
        report.add(f"realistic: {name}, CPU seconds (median of {rounds})",
                   statistics.median(samples))

    def paired(a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(cpu[a], cpu[b]))

    for name, limit in (("parametric", 2.0), ("all tiers", 3.0)):
        ratio = paired(name, "ast.parse")
        report.ratios[f"realistic: {name} / ast.parse (CPU)"] = ratio
        report.target(f"realistic: apply {name} <= {limit:g}x ast.parse (CPU)", ratio, limit,
                      "lower")
    if "ast-grep-py" in cpu:
        ratio = paired("three rules", "ast-grep-py")
        report.ratios["realistic: three rules / ast-grep-py (CPU)"] = ratio
        report.target("realistic: three rules <= 1.2x ast-grep-py (CPU)", ratio, 1.2, "lower")


FREQTRADE_PATTERN = re.compile(r"stoploss\s*=\s*-?([0-9.]+)")


def warm_realistic(report: Report, work: Path, quick: bool) -> None:
    """Warm mutation on real-shaped parents (median over 20 files per framework, each the
    median of its mutations) against the regex mutator's find-step-substitute-ast.parse
    cycle on the same files."""
    files = realistic.generate(work / "warm_realistic", 40, seed=2,
                               max_bytes=100_000 if quick else 1_000_000)
    engine = exitdsl.Engine(shipped_rules())
    per_style: dict[str, list[float]] = {"freqtrade": [], "finlab": []}
    runs = 30 if quick else 200
    for path in files:
        style = path.name.split("_")[0]
        text = path.read_text("utf-8")
        parent = engine.prepare(text, str(path))
        warm = statistics.median(timed(lambda i: engine.mutate(parent, seed=i), runs))
        pattern = FREQTRADE_PATTERN if style == "freqtrade" else baselines.ADAPTED_PATTERN
        rng = random.Random(0)
        regex = statistics.median(timed(
            lambda i: baselines.regex_mutate(text, rng, pattern), max(5, runs // 10)))
        per_style[style].append(regex / warm)
    for style, ratios in per_style.items():
        ratio = statistics.median(ratios)
        report.ratios[f"warm mutation on real-shaped {style} files / regex+ast.parse"] = ratio
        report.target(f"warm mutation >= 5x regex+ast.parse ({style}, real-shaped, median "
                      "of 20 files)", ratio, 5, "higher")


def correctness(report: Report, paths: list[Path], texts: list[str], generated: bool) -> None:
    parametric = shipped_rules().select(tiers=["parametric"])
    engine = exitdsl.Engine(parametric)
    outside = 0
    for path, text in zip(paths, texts):
        outside += _bytes_outside(text, engine.rewrite(text, str(path)))
    # Each rule alone at each of its sites (as `exitdsl verify` does): a site whose
    # conditions hold must be rewritten and verified; a draw that rounds back to the same
    # value is counted apart (nothing to write, nothing wrong).
    audited = audit(parametric, zip(map(str, paths), texts), seeds=1)
    considered = sum(r.sites - r.skipped for r in audited.rules.values())
    verified = sum(r.verified for r in audited.rules.values())
    rejected = audited.rejected
    regex = baselines.RegexScore()
    comments_lost = reformatted = 0
    for text in texts:
        score = baselines.score_regex(text)
        for name in ("matches", "correct", "in_comment_or_string", "wrong_variable"):
            setattr(regex, name, getattr(regex, name) + getattr(score, name))
        out = baselines.ast_mutate(text, random.Random(0))
        if out is not None:
            unparse = baselines.score_unparse(text, out)
            comments_lost += unparse.comments_deleted
            reformatted += unparse.lines_reformatted
    predecessor = sum(len(baselines.PREDECESSOR_PATTERN.findall(t)) for t in texts)
    report.add("exitdsl: sites whose conditions hold (each rule alone)", considered)
    report.add("exitdsl: verified rewrites", verified)
    report.add("exitdsl: draws that rounded back to the same value", considered - verified
               - rejected)
    report.add("exitdsl: rejections", rejected)
    report.add("exitdsl: bytes changed outside targets (all parametric rules)", outside)
    report.add("baseline (a) predecessor pattern matches", predecessor)
    report.add("baseline (a) adapted pattern", vars(regex))
    report.add("baseline (b) lines reformatted", reformatted)
    report.add("baseline (b) comments deleted", comments_lost)
    if considered:
        report.target("sites rewritten and verified >= 99%", 100 * verified / considered, 99,
                      "higher")
    report.target("rejections == 0", rejected, 0, "lower")
    report.target("bytes changed outside targets == 0", outside, 0, "lower")


def _bytes_outside(old: str, result: exitdsl.FileResult) -> int:
    """Characters that differ from the input outside every change's span (should be 0):
    the input with each change's span replaced by its new text must be the output."""
    if not result.changed:
        return 0
    starts = [0] + [i + 1 for i, c in enumerate(old) if c == "\n"]
    pieces, position = [], 0
    for change in sorted(result.changes, key=lambda c: (c.line, c.col)):
        begin = starts[change.line - 1] + change.col - 1
        pieces += [old[position:begin], change.new]
        position = begin + len(change.old)
    expected = "".join(pieces) + old[position:]
    if expected == result.new_source:
        return 0
    return sum(a != b for a, b in zip(expected, result.new_source)) + abs(
        len(expected) - len(result.new_source))


# --- output -------------------------------------------------------------------------------


def markdown(report: Report) -> str:
    def fmt(value: Any) -> str:
        if isinstance(value, dict) and "p50_ms" in value:
            return (f"p50 {value['p50_ms']:.3f} ms, p95 {value['p95_ms']:.3f} ms, "
                    f"p99 {value['p99_ms']:.3f} ms (n={value['n']})")
        if isinstance(value, float):
            return f"{value:,.3f}"
        if isinstance(value, list):
            return "see scaling table"
        return str(value)

    lines = [f"Machine: {platform.platform()}, Python {platform.python_version()}, "
             f"{os.cpu_count()} CPUs. Mode: {'quick' if report.quick else 'full'}.", "",
             "| predecessor's figure | predecessor | exitdsl (this run) |", "|---|---|---|"]
    fig = report.figures
    pairs = [("single mutation", fig.get("cold mutation")),
             ("batch", fig.get("warm population mutations/min")),
             ("memory peak", fig.get("cold mutation peak MB")),
             ("validation", fig.get("verified warm mutation (default)")),
             ("config load", fig.get("rule load from a pickled cache"))]
    for name, ours in pairs:
        lines.append(f"| {name} | {PREDECESSOR[name]} | {fmt(ours)} |")
    lines += ["", "| figure | value |", "|---|---|"]
    lines += [f"| {k} | {fmt(v)} |" for k, v in fig.items()]
    lines += ["", "| ratio | value |", "|---|---|"]
    lines += [f"| {k} | {v:.2f} |" for k, v in report.ratios.items()]
    lines += ["", "| target | measured | limit | met |", "|---|---|---|---|"]
    lines += [f"| {t['target']} | {t['measured']} | {t['limit']} | "
              f"{'yes' if t['met'] else '**no**'} |" for t in report.targets]
    if "scaling" in fig:
        lines += ["", "| lines | exitdsl ms | ast.parse ms |", "|---|---|---|"]
        lines += [f"| {p['lines']} | {p['exitdsl_ms']:.2f} | {p['ast_parse_ms']:.2f} |"
                  for p in fig["scaling"]]
    return "\n".join(lines) + "\n"


def plot(points: list[dict[str, float]], out: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install -e '.[bench]'): no plot", flush=True)
        return
    figure, axis = plt.subplots(figsize=(6, 4))
    xs = [p["lines"] for p in points]
    axis.loglog(xs, [p["exitdsl_ms"] for p in points], "o-", label="exitdsl apply (parametric)")
    axis.loglog(xs, [p["ast_parse_ms"] for p in points], "s--", label="ast.parse")
    axis.set_xlabel("lines")
    axis.set_ylabel("ms")
    axis.set_title("Cold apply time against file size")
    axis.legend()
    figure.tight_layout()
    figure.savefig(out, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts; under 2 minutes")
    parser.add_argument("--corpus", type=Path, help="a directory of real strategies to use")
    parser.add_argument("--json", type=Path, help="write the report as JSON")
    parser.add_argument("--markdown", type=Path, help="write the report as Markdown")
    parser.add_argument("--plot", type=Path, help="write the scaling plot as PNG")
    args = parser.parse_args()
    quick = args.quick
    report = Report(quick)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        directory = args.corpus or work / "corpus"
        if args.corpus is None:
            corpus.generate(directory, 100 if quick else 300, seed=1)
        paths = sorted(directory.rglob("*.py"))
        single_mutation(report, work, 200 if quick else 2000)
        throughput(report, paths, 2000 if quick else 20000)
        memory(report, work, 10_000 if quick else 100_000, 200 if quick else 1000)
        validation(report, 200 if quick else 2000)
        rule_load(report, 200 if quick else 2000)
        points = scaling(report, [40, 200, 1000, 5000, 20000, 50000])
        corpus_run(report, directory, args.corpus is None)
        realistic_run(report, work, quick)
        warm_realistic(report, work, quick)
    print("\ntargets:")
    for t in report.targets:
        print(f"  [{'met' if t['met'] else 'MISSED'}] {t['target']}: {t['measured']}")
    if args.json:
        args.json.write_text(json.dumps(vars(report), indent=2, default=str))
    if args.markdown:
        args.markdown.write_text(markdown(report))
    if args.plot:
        plot(points, args.plot)


if __name__ == "__main__":
    main()
