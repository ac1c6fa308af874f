"""A progress display on stderr for long runs (files done, rate, ETA), drawn by tqdm.

tqdm rather than a hand-rolled bar: it measures rate and ETA with smoothing, redraws only
as often as the terminal can bear, handles resizes, and has ``write`` for messages that
must appear above the bar instead of on its line. It appears only on a terminal, without
``-q``, and only once a run has lasted ``DELAY`` seconds (short runs never see it).
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any, TextIO

DELAY = 0.5


class Progress:
    """Count steps; ``say`` prints a message without breaking the display."""

    def __init__(self, total: int, stream: TextIO, enabled: bool, unit: str = "file") -> None:
        self.stream = stream
        self.bar: Any = None
        self._handlers: list[tuple[logging.StreamHandler[Any], Any]] = []
        if enabled and stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=stream, unit=unit, delay=DELAY, leave=False,
                            dynamic_ncols=True)
            self._route_logging()

    def step(self, label: str = "") -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(label[-40:], refresh=False)
            self.bar.update(1)

    def say(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(message, file=self.stream)
        else:
            print(message, file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            for handler, stream in self._handlers:
                handler.stream = stream

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def _route_logging(self) -> None:
        """Log records written through the bar, so that warnings never land on its line."""
        progress = self

        class Through:
            def write(self, text: str) -> None:
                if text.strip():
                    progress.bar.write(text.rstrip("\n"), file=progress.stream)

            def flush(self) -> None:
                pass

        for handler in logging.getLogger("exitdsl").handlers:
            if isinstance(handler, logging.StreamHandler):
                # Swapped in place: setStream would flush the old stream, which may be gone.
                self._handlers.append((handler, handler.stream))
                handler.stream = Through()
