"""Each horizon step's calibration errors, joined by its nearest steps' where it has too
few (``intervals.MIN_STEP_ERRORS``): the last steps of a long horizon on one short series
would otherwise rest on one or two errors."""

from __future__ import annotations

import numpy as np


class Neighbours:
    """Each step's errors joined by those of the nearest steps (h-1, h+1, h-2, ...) until
    there are at least ``least`` or no step is left: the steps h-k..h+k for the smallest k
    that holds enough. Found by bisection over the running count, and read as one slice of
    the errors laid out step by step: walking out one step at a time and recounting took
    10-second data's default day of 8,640 steps, most of them past every validation
    window, an hour or more (cubic in the horizon)."""

    def __init__(self, per_step: list[np.ndarray]):
        self.flat = np.concatenate(per_step) if per_step else np.empty(0)
        self.start = np.concatenate([[0], np.cumsum([len(e) for e in per_step])]).astype(np.int64)

    def _span(self, h: int, k: int) -> tuple[int, int]:
        steps = len(self.start) - 1
        return max(h - k, 0), min(h + k, steps - 1) + 1

    def around(self, h: int, least: int) -> np.ndarray:
        """Step ``h``'s errors and its nearest steps', at least ``least`` where there are."""
        steps = len(self.start) - 1
        lo, hi = 0, max(h, steps - 1 - h)  # the smallest k holding enough lies in [lo, hi]
        while lo < hi:
            k = (lo + hi) // 2
            a, b = self._span(h, k)
            if self.start[b] - self.start[a] >= least:
                hi = k
            else:
                lo = k + 1
        a, b = self._span(h, lo)
        return self.flat[self.start[a] : self.start[b]]
