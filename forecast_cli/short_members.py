"""The series of a ``--local`` panel too short for a network of their own.

A global model forecasts a series too short for one training window by seasonal naive (or
naive) from its own rows and says so. A ``--local`` member of such a series failed its
fit, so ``train --local`` exited 5 and ``predict`` refused the series ("no network"): a
product launched last quarter stopped a panel whose other series all trained. It is now
forecast as the global model forecasts it: the last season repeated (the last value where
it holds less than a season), banded by the members' pooled errors (``member_pool``) at a
typical width, its scale (``intervals.series_scale`` of its rows) times the members'
median width per unit of scale, step by step: the width a member's spread head gives a
series of that scale, as a panel's baseline rows take the typical width
(``band_shape.normalisers``).

Only a fit that fails for want of rows (``errors.TooFewRows``) makes a short member; any
other failure is still a failure, named at training.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .band_shape import divisors
from .baselines import seasonal_naive
from .intervals import CalibrationTable, bands, series_scale
from .prediction_notes import short_note
from .steps import future_index
from .stored_histories import StoredHistories

if TYPE_CHECKING:
    from .forecaster import Forecaster
    from .panel import Panel

PREFIX = "short/"  # their rows in the model file: short/history_values, ...


@dataclass
class ShortMembers:
    """Every row of each short series, its scale, and what its bands are sized by."""

    ids: tuple[str, ...]
    histories: StoredHistories
    scales: np.ndarray  # (series,) the mean absolute change of each one's rows (NaN: one row)
    season: int  # the members' season: the lag a series holding a whole one repeats
    ratio: np.ndarray | None  # (steps,) the members' median width per unit of scale; None: no head
    share: float  # how much of the typical width the members' normalisers add

    @classmethod
    def build(
        cls, ids: Sequence[str], frames: Sequence[pd.DataFrame], members: Sequence[Forecaster], season: int
    ) -> ShortMembers:
        """The short series ``ids`` (their rows ``frames``, target first) beside the trained
        ``members``; ``season``: the panel's (a member's own falls to 1 where it is short)."""
        ratios = [m.width_ratio_ for m in members if m.width_ratio_ is not None]
        steps = {len(r) for r in ratios}
        ratio = np.median(np.stack(ratios), axis=0) if ratios and len(steps) == 1 else None
        scales = np.array([series_scale(f.iloc[:, 0].to_numpy(dtype=np.float64), False) for f in frames])
        first = members[0]
        return cls(
            tuple(ids),
            StoredHistories.from_frames(frames),
            scales,
            season,
            ratio,
            first.typical_share_,
        )

    def method(self, rows: int) -> str:
        return "seasonal naive" if rows >= self.season > 1 else "naive"

    def forecast(
        self,
        sid: str,
        part: Panel | None,
        horizon: int,
        freq: str | None,
        table: CalibrationTable | None,
        levels: Sequence[float],
        quantiles: Sequence[float],
        id_col: str | None,
    ) -> pd.DataFrame:
        """Series ``sid``'s forecast from ``part`` (its rows given to ``predict``, as a panel
        of one; None: its stored rows) in the frame ``prediction.predict`` gives, with a note
        saying how. ``table``: the members' pool (None: no band)."""
        i = self.ids.index(sid)
        frame = self.histories[i] if part is None else part.members[0].frame
        target = self.histories.columns[0]  # stored target first; a given frame may order them otherwise
        y = frame[target].to_numpy(dtype=np.float64)
        method = self.method(len(y))
        point = seasonal_naive(y, np.array([len(y)]), horizon, season=self.season if method != "naive" else 1)
        scale = self.scales[i : i + 1]  # (1,)
        norm = divisors(None, scale, horizon, self.ratio, self.share)  # (1, horizon): the typical width
        extra = {}
        if table is not None:
            floor = 0.0 if not (y < 0).any() else None  # as a series never below zero is cut
            extra = bands(point, norm, table, levels, quantiles, False, floor=floor, anchor=y[-1:])
        stamps = future_index(frame.index[-1], freq, horizon)
        index = pd.MultiIndex.from_arrays([np.repeat(np.asarray([sid], dtype=object), horizon), stamps])
        index = index.set_names([id_col, stamps.name])
        out = pd.DataFrame(
            {target: point[0], **{f"{target}-{k}": v[0] for k, v in extra.items()}}, index=index
        )
        why = "too few for a network of its own"
        out.attrs["notes"] = [short_note(why, [sid], [y], [0], method, bool(np.isnan(scale[0])))]
        return out

    # ------------------------------------------------------------ persistence
    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        history, arrays = self.histories.to_arrays(PREFIX)
        meta = {
            "ids": list(self.ids),
            "history": history,
            "scales": [float(v) for v in self.scales],
            "season": self.season,
            "width_ratio": None if self.ratio is None else [float(v) for v in self.ratio],
            "typical_share": self.share,
        }
        return meta, arrays

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> ShortMembers:
        """Inverse of ``state``; inconsistent metadata is a ``ValueError``."""
        histories = StoredHistories.from_arrays(meta["history"], arrays, PREFIX)
        ids = tuple(str(i) for i in meta["ids"])
        scales = np.asarray(meta["scales"], dtype=np.float64)
        if len(histories) != len(ids) or len(scales) != len(ids) or not ids:
            raise ValueError("the short series' rows disagree with their ids")
        ratio = meta.get("width_ratio")
        season = meta["season"]
        if scales.ndim != 1 or bool((scales < 0).any()) or not isinstance(season, int) or season < 1:
            raise ValueError("the short series' scales or season are not what a fit writes")
        if ratio is not None and (np.ndim(ratio) != 1 or not ratio or not np.all(np.isfinite(ratio))):
            raise ValueError("the short series' width ratios are not one finite number per step")
        return cls(
            ids,
            histories,
            scales,
            season,
            None if ratio is None else np.asarray(ratio, dtype=np.float64),
            float(meta["typical_share"]),
        )
