"""The character spans a run is already rewriting, asked "does this span overlap one?" in
logarithmic time (a file with 8,000 sites asks 8,000 times)."""

from __future__ import annotations

import bisect


class TakenSpans:
    """Half-open spans ``[start, end)``, kept merged where they overlap, sorted by start.

    Merged spans never overlap (they may touch), so their ends are sorted too: the spans
    starting before ``end`` are a prefix, and the last of them reaches furthest."""

    __slots__ = ("starts", "ends")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        """Does ``[start, end)`` overlap a taken span (``s < t_end and t_start < e``)?"""
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        starts, ends = self.starts, self.ends
        lo = bisect.bisect_left(starts, end)  # spans starting before `end`...
        first = lo
        while first > 0 and ends[first - 1] > start:  # ...that reach past `start`
            first -= 1
        if first < lo:
            start, end = min(start, starts[first]), max(end, ends[lo - 1])
        del starts[first:lo], ends[first:lo]
        at = bisect.bisect_left(starts, start)
        while at < len(starts) and starts[at] == start and ends[at] <= end:
            at += 1  # equal starts: keep ends sorted (zero-width spans)
        starts.insert(at, start)
        ends.insert(at, end)
