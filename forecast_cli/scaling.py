"""Target transforms and scalers. Both are fit on training rows only.

Order: ``transform`` (log / diff) first on the raw target, then an affine ``Scaler``
on every column. Both are invertible exactly and serialise to plain JSON, so the model
file needs no pickle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .choices import DIFFERENCING
from .errors import DataError, first_few


def refuse_log_of_nonpositive(transform: str, ys: Sequence[np.ndarray], ids: Sequence[str]) -> None:
    """Refuse a ``--transform log`` (or ``logdiff``) given for a panel with values <= 0,
    naming the series and the first such value: ``Transform.forward`` says it of one
    series at a time, and a panel's user was left to find which of hundreds it meant."""
    if transform not in ("log", "logdiff") or len(ys) < 2:
        return
    bad = [(name, y) for name, y in zip(ids, ys, strict=True) if np.any(np.asarray(y) <= 0)]
    if bad:
        name, y = bad[0]
        value = float(np.asarray(y)[np.asarray(y) <= 0][0])
        raise DataError(
            f"--transform {transform} needs a strictly positive target, but {len(bad)} of {len(ys)} series "
            f"{'has' if len(bad) == 1 else 'have'} values <= 0 ({first_few([repr(n) for n, _ in bad])}; {name!r} has {value:g}); "
            "use --transform none or diff, or leave them out with --ids"
        )


@dataclass
class Transform:
    """A target transform.

    - ``none``: z = y
    - ``log``: z = ln y (y > 0); for multiplicative seasonality and exponential growth
    - ``diff``: z_t = y_t - y_{t-1}; for trends (row 0 is undefined)
    - ``logdiff``: z_t = ln y_t - ln y_{t-1}; log returns, for prices
    """

    name: str = "none"
    chosen: bool = False  # picked by ``--transform auto``, not given: said when it cannot apply

    @property
    def differencing(self) -> bool:
        return self.name in DIFFERENCING

    @property
    def uses_log(self) -> bool:
        return self.name in ("log", "logdiff")

    def forward(self, y: np.ndarray) -> np.ndarray:
        """Transform a 1-D target; differencing leaves NaN in row 0 so rows stay aligned."""
        y = np.asarray(y, dtype=np.float64)
        if self.uses_log:
            if np.any(y <= 0):
                if self.chosen:  # the fit's rows were all positive; newer ones are not
                    raise DataError(
                        "the model takes logs of the target (--transform auto: every value it was "
                        "fitted on was strictly positive), but rows after them have values <= 0; "
                        "give --transform none (or, in a backtest, --refit always)"
                    )
                raise DataError(
                    f"--transform {self.name} needs a strictly positive target, but it has values <= 0; "
                    "use --transform none or diff"
                )
            y = np.log(y)
        if self.differencing:
            z = np.empty_like(y)
            z[0] = np.nan
            z[1:] = np.diff(y)
            return z
        return y

    def inverse(self, z: np.ndarray, last: np.ndarray) -> np.ndarray:
        """Invert forecasts ``z`` of shape (n, horizon) given ``last``, the observed target
        just before each origin (shape (n,)); only differencing needs it."""
        z = np.asarray(z, dtype=np.float64)
        if self.differencing:
            base = np.log(last) if self.uses_log else np.asarray(last, dtype=np.float64)
            z = base[:, None] + np.cumsum(z, axis=1)
        return np.exp(z) if self.uses_log else z


@dataclass
class Scaler:
    """Per-column affine scaling ``(x - center) / scale``.

    - ``standard``: center = mean, scale = standard deviation
    - ``minmax``: center = min, scale = max - min (maps training rows to [0, 1])
    - ``robust``: center = median, scale = interquartile range (outliers barely move it)
    - ``shared``: ``standard``, except that the target's scale is one number for the whole
      panel (the median of the series' own standard deviations; see ``share_target_scale``)

    The same statistics as scikit-learn's StandardScaler, MinMaxScaler and RobustScaler,
    computed with numpy (importing scikit-learn costs about a second of start-up); only the
    two vectors are kept, as JSON.
    """

    kind: str = "standard"
    center: np.ndarray | None = None
    scale: np.ndarray | None = None

    def fit(self, x: np.ndarray) -> Scaler:
        """Learn center and scale from ``x`` (rows, columns); NaN rows are ignored."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim == 1:
            x = x[:, None]
        x = x[~np.isnan(x).any(axis=1)]
        if self.kind in ("standard", "shared"):
            center, scale = x.mean(axis=0), x.std(axis=0)
            # squares of values near 1e-200 underflow to 0 (a "constant" column): for such
            # tiny columns, the spread of x over its largest size, times that size
            size = np.abs(x).max(axis=0, initial=0.0)
            tiny = (size > 0) & (size < 1e-100)
            if tiny.any():
                scale = np.where(tiny, (x / np.where(tiny, size, 1.0)).std(axis=0) * size, scale)
        elif self.kind == "minmax":
            center, scale = x.min(axis=0), x.max(axis=0) - x.min(axis=0)
        elif self.kind == "none":
            center, scale = np.zeros(x.shape[1]), np.ones(x.shape[1])
        elif self.kind == "robust":
            q25, center, q75 = np.percentile(x, [25, 50, 75], axis=0)
            scale = q75 - q25
        else:
            raise DataError(f"unknown scaler {self.kind!r}; use standard, minmax or robust")
        # constant columns pass through; "constant" is relative to the column's size, so a
        # series of 1e-12s that moves is scaled like any other (an absolute 1e-12 left it raw)
        scale = np.where(scale > np.maximum(1e-12 * np.abs(center), np.finfo(float).tiny), scale, 1.0)
        self.center, self.scale = center, scale
        return self

    def with_target_scale(self, scale: float) -> Scaler:
        """A copy whose target column (0) is divided by ``scale`` instead of its own."""
        assert self.center is not None and self.scale is not None, "fit the scaler first"
        scales = self.scale.copy()
        scales[0] = scale
        return Scaler(self.kind, self.center.copy(), scales)

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (x - self.center) / self.scale

    def inverse_target(self, z: np.ndarray) -> np.ndarray:
        """Undo scaling for the target column (column 0) only."""
        assert self.center is not None and self.scale is not None, "fit the scaler first"
        return z * self.scale[0] + self.center[0]

    def to_dict(self) -> dict:
        assert self.center is not None and self.scale is not None, "fit the scaler first"
        return {"kind": self.kind, "center": self.center.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_dict(cls, raw: dict) -> Scaler:
        return cls(
            raw["kind"],
            np.asarray(raw["center"], dtype=np.float64),
            np.asarray(raw["scale"], dtype=np.float64),
        )


def share_target_scale(scalers: list[Scaler], members: np.ndarray | None = None) -> list[Scaler]:
    """Every series' scaler (each fit on that series' training rows only) with one target
    scale for the panel: the median of their own. For a log target that keeps series
    comparable: after the log and level normalisation the network sees relative changes, and a series that moves 1% a month should look calmer
    than one that moves 20%, which per-series standardising would hide (measured on M1
    monthly: sMAPE 14.7 with one scale against 15.3 per series). Dividing by one typical
    scale still gives the optimiser inputs near unit size; a single series is its own
    median, so ``shared`` equals ``standard`` there. ``members`` (bool per series): the
    series whose scales set the median (default all); the others take it, as an unseen
    series does at ``predict``.
    """
    typical = float(
        np.median(
            [
                s.scale[0]
                for i, s in enumerate(scalers)
                if s.scale is not None and (members is None or members[i])
            ]
        )
    )
    return [s.with_target_scale(typical) for s in scalers]
