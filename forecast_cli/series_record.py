"""What loading hands on: a regular ``Series`` (the frame the windows are cut from) and
its ``LoadReport`` (what loading did to the data, said in one line on stderr). Kept apart
from ``series``, which builds them, because every later stage reads these types and none
of them needs the loading steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

ENDS_TRIMMED = "empty target rows at the ends left out"
MISSING_DROPPED = "periods with a missing value dropped by --fill drop"


@dataclass
class LoadReport:
    """What loading did to the data, for the one summary line on stderr."""

    rows_read: int
    rows: int
    start: str
    end: str
    freq: str | None
    freq_source: str  # "given", "inferred" or "step index"
    duplicates_merged: int = 0
    gaps_filled: int = 0
    first_gap: str = ""  # the first period filled, so a count of one can be checked
    gaps_weekday: str = ""  # "every one a Sunday" when the filled gaps all fall on one weekday
    nans_filled: int = 0
    rows_dropped: int = 0
    missing_dropped: int = 0  # periods --fill drop left out: the rows after each step over it
    dropped_why: str = ""  # where the dropped rows were ("outside XNYS trading hours, first ...")
    ends_trimmed: int = 0  # rows before the target's first value or after its last
    rows_combined: int = 0  # rows a given step put into another row's period (combined with --agg)
    note: str = ""
    combined_from: str = ""  # the data's own step, where rows were combined into a coarser given one

    def line(self) -> str:
        freq = self.freq if self.freq is not None else "integer steps"
        gaps_on = f", {self.gaps_weekday}" if self.gaps_weekday else ""
        parts = [
            f"{self.rows_read} rows read -> {self.rows} rows",
            f"{self.start} .. {self.end}",
            f"freq {freq} ({self.freq_source})",
            f"{self.duplicates_merged} duplicates merged",
            f"{self.gaps_filled} gaps filled"
            + (f" (first {self.first_gap}{gaps_on})" if self.gaps_filled and self.first_gap else ""),
            f"{self.nans_filled} NaNs filled",
        ]
        if self.rows_dropped:
            parts.append(
                f"{self.rows_dropped} rows dropped" + (f" ({self.dropped_why})" if self.dropped_why else "")
            )
        if self.missing_dropped:
            parts.append(f"{self.missing_dropped} {MISSING_DROPPED}")
        if self.ends_trimmed:
            parts.append(f"{self.ends_trimmed} {ENDS_TRIMMED}")
        if self.note:
            parts.append(self.note)
        return "data: " + ", ".join(parts)

    def add_note(self, text: str) -> None:
        if text:
            self.note = f"{self.note}; {text}" if self.note else text


@dataclass
class Series:
    """A regular series ready for windowing: target first, features after."""

    frame: pd.DataFrame
    target: str
    features: tuple[str, ...]
    freq: str | None
    report: LoadReport
    # Index labels whose target was filled (a gap or an empty cell), not observed: inputs
    # may read them, but a backtest scores observed values only. Labels, not positions,
    # so the frame can be sliced without it.
    filled_at: pd.Index | None = None
    # Per feature column, the labels of its cells the loader filled: a backtest carries
    # them forward (``backtest_fill``) as it does the target's.
    inputs_filled: dict[str, pd.Index] | None = None

    def observed(self) -> np.ndarray:
        """(time,) True where the target was observed, False where it was filled."""
        if self.filled_at is None or not len(self.filled_at):
            return np.ones(len(self.frame), dtype=bool)
        return ~self.frame.index.isin(self.filled_at)

    @property
    def values(self) -> np.ndarray:
        """All columns as float64, shape (time, 1 + features): the same numbers training
        and prediction see (float32 would round values above 2**24)."""
        return self.frame.to_numpy(dtype=np.float64)

    @property
    def y(self) -> np.ndarray:
        """The target as float64, shape (time,)."""
        return self.frame[self.target].to_numpy(dtype=np.float64)
