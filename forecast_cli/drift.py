"""The long-run drift input: how fast the series has moved over the rows before a window.

The network reads a lookback of a few seasons. On a panel that is too short to tell a flat
series from one that has grown for ten years, and a global model fills the gap with the
panel's average growth: on M1 quarterly it added a percent a quarter to series that had
been level for decades, the largest share of its MASE gap to exponential smoothing, which
sees the whole history. So each window also gets one number, the mean change per row of
the scaled target over up to ``rows`` rows before its origin (``DRIFT_LOOKBACKS`` lookbacks,
fewer where the series is shorter), times the horizon: the change the long-run trend would
add over the forecast, in the units of the level-normalised target inputs.

It is computed from the target rows before the origin only (no leakage), the same way in
training and in prediction, and it needs the model file to keep ``rows`` + 1 rows of each
series' history (``Plan.history_rows``). It is constant over the window, so a recursive
forecast carries it into the rows it rolls forward. Measured on the M1 panels and clean
hold-outs of them (benchmarks/RESULTS.md, "Long-run drift input"): lower sMAPE and MASE on
all four, most on quarterly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .season_profile import season_profile

DRIFT_LOOKBACKS = 4  # rows the drift spans, in lookbacks: the whole history of most series (see RESULTS)


def drift(target: Any, origins: Any, starts: Any, rows: int, horizon: int) -> Any:
    """(windows,) long-run drift before each origin, for numpy arrays or torch tensors alike.

    ``target`` (stacked rows,): the scaled target; ``origins`` (windows,): row of each
    window's first forecast step; ``starts`` (windows,): the first row of its series. The
    mean change per row from ``min(rows, available)`` rows back to the last input, times
    ``horizon``; 0 where the series has one row before the origin.
    """
    now = origins - 1  # the window's last input row
    back = (now - starts).clip(min=0, max=rows)
    change = target[now] - target[now - back]
    # in the target's own float type, as torch divides: numpy would widen to float64 and
    # round differently from training in the last bit
    steps = back.clip(min=1)
    steps = steps.astype(target.dtype) if hasattr(steps, "astype") else steps.to(target.dtype)
    return change / steps * horizon


def long_run(
    target: Any, origins: Any, starts: Any, rows: int, horizon: int, season: int = 1, profile: int = 0
) -> Any:
    """(windows, 1 + profile): the drift, then ``profile`` columns of the long-run seasonal
    profile (``season_profile``; 0 columns unless the model reads them)."""
    d = drift(target, origins, starts, rows, horizon)[:, None]  # (windows, 1)
    if not profile:
        return d
    p = season_profile(target, origins, starts, rows, season, profile)  # (windows, profile)
    if isinstance(d, np.ndarray):
        return np.concatenate([d, p], axis=1)
    import torch  # a tensor came in, so torch is loaded already

    return torch.cat([d, p], dim=1)


def with_drift(windows: Any, values: Any) -> Any:
    """``windows`` (batch, steps, features) with ``values`` (batch, k) as columns 1..k on every
    step: (batch, steps, features + k). Column 0 stays the target, the others move right."""
    if isinstance(windows, np.ndarray):
        cols = np.broadcast_to(
            values.astype(windows.dtype)[:, None, :], (*windows.shape[:2], values.shape[1])
        )
        return np.concatenate([windows[..., :1], cols, windows[..., 1:]], axis=-1)
    import torch  # a tensor came in, so torch is loaded already; plan.py imports this module

    col = values.to(windows.dtype)[:, None, :].expand(-1, windows.shape[1], -1)  # (batch, steps, k)
    return torch.cat([windows[..., :1], col, windows[..., 1:]], dim=-1)
