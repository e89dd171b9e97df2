"""The long-run seasonal profile input: each phase's usual deviation, over the rows before a window.

A window of two seasons holds two observations of each phase (quarter, month). When the
panel's own windows show that their seasonal lag forecasts worse than their last value
(``highway.choose_highway`` starts the highway as naive although the data has a season),
two observations are too noisy to read the season from, and the global model had to
guess the pattern: on M1 quarterly it mistook seasonal dips for level shifts and the
reverse. So such a model's windows also get the pattern averaged over the whole drift
span (``drift.DRIFT_LOOKBACKS`` lookbacks, whole seasons only): for each of the first
``min(season, horizon)`` forecast steps, the mean deviation of its phase from the mean
of its season, with the long-run drift's within-season slope taken out. Constant over
the window, like the drift, and read from rows before the origin only, the same way in
training and in prediction. Measured (benchmarks/RESULTS.md, "Long-run seasonal
profile"): M1 quarterly MASE 1.668 -> 1.603 (median of three seeds), the second quarterly panel
1.318 -> 1.281; on M1 monthly, where seasonal naive wins the highway's vote, the same
input made the forecasts worse (1.064 -> 1.082), so it is given only where the vote
says the windows cannot see their season.

The direct strategy only: a recursive forecast rolls its window forward, which would
move each step's phase past what a constant input can say.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def profile_columns(highway_init: str, season: int, drift_rows: int, horizon: int, direct: bool) -> int:
    """How many profile columns a model reads: ``min(season, horizon)`` when its highway
    starts as naive on seasonal data with a drift span of at least one season, else 0."""
    if highway_init != "naive" or season <= 1 or drift_rows < season or not direct:
        return 0
    return min(season, horizon)


def season_profile(target: Any, origins: Any, starts: Any, rows: int, season: int, columns: int) -> Any:
    """(windows, columns): the long-run deviation of the phase of each of the first
    ``columns`` forecast steps, for numpy arrays or torch tensors alike (one body: the
    operations used spell the same in both, ``_Ops`` covers the three that do not).

    ``target`` (stacked rows,), ``origins`` and ``starts`` (windows,) as for ``drift.drift``.
    The span is the last ``rows // season`` whole seasons before the origin that the series
    has; each season's values minus that season's mean, minus the span's mean slope times
    the phase's offset from the season's centre, averaged over the seasons. Step j+1 after
    the origin has the phase of row ``origin - season + j``. 0 where no whole season exists.
    """
    ops = _Ops(target)
    m = season
    k = rows // m
    span = k * m
    if k == 0:  # a span shorter than a season holds no profile
        return ops.zeros(len(origins), columns)
    now = origins - 1  # the window's last input row
    have = ((now - starts + 1).clip(min=0, max=span) // m) * m  # (windows,) rows in whole seasons
    offs = ops.arange(-span + 1, 1)  # (span,)
    valid = offs[None, :] > -have[:, None]  # (windows, span)
    values = ops.where(valid, target[(now[:, None] + offs[None, :]).clip(min=0)])  # (windows, span)
    values = values.reshape(len(now), k, m)  # (windows, seasons, m)
    used = valid.reshape(len(now), k, m)[..., 0]  # (windows, seasons)
    seasons = have // m  # (windows,) whole seasons used, the newest last
    means = values.mean(axis=2, keepdims=True)  # (windows, seasons, 1)
    # the span's slope: the newest season's mean minus the oldest used one's, per row between
    oldest = ops.take(means[..., 0], k - seasons.clip(min=1))  # (windows,)
    apart = ((seasons - 1) * m).clip(min=1)  # (windows,)
    slope = ops.cast(ops.where(seasons > 1, (means[:, -1, 0] - oldest) / ops.floats(apart)))  # (windows,)
    centred = ops.floats(np.arange(m) - (m - 1) / 2)  # (m,) each phase's offset from its season's centre
    dev = values - means - slope[:, None, None] * centred[None, None, :]  # (windows, seasons, m)
    dev = ops.where(used[..., None], dev)  # (windows, seasons, m)
    count = ops.floats(used.sum(axis=1).clip(min=1))[:, None]  # (windows, 1)
    return ops.cast(dev.sum(axis=1) / count)[:, :columns]  # (windows, columns)


class _Ops:
    """The few operations numpy and torch spell differently, for arrays like ``target``."""

    def __init__(self, target: Any):
        self.target = target
        self.numpy = isinstance(target, np.ndarray)

    def arange(self, *bounds: int) -> Any:
        if self.numpy:
            return np.arange(*bounds)
        import torch  # a tensor came in, so torch is loaded already

        return torch.arange(*bounds, device=self.target.device)

    def zeros(self, *shape: int) -> Any:
        if self.numpy:
            return np.zeros(shape, dtype=self.target.dtype)
        import torch

        return torch.zeros(shape, dtype=self.target.dtype, device=self.target.device)

    def where(self, cond: Any, value: Any) -> Any:
        """``value`` where ``cond``, else 0, in ``value``'s type."""
        if self.numpy:
            return np.where(cond, value, 0.0)
        import torch

        return torch.where(cond, value, torch.zeros((), dtype=value.dtype, device=value.device))

    def take(self, rows: Any, index: Any) -> Any:
        """``rows[i, index[i]]`` for every i."""
        if self.numpy:
            return np.take_along_axis(rows, index[:, None], axis=1)[:, 0]
        import torch

        return torch.take_along_dim(rows, index.long()[:, None], dim=1)[:, 0]

    def cast(self, values: Any) -> Any:
        """``values`` in the target's float type."""
        return values.astype(self.target.dtype) if self.numpy else values.to(self.target.dtype)

    def floats(self, values: Any) -> Any:
        """``values`` to compute with: numpy keeps them as they are (its arithmetic then
        runs in float64, rounded once by ``cast``), torch takes the target's float type."""
        if self.numpy:
            return values
        import torch

        return torch.as_tensor(values, dtype=self.target.dtype, device=self.target.device)
