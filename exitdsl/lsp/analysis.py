"""One document as the compiler sees it: its errors (what ``exitdsl check`` reports for the
file, read from the editor's buffers instead of the disk), its IR and its includes'."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..compiler.parse import parse_rules
from ..compiler.ruleset import RuleSet, load_rules, loaded_files
from ..errors import RuleError, RuleErrors
from ..language import ir
from ..language.domains import Domain, declared_domains


@dataclass(frozen=True)
class Analysis:
    path: Path
    text: str
    errors: tuple[RuleError, ...]
    rule_file: ir.RuleFile | None  # None: the buffer does not parse
    files: Mapping[Path, ir.RuleFile] = field(default_factory=dict)  # includes, by path
    domains: Mapping[str, Domain] = field(default_factory=dict)  # those the document sees
    rules: RuleSet | None = None  # None: the file has errors

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def analyse(path: Path, text: str, buffers: Mapping[Path, str]) -> Analysis:
    """Check ``text`` as the rule file ``path``, reading open ``buffers`` (by resolved path)
    before the disk, exactly as ``exitdsl check PATH`` would on saved files."""
    sources = {**buffers, path.resolve(): text}
    rules: RuleSet | None = None
    errors: tuple[RuleError, ...] = ()
    try:
        rules = load_rules([path], sources=sources)
    except RuleErrors as exc:
        errors = exc.errors
    except RuleError as exc:
        errors = (exc,)
    try:
        loaded = loaded_files(path, sources)
        own = loaded[path.resolve()]
        return Analysis(path, text, tuple(errors), own[0], {p: f for p, (f, _) in loaded.items()},
                        own[1], rules)
    except RuleError:
        pass
    try:  # an include is broken: the document's own names still help
        rule_file = parse_rules(text, str(path))
    except RuleError:
        return Analysis(path, text, tuple(errors), None)
    try:
        domains = declared_domains(rule_file)
    except RuleError:
        domains = {}
    return Analysis(path, text, tuple(errors), rule_file, {path.resolve(): rule_file}, domains)
