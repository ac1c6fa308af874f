"""Structured logging through the standard ``logging`` module (``--log-format json``)."""

from __future__ import annotations

import json
import logging
import sys

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record), "level": record.levelname,
                 "logger": record.name, "message": record.getMessage()}
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        return json.dumps(entry, default=str)


class ColourFormatter(logging.Formatter):
    """Text records with the level coloured: warnings yellow, errors red."""

    STYLES = {"WARNING": "\x1b[33m", "ERROR": "\x1b[31m", "CRITICAL": "\x1b[31m"}

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        style = self.STYLES.get(record.levelname)
        return f"{style}{text}\x1b[0m" if style else text


def configure(level: str, fmt: str, colour: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    text = "%(levelname)s %(name)s: %(message)s"
    handler.setFormatter(JsonFormatter() if fmt == "json" else
                         ColourFormatter(text) if colour else logging.Formatter(text))
    root = logging.getLogger("exitdsl")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
