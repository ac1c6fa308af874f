"""A small evolutionary loop around exitdsl's mutation operator.

    python examples/evolve.py [--generations 5] [--population 8] [--seed 1]

exitdsl does one job here: each generation it produces one verified exit mutation of each
parent, reproducibly from a seed, and says which rule made which child. Scoring is yours:
`fitness` below is a stand-in that only reads the exit parameters back from the code. Plug
in a backtester by replacing it, e.g. write `child.code` to a file, run it with finlab or
freqtrade in a subprocess, and return the Sharpe ratio it reports.
"""

from __future__ import annotations

import argparse
import ast
import random
from pathlib import Path

import exitdsl

HERE = Path(__file__).resolve().parent
PARENT = HERE / "strategies" / "finlab" / "revenue_breakout.py"
RULES = HERE.parent / "rules" / "finlab.rules"


def fitness(code: str) -> float:
    """Stand-in score: prefers a stop near 7% and a trailing stop near 4%. Replace me."""
    found = {}
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.keyword) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, float):
            found[node.arg] = node.value.value
    return -abs(found.get("stop_loss", 0.2) - 0.07) - abs(found.get("trail_stop", 0.2) - 0.04)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generations", type=int, default=5)
    parser.add_argument("--population", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    engine = exitdsl.Engine(exitdsl.load_rules(RULES).select(tiers=["parametric"]))
    rng = random.Random(args.seed)
    population = [PARENT.read_text(encoding="utf-8")] * args.population
    for generation in range(args.generations):
        children = []
        for parent in population:
            child = engine.mutate(parent, seed=rng.randrange(2**32))
            if child.ok:  # verified; otherwise keep the parent ("no applicable rule")
                children.append(child.code)
                print(f"gen {generation}: {child.rule} {child.old} -> {child.new}")
            else:
                children.append(parent)
        ranked = sorted(population + children, key=fitness, reverse=True)
        population = ranked[: args.population]
        print(f"gen {generation}: best fitness {fitness(population[0]):.4f}")
    print(engine.stats.as_json())


if __name__ == "__main__":
    main()
