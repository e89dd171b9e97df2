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
profile"): M1 quarterly MASE 1.668 -> 1.609 (three seeds), the second quarterly panel
1.318 -> 1.293; on M1 monthly, where seasonal naive wins the highway's vote, the same
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
    ``columns`` forecast steps, for numpy arrays or torch tensors alike.

    ``target`` (stacked rows,), ``origins`` and ``starts`` (windows,) as for ``drift.drift``.
    The span is the last ``rows // season`` whole seasons before the origin that the series
    has; each season's values minus that season's mean, minus the span's mean slope times
    the phase's offset from the season's centre, averaged over the seasons. Step j+1 after
    the origin has the phase of row ``origin - season + j``. 0 where no whole season exists.
    """
    m = season
    k = rows // m
    span = k * m
    if k == 0:  # a span shorter than a season holds no profile
        return _zeros_like_rows(target, len(origins), columns)
    now = origins - 1  # the window's last input row
    have = ((now - starts + 1).clip(min=0, max=span) // m) * m  # (windows,) rows in whole seasons
    centred = np.arange(m) - (m - 1) / 2  # (m,) each phase's offset from its season's centre
    if isinstance(target, np.ndarray):
        offs = np.arange(-span + 1, 1)  # (span,)
        valid = offs[None, :] > -have[:, None]  # (windows, span)
        values = target[np.clip(now[:, None] + offs[None, :], 0, None)]  # (windows, span)
        values = np.where(valid, values, 0.0).reshape(len(now), k, m)  # (windows, seasons, m)
        used = valid.reshape(len(now), k, m)[..., 0]  # (windows, seasons)
        slope = _slope(values, used, have, m)  # (windows,)
        dev = values - values.mean(axis=2, keepdims=True) - slope[:, None, None] * centred[None, None, :]
        dev = np.where(used[..., None], dev, 0.0)  # (windows, seasons, m)
        count = np.maximum(used.sum(axis=1), 1)[:, None]  # (windows, 1)
        return (dev.sum(axis=1) / count)[:, :columns].astype(target.dtype)  # (windows, columns)
    import torch  # a tensor came in, so torch is loaded already

    offs_t = torch.arange(-span + 1, 1, device=target.device)  # (span,)
    valid_t = offs_t[None, :] > -have[:, None]  # (windows, span)
    zero = torch.zeros((), dtype=target.dtype, device=target.device)
    vals = torch.where(valid_t, target[(now[:, None] + offs_t[None, :]).clamp(min=0)], zero)
    vals = vals.reshape(len(now), k, m)  # (windows, seasons, m)
    used_t = valid_t.reshape(len(now), k, m)[..., 0]  # (windows, seasons)
    slope_t = _slope(vals, used_t, have, m)  # (windows,)
    phase = torch.as_tensor(centred, dtype=target.dtype, device=target.device)  # (m,)
    dev_t = vals - vals.mean(dim=2, keepdim=True) - slope_t[:, None, None] * phase[None, None, :]
    dev_t = torch.where(used_t[..., None], dev_t, zero)  # (windows, seasons, m)
    count_t = used_t.sum(dim=1).clamp(min=1)[:, None].to(target.dtype)  # (windows, 1)
    return (dev_t.sum(dim=1) / count_t)[:, :columns]  # (windows, columns)


def _slope(values: Any, used: Any, have: Any, m: int) -> Any:
    """(windows,) mean change per row across the span: the last season's mean minus the
    first used season's, over the rows between them (0 with fewer than two seasons)."""
    k = values.shape[1]
    means = values.mean(2)  # (windows, seasons)
    seasons = have // m  # (windows,) whole seasons used, the newest last
    first = k - seasons.clip(min=1)  # (windows,) index of the oldest used season
    if isinstance(values, np.ndarray):
        oldest = np.take_along_axis(means, first[:, None], axis=1)[:, 0]
        rows_apart = np.maximum((seasons - 1) * m, 1)
        return np.where(seasons > 1, (means[:, -1] - oldest) / rows_apart, 0.0).astype(values.dtype)
    oldest_t = means.gather(1, first.long()[:, None])[:, 0]
    rows_apart_t = ((seasons - 1) * m).clamp(min=1).to(values.dtype)
    return _zero_unless(seasons > 1, (means[:, -1] - oldest_t) / rows_apart_t)


def _zero_unless(cond: Any, value: Any) -> Any:
    import torch

    return torch.where(cond, value, torch.zeros((), dtype=value.dtype, device=value.device))


def _zeros_like_rows(target: Any, windows: int, columns: int) -> Any:
    if isinstance(target, np.ndarray):
        return np.zeros((windows, columns), dtype=target.dtype)
    import torch

    return torch.zeros((windows, columns), dtype=target.dtype, device=target.device)
