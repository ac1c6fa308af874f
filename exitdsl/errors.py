"""Typed errors. Every error about user input carries a source span and renders
as ``path:line:col: message`` (plus the offending line and a caret for rule files)."""

from __future__ import annotations

from dataclasses import dataclass

from .text.printable import printable


@dataclass(frozen=True)
class Span:
    """A location in a text: 1-based line and column, plus the text's path and line."""

    path: str
    line: int
    col: int
    source_line: str = ""
    end_col: int | None = None

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}:{self.col}"

    def caret(self) -> str:
        """The offending line with a caret under the column (tabs kept so it lines up)."""
        if not self.source_line:
            return ""
        prefix = "".join(c if c == "\t" else " " for c in self.source_line[: self.col - 1])
        width = max(1, (self.end_col or self.col + 1) - self.col)
        return f"    {self.source_line}\n    {prefix}{'^' * width}"


def span_in(path: str, text: str, line: int, col: int, end_col: int | None = None) -> Span:
    """Build a span for ``line``/``col`` of ``text``, capturing the source line for the caret."""
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if end_col is not None and end_col <= col:
        end_col = None
    return Span(path, line, col, source_line, end_col)


class ExitdslError(Exception):
    """Base class of every error exitdsl reports to users."""

    def __init__(self, message: str, span: Span | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span

    def one_line(self) -> str:
        return f"{self.span}: {self.message}" if self.span else self.message

    def render(self) -> str:
        """The one-line form, followed by the source line and caret when known."""
        caret = self.span.caret() if self.span else ""
        return f"{self.one_line()}\n{caret}" if caret else self.one_line()

    def __str__(self) -> str:
        return self.one_line()


class RuleError(ExitdslError):
    """A mistake in a rule file, found before any strategy code is touched.

    ``suggestion`` is the did-you-mean word the message offers, as data: what would replace
    the text at the span (an editor's quick fix applies it without reading the message)."""

    def __init__(self, message: str, span: Span | None = None, *,
                 suggestion: str | None = None) -> None:
        super().__init__(message, span)
        self.suggestion = suggestion


MAX_RULE_ERRORS = 10  # mistakes reported from one load of rule files


class RuleErrors(RuleError):
    """Several mistakes in rule files, reported together (the first is the one-line form)."""

    def __init__(self, errors: list[RuleError]) -> None:
        super().__init__(errors[0].message, errors[0].span, suggestion=errors[0].suggestion)
        self.errors = tuple(errors)

    def render(self) -> str:
        return "\n".join(e.render() for e in self.errors) + f"\n{len(self.errors)} errors"


def raise_all(errors: list[RuleError]) -> None:
    """Raise nothing, the one error, or all of them together."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise RuleErrors(errors)


class UsageError(ExitdslError):
    """Command-line arguments that cannot work together."""


class StrategyError(ExitdslError):
    """A strategy file that cannot be processed (unreadable, undecodable, not Python)."""


class SiteSkipped(Exception):
    """Internal: a site that cannot be rewritten safely (e.g. the captured value is not a
    literal). Reported as a skip record with this message, never raised to users."""
