"""Parent side: one request written to a child and one bounded answer read back, by a
deadline. A child cannot hold the parent: past the deadline, or once the child has exited
and a short grace has passed (a grandchild may hold the pipe open), reading stops; an
answer over the cap stops the reading too. Nothing here waits for an end of file."""

from __future__ import annotations

import os
import selectors
import subprocess
import time
from dataclasses import dataclass

# An answer is a list of trades: a few hundred kilobytes for thousands. The cap is low
# because decoding multiplies it (``[[],[],...]`` costs the parent ~28 bytes per byte).
ANSWER_CAP = 4 * 1024 * 1024
ERROR_TAIL = 4096  # the end of the child's stderr, for the reason it gives on failure
_GRACE = 0.5  # seconds to drain the pipes after the child exited


@dataclass(frozen=True)
class Exchange:
    """What came back: the answer bytes, the end of stderr, and why reading stopped early."""

    answer: bytes
    error_tail: bytes
    timed_out: bool = False
    oversized: bool = False


def exchange(child: subprocess.Popen[bytes], request: bytes, timeout: float,
             cap: int = ANSWER_CAP) -> Exchange:
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    deadline = time.monotonic() + timeout
    answer, tail = bytearray(), bytearray()
    pending = memoryview(request)
    with selectors.DefaultSelector() as selector:
        os.set_blocking(child.stdin.fileno(), False)
        selector.register(child.stdin, selectors.EVENT_WRITE)
        selector.register(child.stdout, selectors.EVENT_READ)
        selector.register(child.stderr, selectors.EVENT_READ)
        exited_at: float | None = None
        while selector.get_map():
            now = time.monotonic()
            if now >= deadline:
                return Exchange(bytes(answer), bytes(tail), timed_out=True)
            if exited_at is None and child.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > _GRACE:
                break
            for key, _ in selector.select(min(deadline - now, 0.1)):
                if key.fileobj is child.stdin:
                    try:
                        pending = pending[os.write(child.stdin.fileno(), pending[:65536]):]
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:  # the child stopped reading: its answer says why
                        pending = pending[:0]
                    if not pending:
                        selector.unregister(child.stdin)
                        child.stdin.close()
                    continue
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                elif key.fileobj is child.stdout:
                    answer += chunk
                    if len(answer) > cap:
                        return Exchange(b"", bytes(tail), oversized=True)
                else:
                    tail = (tail + chunk)[-ERROR_TAIL:]
    return Exchange(bytes(answer), bytes(tail))
