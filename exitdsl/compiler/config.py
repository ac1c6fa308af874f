"""The config: which rules and tiers a project runs, which files it leaves out, and
overrides of bounds, choices, tier weights and the default seed, without editing rule
files. In ``exitdsl.yaml``/``exitdsl.yml`` or ``[tool.exitdsl]`` of ``pyproject.toml``,
found by searching upward from the first path (as ruff does). Errors point at the
offending line and column.

```yaml
rules: [finlab, ./house.rules]     # names of shipped rule sets, or paths from this file
tiers: [parametric]
extend-exclude: ["archive/"]       # gitignore-style, added to the defaults
seed: 42
bounds:
  stop_loss: [0.02, 0.15]          # every ruleset that declares stop_loss
  finlab.take_profit: [0.1, 0.6]   # only finlab's
choices:
  template.max_hold_days: [10, 20, 30]
tier_weights: {parametric: 80, relational: 15, structural: 5}
```
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import RuleError, Span, span_in
from ..io.files import MAX_RULE_FILE_BYTES, FileProblem, read_regular
from ..io.resources import CONFIG_NAMES, shipped_rule_names
from ..vocabulary.tiers import DEFAULT_TIER_WEIGHTS, TIERS
from ..language.domains import Domain
from ..language.suggest import did_you_mean
from .toml_config import TOOL_TABLE, toml_table

if TYPE_CHECKING:
    import yaml

LISTS = ("rules", "tiers", "exclude", "extend-exclude")
KEYS = ("seed", "bounds", "choices", "tier_weights", *LISTS, "respect-gitignore")


@dataclass(frozen=True)
class Override:
    values: tuple[int | float, ...]
    span: Span


@dataclass(frozen=True)
class Config:
    path: str = ""
    seed: int | None = None
    bounds: dict[str, Override] = field(default_factory=dict)
    choices: dict[str, Override] = field(default_factory=dict)
    tier_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_TIER_WEIGHTS))
    rules: tuple[str, ...] = ()  # shipped names, or paths already resolved from the file
    tiers: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None  # None: the default exclusions
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    # `rules` entries that lead out of the config's folder tree, with where they are said:
    # refused like an include that leaves home (unless --allow-include-anywhere)
    rules_outside: tuple[tuple[str, Span], ...] = ()


def find_config(explicit: str | None, start: Path | None = None) -> Config:
    """``--config FILE`` if given, else the nearest config file in ``start`` (a path the
    run was given; default the working directory) or a folder above it, else none."""
    if explicit is not None:
        return load_config(Path(explicit))
    found = config_file(start or Path.cwd())
    return load_config(found) if found is not None else Config()


def config_file(start: Path) -> Path | None:
    """The nearest ``exitdsl.yaml``, ``exitdsl.yml`` or ``pyproject.toml`` with a
    ``[tool.exitdsl]`` table, from ``start``'s folder up to the file-system root."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate_folder in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            candidate = candidate_folder / name
            if candidate.is_file():
                return candidate
        pyproject = candidate_folder / "pyproject.toml"
        if pyproject.is_file() and has_tool_table(pyproject):
            return pyproject
    return None


def has_tool_table(pyproject: Path) -> bool:
    try:  # replacement characters: a table in a file that is not UTF-8 is still found
        text = read_regular(pyproject, MAX_RULE_FILE_BYTES)[0].decode("utf-8", "replace")
    except FileProblem:
        return False
    return TOOL_TABLE.search(text) is not None


def load_config(path: str | Path) -> Config:
    path = Path(path)
    shown = str(path)
    try:
        data = read_regular(path, MAX_RULE_FILE_BYTES)[0]
    except FileProblem as exc:
        raise RuleError(str(exc), span_in(shown, "", 1, 1)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start].decode("utf-8", "replace")
        raise RuleError(f"config is not UTF-8: byte {data[exc.start]:#04x} cannot be decoded",
                        span_in(shown, before, before.count("\n") + 1,
                                len(before) - (before.rfind("\n") + 1) + 1)) from None
    try:
        return _parse(path, shown, text)
    except RuleError:
        raise
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
        # What a hostile file can still raise in the YAML or TOML library: located at
        # the file, one line, never a traceback.
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        # No source line under it: the file's first line may be the 50,000-deep culprit.
        raise RuleError(f"config cannot be read: {first[:200]}",
                        span_in(shown, "", 1, 1)) from None


def _parse(path: Path, shown: str, text: str) -> Config:
    if path.suffix == ".toml":
        return _Reader(shown, text).config(toml_table(shown, text))
    import yaml  # only when a config exists: most runs have none, and yaml costs 10 ms

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise RuleError(f"config is not valid YAML: {exc.problem}",
                        span_in(shown, text, line, col)) from None
    except yaml.YAMLError as exc:  # a control character the reader refuses, ...
        first = (str(exc).strip().splitlines() or ["unreadable"])[0]
        raise RuleError(f"config is not valid YAML: {first[:200]}",
                        span_in(shown, "", 1, 1)) from None
    except RecursionError:
        raise RuleError("config nested too deeply", span_in(shown, text, 1, 1)) from None
    if root is None:
        return Config(shown)
    return _Reader(shown, text).config(root)


class _Reader:
    """The YAML node tree of one config file, read into a :class:`Config` with every error
    located at its node."""

    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text

    def config(self, root: yaml.Node) -> Config:
        seed: int | None = None
        bounds: dict[str, Override] = {}
        choices: dict[str, Override] = {}
        weights = dict(DEFAULT_TIER_WEIGHTS)
        lists: dict[str, tuple[str, ...]] = {}
        rules_at = self.where(root)
        gitignore = True
        for key, value in self.mapping(root, "the config"):
            name = key.value.replace("_", "-") if key.value != "tier_weights" else key.value
            if name in LISTS:
                lists[name] = self.strings(value)
                if name == "rules":
                    rules_at = self.where(value)
                    self.shipped_names(value)
                elif name == "tiers":
                    self.tiers(value)
            elif name == "respect-gitignore":
                gitignore = self.boolean(value)
            elif key.value == "seed":
                seed_value = self.number(value)
                if not isinstance(seed_value, int):
                    raise RuleError("seed must be an integer", self.where(value))
                seed = seed_value
            elif key.value == "bounds":
                bounds.update(self.bounds(value))
            elif key.value == "choices":
                for name, options in self.mapping(value, "choices"):
                    values = self.numbers(options)
                    if not values:
                        raise RuleError("choices must not be empty", self.where(options))
                    choices[name.value] = Override(values, self.where(name))
            elif key.value == "tier_weights":
                weights = self.tier_weights(value)
            else:
                raise RuleError(f"unknown config key {key.value!r}{did_you_mean(key.value, KEYS)}"
                                f"; expected one of {', '.join(KEYS)}", self.where(key))
        folder = Path(self.path).parent
        rules = tuple(r if "/" not in r and not r.endswith(".rules") else str(folder / r)
                      for r in lists.get("rules", ()))
        home = folder.resolve()
        outside = tuple((r, rules_at) for r in rules if r != Path(r).name.removesuffix(".rules")
                        and not Path(r).resolve().is_relative_to(home))
        return Config(self.path, seed, bounds, choices, weights, rules, lists.get("tiers", ()),
                      lists.get("exclude"), lists.get("extend-exclude", ()), gitignore,
                      outside)

    def strings(self, node: yaml.Node) -> tuple[str, ...]:
        import yaml

        if not isinstance(node, yaml.SequenceNode) or not all(
                isinstance(item, yaml.ScalarNode) and item.tag.endswith(":str")
                for item in node.value):
            raise RuleError("expected a list of strings", self.where(node))
        return tuple(str(item.value) for item in node.value)

    def tiers(self, node: yaml.Node) -> None:
        for item in node.value:  # a list of strings: checked by ``strings``
            if item.value not in TIERS:
                raise RuleError(f"unknown tier {item.value!r}{did_you_mean(item.value, TIERS)}; "
                                f"expected one of {', '.join(TIERS)}", self.where(item))

    def shipped_names(self, node: yaml.Node) -> None:
        """A bare name (no ``/``, no ``.rules``) names a shipped rule set: check it here,
        where its line is known."""
        names = shipped_rule_names()
        folder = Path(self.path).parent
        for item in node.value:
            name = str(item.value)
            if "/" not in name and not name.endswith(".rules") and name not in names:
                raise RuleError(f"no shipped rule set {name!r}{did_you_mean(name, names)}; "
                                "a path needs a '/' or the .rules suffix (`exitdsl rules` "
                                "lists the shipped ones)", self.where(item))
            if ("/" in name or name.endswith(".rules")) and not (folder / name).exists():
                raise RuleError(f"no rule file or folder {name!r} (paths are read from the "
                                "config's folder)", self.where(item))

    def boolean(self, node: yaml.Node) -> bool:
        import yaml

        try:
            value = yaml.safe_load(yaml.serialize(node)) \
                if isinstance(node, yaml.ScalarNode) else None
        except (yaml.YAMLError, ValueError):
            value = None
        if not isinstance(value, bool):
            raise RuleError("expected true or false", self.where(node))
        return value

    def bounds(self, node: yaml.Node) -> dict[str, Override]:
        bounds = {}
        for name, bound in self.mapping(node, "bounds"):
            values = self.numbers(bound)
            if len(values) != 2 or values[0] > values[1]:
                raise RuleError("a bound is [low, high] with low <= high", self.where(bound))
            bounds[name.value] = Override(values, self.where(name))
        return bounds

    def tier_weights(self, node: yaml.Node) -> dict[str, float]:
        given = {}
        for tier, weight in self.mapping(node, "tier_weights"):
            if tier.value not in TIERS:
                raise RuleError(f"unknown tier {tier.value!r}; expected one of "
                                f"{', '.join(TIERS)}", self.where(tier))
            amount = self.number(weight)
            if amount < 0:
                raise RuleError("a tier weight cannot be negative", self.where(weight))
            given[tier.value] = float(amount)
        total = sum(given.values())
        if total <= 0:
            raise RuleError("tier weights must not all be zero", self.where(node))
        return {tier: given.get(tier, 0.0) / total for tier in TIERS}

    def where(self, node: yaml.Node) -> Span:
        return span_in(self.path, self.text, node.start_mark.line + 1,
                       node.start_mark.column + 1)

    def mapping(self, node: yaml.Node, what: str) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
        import yaml

        if not isinstance(node, yaml.MappingNode):
            raise RuleError(f"{what} must be a mapping", self.where(node))
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise RuleError(f"a key of {what} must be a name", self.where(key))
        return [(k, v) for k, v in node.value]

    def number(self, node: yaml.Node) -> int | float:
        import yaml

        try:
            value = yaml.safe_load(yaml.serialize(node)) \
                if isinstance(node, yaml.ScalarNode) else None
        except (yaml.YAMLError, ValueError):  # `!!int abc`, `!!python/name:...`
            value = None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RuleError("expected a number", self.where(node))
        if isinstance(value, float) and not math.isfinite(value):
            raise RuleError("expected a finite number", self.where(node))
        return value

    def numbers(self, node: yaml.Node) -> tuple[int | float, ...]:
        import yaml

        if not isinstance(node, yaml.SequenceNode):
            raise RuleError("expected a list of numbers, e.g. [0.01, 0.2]", self.where(node))
        return tuple(self.number(item) for item in node.value)


def overridden(domains: dict[str, Domain], namespace: str, config: Config,
               used: set[str]) -> dict[str, Domain]:
    """``domains`` with the config's overrides applied; ``used`` collects the keys applied."""
    result = dict(domains)
    for name, domain in domains.items():
        if domain.is_map:
            for key in (name, f"{namespace}.{name}"):
                if key in config.bounds or key in config.choices:
                    raise RuleError(f"{key!r} is a map in the rules; a config cannot override "
                                    "it", (config.bounds.get(key) or config.choices[key]).span)
            continue
        source = config.choices if domain.is_choices else config.bounds
        other = config.bounds if domain.is_choices else config.choices
        for key in (name, f"{namespace}.{name}"):
            if key in other:
                kind = "choices" if domain.is_choices else "bound"
                raise RuleError(f"{key!r} is a {kind} in the rules; override it under "
                                f"{'choices' if domain.is_choices else 'bounds'}:",
                                other[key].span)
            if key in source:
                used.add(key)
                values = tuple(sorted(source[key].values))
                result[name] = (Domain(name, values[0], values[-1], values) if domain.is_choices
                                else Domain(name, values[0], values[1]))
    return result
