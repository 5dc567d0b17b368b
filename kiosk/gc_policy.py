"""When the terminal's process collects garbage: between visits, not in the middle of a touch.

CPython's automatic full collection walks every container object in the process. After
start-up the terminal holds about half a million (Kivy widgets and kv bindings of 14
screens, the catalog, the search index), and a full pass over them took 140–225 ms on the
2-core development machine, triggered by allocation counts at whatever moment they ran
out: often while a screen change was being laid out. So:

* once start-up is done, :meth:`CollectionPolicy.started` collects and then freezes the
  survivors (:func:`gc.freeze`): they live as long as the process and are never walked
  again;
* after each visit's wipe, once the attract screen is on glass, :meth:`visit_ended`
  collects what the visit left behind, which also releases the wiped personal data at once;
* every ``refreeze_every`` visits it unfreezes first, so long-lived objects created since
  start-up are frozen too and cycles among once-frozen objects cannot pile up.

After each pass the C allocator is asked to hand freed pages back to the system
(glibc's ``malloc_trim``; skipped where there is no glibc): text rendering and texture
uploads free many large blocks that would otherwise stay in the process's heap (about
20 MB after ten visits on the development machine). Young-generation collections stay
automatic. :meth:`diagnostics` reports the pauses.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import time
from collections.abc import Callable
from typing import Any


def _libc_trim() -> Callable[[], Any] | None:
    """glibc's ``malloc_trim(0)``, or None where the C library has none."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None
    if trim is None:
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return lambda: trim(0)


#: glibc's trim where there is one (None elsewhere); the default ``release``
LIBC_TRIM = _libc_trim()


class CollectionPolicy:
    """Freeze after start-up, collect after each visit; count and time every pass."""

    def __init__(self, *, refreeze_every: int = 50,
                 clock: Callable[[], float] = time.perf_counter,
                 release: Callable[[], Any] | None = LIBC_TRIM) -> None:
        if refreeze_every < 1:
            raise ValueError("refreeze_every must be at least 1")
        self.refreeze_every = refreeze_every
        self._clock = clock
        self._release = release
        self.visits = 0
        self.last_pause_ms = 0.0
        self.longest_pause_ms = 0.0
        self.frozen = 0

    def _timed(self, work: Callable[[], Any]) -> None:
        start = self._clock()
        work()
        if self._release is not None:
            self._release()
        pause = (self._clock() - start) * 1000
        self.last_pause_ms = pause
        self.longest_pause_ms = max(self.longest_pause_ms, pause)

    def _collect_and_freeze(self) -> None:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.frozen = gc.get_freeze_count()

    def started(self) -> None:
        """Start-up is done: collect once, then freeze what survived."""
        self._timed(self._collect_and_freeze)

    def visit_ended(self) -> None:
        """A visit was wiped: collect what it left (and re-freeze now and then)."""
        self.visits += 1
        if self.visits % self.refreeze_every == 0:
            self._timed(self._collect_and_freeze)
        else:
            self._timed(gc.collect)

    def diagnostics(self) -> dict[str, Any]:
        """Figures for the maintenance screen and the fleet heartbeat."""
        return {"visits": self.visits, "frozen_objects": self.frozen,
                "tracked_objects": len(gc.get_objects()),
                "last_pause_ms": round(self.last_pause_ms, 1),
                "longest_pause_ms": round(self.longest_pause_ms, 1)}
