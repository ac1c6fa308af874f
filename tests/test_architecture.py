"""The package's layout rules (docs/architecture.md), checked on its source: no import
cycles, small modules and functions, each vocabulary table defined once, every action a
registered unit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from exitdsl.actions import registry
from exitdsl.actions.base import ActionKind

from .conftest import ROOT

PACKAGE = ROOT / "exitdsl"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def runtime_imports(name: str, path: Path, typing_too: bool = False) -> set[str]:
    """The exitdsl modules ``name`` imports when it runs (``if TYPE_CHECKING:`` blocks, which
    never run, are left out unless ``typing_too``; imports inside functions count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    skipped = set() if typing_too else {
        id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
        and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("exitdsl"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            if not base.startswith("exitdsl"):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return found & set(MODULES)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def test_the_package_has_no_import_cycle() -> None:
    graph = {name: runtime_imports(name, path) - {name} for name, path in MODULES.items()}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


# The stages, bottom up: a part may import only parts before it (docs/architecture.md).
LAYERS = [
    ("_version", "errors", "results", "text"),
    ("io",),
    ("language",),
    ("vocabulary",),
    ("model",),
    ("matching",),
    ("evaluation", "policy"),
    ("actions",),
    ("compiler",),
    ("planning",),
    ("verify",),
    ("rewriting",),
    ("evolve",),
    ("engine",),
    ("ruletest", "behaviour"),
    ("populations", "learn"),
    ("cli", "lsp", "__main__", "__init__"),  # lsp: an editor's front end, as cli is a shell's
]


def part_of(module: str) -> str:
    bits = module.split(".")
    return bits[1] if len(bits) > 1 else "__init__"


def test_parts_depend_one_way_type_checking_imports_included() -> None:
    """No two parts of the package import each other, not even for type checking: each
    imports only the layers below its own."""
    rank = {part: i for i, layer in enumerate(LAYERS) for part in layer}
    assert set(rank) >= {part_of(m) for m in MODULES}, "a part missing from LAYERS"
    upward = sorted(f"{name} -> {target}" for name, path in MODULES.items()
                    for target in runtime_imports(name, path, typing_too=True)
                    if rank[part_of(target)] > rank[part_of(name)])
    assert not upward


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_relative_imports_resolve_to_modules() -> None:
    imports = runtime_imports("exitdsl.cli.app", MODULES["exitdsl.cli.app"])
    assert {"exitdsl.cli.apply", "exitdsl.cli.common", "exitdsl.io.logs"} <= imports


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_and_functions_stay_small(name: str) -> None:
    text = MODULES[name].read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_MODULE_LINES
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(ast.parse(text))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and (node.end_lineno or 0) - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long


OPERATOR_CLASSES = ("Lt", "LtE", "Gt", "GtE", "Eq", "NotEq", "BitOr", "BitAnd", "Add", "Mult")


def test_operators_and_functions_are_defined_once() -> None:
    """Only the vocabulary names Python's operator classes and the value functions."""
    owners: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id == "ast" and node.attr in OPERATOR_CLASSES:
                owners.setdefault("operators", set()).add(name)
            if isinstance(node, ast.Constant) and node.value in ("gauss", "uniform", "clamp"):
                owners.setdefault("functions", set()).add(name)
    assert owners == {"operators": {"exitdsl.vocabulary.operators"},
                      "functions": {"exitdsl.vocabulary.functions"}}


def test_every_action_module_is_a_registered_kind() -> None:
    modules = sorted(p.stem for p in (PACKAGE / "actions").glob("*.py")
                     if not p.stem.startswith("_") and p.stem not in ("base", "edits", "registry"))
    kinds = registry.kinds()
    assert sorted(type(k).__module__.rsplit(".", 1)[1] for k in kinds) == modules
    assert all(isinstance(k, ActionKind) for k in kinds)


def test_dispatch_refuses_an_action_no_kind_claims() -> None:
    class Replace:
        pass

    with pytest.raises(TypeError, match="no action kind handles Replace"):
        registry.kind_of(Replace())
    assert registry.kind_for_alias("replace") is None


def test_help_loads_none_of_the_heavy_dependencies() -> None:
    """`exitdsl --help` and building the parser import neither lark, PyYAML, libcst nor
    multiprocessing: start-up is paid on every call of a command-line tool."""
    import subprocess
    import sys

    probe = ("import sys\nfrom exitdsl.cli.app import build_parser\nbuild_parser()\n"
             "heavy = ('lark', 'yaml', 'libcst', 'multiprocessing', 're2')\n"
             "print(sorted(m for m in heavy if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout == "[]\n"
