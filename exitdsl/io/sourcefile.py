"""Reading strategy files faithfully.

Bytes are decoded the way Python itself would (BOM, PEP 263 coding cookie, else
UTF-8) with line endings kept as they are, and encoded back the same way, so a
file that is not rewritten is never touched and one that is differs only where
the rules changed it. Writing is io/files.py's job.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

from ..errors import Span, StrategyError
from .files import MAX_STRATEGY_BYTES, FileProblem, read_regular


@dataclass(frozen=True)
class SourceFile:
    path: str
    text: str
    encoding: str  # "utf-8-sig" when the file starts with a BOM

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding)


def decode(data: bytes, path: str) -> SourceFile:
    """Decode ``data`` as Python would, or raise a located :class:`StrategyError`."""
    if b"\0" in data:
        raise StrategyError("binary file (contains NUL bytes)", Span(path, 1, 1))
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "invalid or missing encoding declaration" not in str(exc):
            raise StrategyError(f"bad coding declaration: {exc}", Span(path, 1, 1)) from None
        encoding = "utf-8"  # no declaration, and the first lines are not UTF-8: say where
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise StrategyError(f"cannot decode as {encoding}: byte 0x{data[exc.start]:02x} "
                            "(add a PEP 263 coding declaration?)", Span(path, line, col)) from None
    except LookupError:
        raise StrategyError(f"unknown encoding {encoding!r}", Span(path, 1, 1)) from None
    if encoding not in ("utf-8", "utf-8-sig") and text.encode(encoding) != data:
        # cp932 (`\xfa\x5c` comes back as `\xed\x40`), raw_unicode_escape (`'\u0041'` as
        # `'A'`): writing such a file back would change bytes no rule targeted.
        raise StrategyError(f"the {encoding} encoding does not give this file's bytes back "
                            "unchanged; not processed", Span(path, 1, 1))
    return SourceFile(path, text, encoding)


def read_bytes(path: Path, shown: str, limit: int = MAX_STRATEGY_BYTES) -> bytes:
    """The bytes of a strategy file (a regular file of at most ``limit`` bytes)."""
    try:
        return read_regular(path, limit)[0]
    except FileProblem as exc:
        raise StrategyError(str(exc), Span(shown, 1, 1)) from None


def read_source(path: Path, display: str | None = None) -> SourceFile:
    shown = display or str(path)
    return decode(read_bytes(path, shown), shown)
