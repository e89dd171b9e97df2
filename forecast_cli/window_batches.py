"""Training and validation batches gathered by window origin from one scaled tensor.

No window is materialised ahead of time: a panel of 10,000 series x 1,000 rows has ten
million overlapping windows, and each batch's rows are computed from its origins instead.
"""

from __future__ import annotations

import torch

from .drift import long_run, with_drift
from .panel_arrays import CalendarCodes


class WindowBatches:
    """Gathers (inputs, targets, mask) batches by origin from one scaled series tensor.

    ``series`` is (rows, features); targets are column 0. Nothing but the batch is copied:
    each batch's rows are computed from its origins, and origins whose horizon runs past
    the end (validation near the end of the data) get a mask of zeros on the missing steps.

    With ``future_cols`` k > 0 the inputs run over the horizon rows too: (batch, lookback
    + horizon, features), the horizon rows holding only the last k (known-future) columns
    and zeros elsewhere, so no target value after the origin reaches the network.

    With ``drift_rows`` > 0 every window also carries its long-run drift as column 1 (see
    ``drift``), over ``drift_horizon`` steps, and then ``profile`` = (season, columns)
    columns of its long-run seasonal profile (see ``season_profile``; none when columns is 0).
    """

    def __init__(
        self,
        series: torch.Tensor,
        lookback: int,
        horizon: int,
        bounds: torch.Tensor | None = None,
        future_cols: int = 0,
        calendar: CalendarCodes | None = None,
        drift_rows: int = 0,
        drift_horizon: int = 0,
        profile: tuple[int, int] = (1, 0),
    ):
        self.series, self.lookback, self.horizon = series, lookback, horizon
        self.drift_rows, self.drift_horizon = drift_rows, drift_horizon
        self.profile = profile  # (season, columns) of the seasonal profile input (see season_profile)
        self.calendar = calendar  # calendar columns kept as codes (see panel_arrays)
        self.future_cols = future_cols
        self.n_rows = series.shape[0]
        # Where each stacked series starts, and the end: (series + 1,). One int64 per
        # series, not per row (a per-row end array cost 8 bytes a value on 10M-row panels).
        self.bounds = torch.tensor([0, self.n_rows], device=series.device) if bounds is None else bounds
        self.offsets = torch.arange(-lookback, horizon, device=series.device)  # (L+H,)

    def series_of(self, origins: torch.Tensor) -> torch.Tensor:
        """Index of the series each origin row belongs to: (batch,)."""
        return torch.searchsorted(self.bounds, origins.long(), right=True) - 1

    def get(self, origins: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        rows = origins.long()[:, None] + self.offsets[None, :]  # (batch, L+H)
        read = rows.clamp(max=self.n_rows - 1)
        w = self.series[read]  # (batch, L+H, features): the only copy
        if self.calendar is not None:  # each row's calendar, scaled by the window's series
            # (rows past the series' end are masked steps: what they read never counts)
            cal = self.calendar.expand(read, self.series_of(origins))  # (batch, L+H, calendar)
            at = self.calendar.position
            w = torch.cat([w[..., :at], cal, w[..., at:]], dim=-1)  # (batch, L+H, all inputs)
        x = w[:, : self.lookback]  # (batch, lookback, features)
        y = w[:, self.lookback :, 0]  # (batch, horizon)
        if self.future_cols:
            ahead = torch.zeros_like(w[:, self.lookback :])  # (batch, horizon, features)
            ahead[..., -self.future_cols :] = w[:, self.lookback :, -self.future_cols :]
            x = torch.cat([x, ahead], dim=1)  # (batch, lookback + horizon, features)
        member = self.series_of(origins)  # (batch,)
        if self.drift_rows:
            d = long_run(
                self.series[:, 0],
                origins.long(),
                self.bounds[member],
                self.drift_rows,
                self.drift_horizon,
                *self.profile,
            )  # (batch, 1 + profile columns)
            x = with_drift(x, d)  # (batch, steps, features + 1 + profile columns)
        end = self.bounds[member + 1][:, None]  # (batch, 1): its series' end
        mask = (rows[:, self.lookback :] < end).to(y.dtype)  # (batch, horizon)
        return x, y, mask
