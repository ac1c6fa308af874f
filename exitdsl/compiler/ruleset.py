"""Loading rule files into a :class:`RuleSet`: includes resolved (with cycle and size
limits), ids namespaced by ruleset, config overrides applied."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import MAX_RULE_ERRORS, RuleError, Span, raise_all
from ..io.files import MAX_RULE_FILE_BYTES, FileProblem, read_regular
from ..io.resources import (MIGRATIONS, default_rule_files, rule_path, shipped_rule_names,
                            shipped_rules_dir)
from ..vocabulary.tiers import TIERS
from ..language import ir
from .compile import allowable, compile_invariant, compile_rule
from ..language.suggest import closest, did_you_mean
from . import ir_cache
from ..language.compiled import CompiledRule
from .config import Config, overridden
from ..language.domains import Domain, declared_domains

MAX_INCLUDE_DEPTH = 16
MAX_RULE_FILES = 256


@dataclass(frozen=True)
class RuleSet:
    """Every rule of one or more rule files, includes resolved, ids namespaced."""

    rules: tuple[CompiledRule, ...]
    tests: tuple[tuple[str, ir.RuleTest, str], ...]  # (rule id, test, file path)
    files: tuple[str, ...]
    config: Config = field(default_factory=Config)

    @property
    def tier_weights(self) -> dict[str, float]:
        return self.config.tier_weights

    def select(self, ids: Sequence[str] = (), tiers: Sequence[str] = ()) -> RuleSet:
        """The rules named by ``ids`` (full ``ruleset.rule`` ids or local names) and ``tiers``.

        Raises ``ValueError`` for a tier or a rule that does not exist (a typo would select
        nothing).
        """
        if isinstance(tiers, str) or isinstance(ids, str):
            raise TypeError("select() takes lists of ids and tiers, not a single string")
        for tier in tiers:
            if tier not in TIERS:
                raise ValueError(f"unknown tier {tier!r}{did_you_mean(tier, TIERS)}; "
                                 f"tiers are {', '.join(TIERS)}")
        names = {r.id for r in self.rules} | {r.source.name for r in self.rules}
        for rule_id in ids:  # a typo would select nothing, silently
            if rule_id not in names:
                raise ValueError(f"no rule {rule_id!r}{did_you_mean(rule_id, sorted(names))}")
        chosen = [r for r in self.rules
                  if (not ids or r.id in ids or r.source.name in ids)
                  and (not tiers or r.tier in tiers)]
        return RuleSet(tuple(chosen), self.tests, self.files, self.config)

    def get(self, rule_id: str) -> CompiledRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"no rule {rule_id!r}{did_you_mean(rule_id, [r.id for r in self.rules])}")

    def __repr__(self) -> str:  # the default would print every compiled pattern
        return f"<RuleSet: {len(self.rules)} rules from {len(self.files)} file(s)>"



def shipped_rules(config: Config | None = None) -> RuleSet:
    """Every mutation rule file exitdsl ships (rules/*.rules), wherever it is installed;
    the migrations (rules/migrations/) load by name: ``load_rules("freqtrade_v3")``."""
    return load_rules(default_rule_files(), config)


def rule_files(paths: Iterable[str | Path]) -> list[Path]:
    """Each path, with directories expanded to the ``*.rules`` files below them (sorted),
    but for those in a ``migrations/`` folder below it: a migration runs only when named
    (``-r rules`` is exit mutation; ``-r freqtrade_v3`` or ``-r rules/migrations`` migrates).
    A bare name that is no path, such as ``"finlab"``, names a shipped rule file."""
    files: list[Path] = []
    for item in paths:
        path = Path(item) if isinstance(item, Path) else rule_path(item)
        if path.is_dir():
            files.extend(f for f in sorted(path.rglob("*.rules"))
                         if MIGRATIONS not in f.relative_to(path).parts[:-1])
        else:
            files.append(path)
    return files


def load_rules(paths: str | Path | Iterable[str | Path], config: Config | None = None, *,
               include_anywhere: bool = False,
               sources: Mapping[Path, str] | None = None) -> RuleSet:
    """Load, check and compile rule files (directories: every ``*.rules`` inside).

    ``config`` overrides bounds and choices (see config.py); an override that names no
    declared domain is an error located in the config file. An include (``use "..."``)
    must be a ``.rules`` file inside the including file's folder tree or the shipped rules,
    unless ``include_anywhere``. ``sources`` gives the text of files by resolved path, read
    instead of the disk (an editor's unsaved buffers).
    """
    config = config or Config()
    loaded: dict[Path, tuple[ir.RuleFile, dict[str, Domain]]] = {}
    loader = _Loader(loaded, include_anywhere, sources or {})
    for path in rule_files([paths] if isinstance(paths, (str, Path)) else paths):
        loader.load(path, stack=(), via=None)
    rules: list[CompiledRule] = []
    tests: list[tuple[str, ir.RuleTest, str]] = []
    seen: dict[str, Span] = {}
    used: set[str] = set()
    errors: list[RuleError] = []  # every rule's first mistake, reported together
    for rule_file, declared in loaded.values():
        namespace = rule_file.name or Path(rule_file.path).stem
        domains = overridden(declared, namespace, config, used)
        for allow in rule_file.allowed:
            try:
                allowable(allow)
            except RuleError as exc:
                errors.append(exc)
        invariants = []
        for invariant in rule_file.invariants:
            try:
                invariants.append(compile_invariant(invariant, f"{namespace}.{invariant.name}",
                                                    rule_file, domains))
            except RuleError as exc:
                errors.append(exc)
        for rule in rule_file.rules:
            rule_id = f"{namespace}.{rule.name}"
            try:
                if rule_id in seen:
                    raise RuleError(f"rule {rule_id!r} is already defined at {seen[rule_id]}",
                                    rule.span)
                seen[rule_id] = rule.span
                rules.append(compile_rule(rule, rule_id, rule_file, domains,
                                          tuple(invariants)))
            except RecursionError:
                errors.append(RuleError(f"rule {rule.name!r} is nested too deeply", rule.span))
            except RuleError as exc:
                errors.append(exc)
        for test in rule_file.tests:
            try:
                tests.append((_tested_rule(test, namespace, rule_file), test, rule_file.path))
            except RuleError as exc:
                errors.append(exc)
    for name, override in {**config.bounds, **config.choices}.items():
        if name not in used:
            errors.append(RuleError(f"the config overrides {name!r}, which no loaded rule "
                                    "file declares", override.span))
    raise_all(errors[:MAX_RULE_ERRORS])
    return RuleSet(tuple(rules), tuple(tests), tuple(str(p) for p in loaded), config)


def loaded_files(path: Path, sources: Mapping[Path, str] | None = None, *,
                 include_anywhere: bool = False
                 ) -> dict[Path, tuple[ir.RuleFile, dict[str, Domain]]]:
    """The rule file at ``path`` and every file it includes, by resolved path, each parsed
    and with the domains it sees, as ``load_rules`` reads them (raises the same errors)."""
    loaded: dict[Path, tuple[ir.RuleFile, dict[str, Domain]]] = {}
    _Loader(loaded, include_anywhere, sources or {}).load(path, stack=(), via=None)
    return loaded


def _tested_rule(test: ir.RuleTest, namespace: str, rule_file: ir.RuleFile) -> str:
    """The id of the rule a ``test`` block names, by its name or its full id."""
    local = {r.name for r in rule_file.rules}
    name = test.rule[len(namespace) + 1:] if test.rule.startswith(f"{namespace}.") \
        and test.rule[len(namespace) + 1:] in local else test.rule
    if name not in local:
        raise RuleError(f"test names unknown rule {test.rule!r}"
                        f"{did_you_mean(test.rule, sorted(local))}", test.span,
                        suggestion=closest(test.rule, sorted(local)))
    return f"{namespace}.{name}"


class _Loader:
    """Rule files and their includes, each parsed once, with the include limits."""

    def __init__(self, loaded: dict[Path, tuple[ir.RuleFile, dict[str, Domain]]],
                 include_anywhere: bool, sources: Mapping[Path, str]) -> None:
        self.loaded = loaded
        self.include_anywhere = include_anywhere
        self.sources = sources

    def load(self, path: Path, stack: tuple[Path, ...], via: ir.Use | None) -> dict[str, Domain]:
        where = via.span if via else None
        try:
            resolved = path.resolve()
        except (OSError, ValueError) as exc:
            raise RuleError(f"rule file {str(path)!r}: cannot resolve: {exc}", where) from None
        if via is not None and stack:
            self._check_include(path, resolved, stack[-1], via)
        if len(stack) >= MAX_INCLUDE_DEPTH:
            raise RuleError(f"includes nest deeper than {MAX_INCLUDE_DEPTH} files", where)
        if len(self.loaded) >= MAX_RULE_FILES:
            raise RuleError(f"more than {MAX_RULE_FILES} rule files are loaded", where)
        if resolved in stack:
            chain = " -> ".join(p.name for p in (*stack, resolved))
            raise RuleError(f"include cycle: {chain}", where)
        if resolved in self.loaded:
            return self.loaded[resolved][1]
        if resolved in self.sources:  # an unsaved buffer: parsed as it is, never cached
            from .parse import parse_rules

            rule_file = parse_rules(self.sources[resolved], str(path))
        else:
            rule_file = _parse(_read_rule_file(path, resolved, where), path)
        domains: dict[str, Domain] = {}
        for use in rule_file.uses:
            domains.update(self.load(path.parent / use.path, (*stack, resolved), use))
        domains.update(declared_domains(rule_file))
        self.loaded[resolved] = (rule_file, domains)
        return domains

    def _check_include(self, path: Path, resolved: Path, includer: Path, via: ir.Use) -> None:
        """An include is a rule file of the includer's folder tree or of the shipped rules:
        a rule file must not read (and echo in an error) any file on the machine."""
        if resolved.suffix != ".rules":
            raise RuleError(f"an include must be a .rules file, not {via.path!r}", via.span)
        if self.include_anywhere:
            return
        homes = (includer.parent, shipped_rules_dir().resolve())
        if not any(resolved.is_relative_to(home) for home in homes):
            raise RuleError(f"include {via.path!r} is outside the folder of the file that "
                            "includes it (--allow-include-anywhere to allow it)", via.span)


def _parse(text: str, path: Path) -> ir.RuleFile:
    """The rule file's IR: from the data cache (ir_cache.py) when this very text was parsed
    before, else parsed by Lark (imported only then) and remembered."""
    cached = ir_cache.load(text, str(path))
    if cached is not None:
        return cached
    from .parse import parse_rules

    try:
        parsed = parse_rules(text, str(path))
    except RuleError as exc:
        if path.suffix == ".rules" or exc.span is None:
            raise
        # Not a rule file by name (`-r /etc/passwd`): locate the error, never quote the file.
        raise RuleError("not valid rule syntax here (the file is not named *.rules, so its "
                        "text is not shown)", Span(exc.span.path, exc.span.line,
                                                   exc.span.col)) from None
    ir_cache.store(parsed, text, str(path))
    return parsed


def _read_rule_file(path: Path, resolved: Path, where: Span | None) -> str:
    """A rule file's text: a regular UTF-8 file of at most 1 MB (io/files.py)."""
    try:
        return read_regular(resolved, MAX_RULE_FILE_BYTES)[0].decode("utf-8")
    except FileProblem as exc:
        hint = did_you_mean(str(path), shipped_rule_names()) \
            if "/" not in str(path) and not path.suffix and not path.exists() else ""
        raise RuleError(f"rule file {str(path)!r}: {exc}{hint}", where) from None
    except UnicodeDecodeError as exc:
        raise RuleError(f"rule file {str(path)!r} is not UTF-8: {exc.reason} at byte "
                        f"{exc.start}", where) from None
