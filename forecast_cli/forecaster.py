"""The forecaster estimator: fit on a ``Series``, predict future timestamps.

Follows scikit-learn's contract: ``__init__`` stores the config, ``fit`` returns self,
learned state ends in ``_``, and ``predict`` refuses to run before ``fit``. Predictions
for many origins go through ``forecast_origins`` in one batched pass; ``predict`` (the
future) and the backtest (past origins) both use it, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import torch

from .baselines import naive, seasonal_naive
from .calendars import future_index
from .config import MAX_HORIZON, ForecastConfig
from .errors import DataError, NotFittedError, UsageError
from .metrics import mae
from .models import (
    HIGHWAY_INITS,
    NetworkArgs,
    build_network,
    highway_weights,
)
from .plan import resolve_plan
from .scaling import Scaler, Transform
from .series import Series
from .training import EpochReport, TrainResult, seed_everything, train_network
from .windows import gather_windows, temporal_split

_PREDICT_CHUNK = 8192  # windows per forward pass: bounds memory on long backtests


def choose_highway_init(z_train: np.ndarray, season: int, lookback: int, horizon: int) -> str:
    """The baseline the highway starts as: whichever of ``models.HIGHWAY_INITS`` has the
    lowest multi-step MAE on the training rows, using the very weights it would start with."""
    if season <= 1 or season > lookback or len(z_train) < lookback + horizon + 1:
        return "naive"
    origins = np.arange(lookback, len(z_train) - horizon + 1)
    inputs = gather_windows(z_train[:, None], origins, lookback)[..., 0]  # (origins, lookback)
    level = inputs[:, -1:]
    actual = z_train[origins[:, None] + np.arange(horizon)[None, :]]  # (origins, horizon)
    errors = {
        kind: np.mean(
            np.abs((inputs - level) @ highway_weights(kind, season, lookback, horizon).T + level - actual)
        )
        for kind in HIGHWAY_INITS
    }
    return min(errors, key=errors.__getitem__)


class Forecaster:
    """A recurrent forecaster for one target series (plus optional past-observed features)."""

    def __init__(self, config: ForecastConfig | None = None):
        self.config = config if config is not None else ForecastConfig()

    # ----------------------------------------------------------------- fitting
    def fit(self, series: Series, on_epoch: Callable[[EpochReport], None] | None = None) -> Forecaster:
        """Train on ``series``; scalers and transform see training rows only.

        The config is read, never written: what the data decided goes into ``plan_``.
        """
        cfg = self.config.validate()
        values = series.values  # (rows, 1 + features), float64 end to end
        plan = resolve_plan(cfg, series.freq, values[:, 0])
        lookback, outputs, first = plan.lookback, plan.outputs, plan.first_row
        split = temporal_split(
            len(values), lookback, outputs, cfg.window.val_fraction, cfg.window.window_stride, first
        )
        self.plan_ = plan
        self.transform_ = Transform(plan.transform)
        matrix = self._transformed(values)
        self.scaler_ = Scaler(cfg.scaling.scaler).fit(matrix[first : split.train_end])
        scaled = np.nan_to_num(self.scaler_.transform(matrix)).astype(np.float32)

        highway_init = "naive"  # the baselines are defined relative to the last value
        if plan.level_norm:
            highway_init = choose_highway_init(
                scaled[first : split.train_end, 0], plan.season, lookback, outputs
            )
        self.network_args_ = NetworkArgs(
            kind=cfg.model.cell,
            n_inputs=values.shape[1],
            hidden=cfg.model.hidden,
            layers=cfg.model.layers,
            dropout=cfg.model.dropout,
            lookback=lookback,
            outputs=outputs,
            level_norm=plan.level_norm,
            highway_init=highway_init,
            season=plan.season,
            patch=plan.patch,
        )
        seed_everything(cfg.train.seed)
        self.network_ = build_network(self.network_args_)
        result = train_network(
            self.network_,
            scaled,
            split.train_origins,
            split.val_origins,
            lookback,
            outputs,
            cfg.train,
            on_epoch,
        )
        self.network_.cpu()
        self.target_, self.features_ = series.target, tuple(series.features)
        self.history_ = series.frame.iloc[-self.context_rows :].copy()
        self.metrics_ = self._fit_metrics(result, values, split.val_origins, len(split.train_origins))
        return self

    # What the plan decided, under the names the rest of the code reads.
    @property
    def lookback_(self) -> int:
        return self.plan_.lookback

    @property
    def horizon_(self) -> int:
        return self.plan_.horizon

    @property
    def season_(self) -> int:
        return self.plan_.season

    @property
    def freq_(self) -> str | None:
        return self.plan_.freq

    def _fit_metrics(
        self, result: TrainResult, values: np.ndarray, val_origins: np.ndarray, n_train: int
    ) -> dict:
        """Validation MAE in the data's units beside the naive and seasonal-naive MAE."""
        full = val_origins[val_origins + self.horizon_ <= len(values)]
        metrics = {
            "train_windows": int(n_train),
            "val_windows": int(len(val_origins)),
            "best_epoch": result.best_epoch,
            "epochs_run": result.epochs_run,
            "train_loss": result.train_loss,
            "val_loss": result.val_loss,
            "train_seconds": round(result.seconds, 3),
        }
        if len(full):
            y = values[:, 0]
            steps = full[:, None] + np.arange(self.horizon_)[None, :]
            actual = y[steps]
            pred = self.forecast_origins(values, full)
            metrics.update(
                val_mae=mae(actual, pred),
                val_naive_mae=mae(actual, naive(y, full, self.horizon_)),
                val_seasonal_naive_mae=mae(
                    actual, seasonal_naive(y, full, self.horizon_, season=self.season_)
                ),
            )
        return metrics

    # -------------------------------------------------------------- predicting
    @property
    def context_rows(self) -> int:
        """Rows of history one forecast reads: the lookback, plus one to undo differencing."""
        self._check_fitted()
        return self.plan_.context_rows

    def forecast_origins(
        self, values: np.ndarray, origins: np.ndarray, horizon: int | None = None
    ) -> np.ndarray:
        """Forecasts in the data's units for every origin: shape (len(origins), horizon).

        ``values`` is raw (rows, 1 + features); origin ``t`` forecasts rows ``t ..`` from rows
        ``t - lookback .. t - 1``. All origins go through the network together.
        """
        self._check_fitted()
        horizon = horizon or self.horizon_
        values = np.asarray(values, dtype=np.float64)
        origins = np.asarray(origins, dtype=np.int64)
        if len(origins) == 0:
            return np.empty((0, horizon))
        if origins.min() < self.context_rows or origins.max() > len(values):
            raise DataError(f"each forecast needs {self.context_rows} rows of history before it")
        scaled = self.scaler_.transform(self._transformed(values)).astype(np.float32)
        out = np.concatenate(
            [
                self._run_network(gather_windows(scaled, chunk, self.lookback_), horizon)
                for chunk in np.array_split(origins, max(1, len(origins) // _PREDICT_CHUNK + 1))
                if len(chunk)
            ]
        )  # (origins, horizon), scaled units
        if np.isnan(out).any():
            raise DataError("the history window has missing values; fill them (see --fill) and retry")
        z = self.scaler_.inverse_target(out.astype(np.float64))
        return self.transform_.inverse(z, values[origins - 1, 0])

    @torch.inference_mode()
    def _run_network(self, windows: np.ndarray, horizon: int) -> np.ndarray:
        x = torch.from_numpy(np.ascontiguousarray(windows))  # (batch, lookback, features)
        self.network_.eval()
        if self.plan_.strategy == "direct":
            return self.network_(x)[:, :horizon].numpy()
        steps = []
        for _ in range(horizon):  # many-to-one, rolled forward over the batch at once
            nxt = self.network_(x)  # (batch, 1)
            steps.append(nxt)
            x = torch.cat([x[:, 1:], nxt.unsqueeze(-1)], dim=1)  # (batch, lookback, 1)
        return torch.cat(steps, dim=1).numpy()

    def predict(self, history: Series | None = None, horizon: int | None = None) -> pd.DataFrame:
        """Forecast the ``horizon`` steps after the end of ``history`` (default: the stored history).

        Returns a frame indexed by the future timestamps, one column named after the target.
        """
        self._check_fitted()
        horizon = self._check_horizon(horizon)
        frame = self.history_ if history is None else self._check_history(history)
        if len(frame) < self.context_rows:
            raise DataError(
                f"predict needs the last {self.context_rows} rows of history, got {len(frame)}; "
                "give more recent data"
            )
        values = frame[[self.target_, *self.features_]].to_numpy(dtype=np.float64)
        forecast = self.forecast_origins(values, np.array([len(values)]), horizon)[0]
        index = future_index(frame.index[-1], self.freq_, horizon)
        return pd.DataFrame({self.target_: forecast}, index=index)

    def _check_horizon(self, horizon: int | None) -> int:
        if horizon is None:
            return self.horizon_
        if horizon < 1:
            raise UsageError(f"--horizon must be at least 1, got {horizon}")
        if horizon > MAX_HORIZON:
            raise UsageError(f"--horizon is at most {MAX_HORIZON} steps, got {horizon}")
        if horizon > self.horizon_ and self.plan_.strategy == "direct":
            raise UsageError(
                f"--horizon {horizon} is longer than the trained horizon {self.horizon_}; "
                f"retrain with --horizon {horizon} or use --strategy recursive"
            )
        return horizon

    def _check_history(self, history: Series) -> pd.DataFrame:
        missing = [c for c in (self.target_, *self.features_) if c not in history.frame.columns]
        if missing:
            raise DataError(f"the data lacks column(s) {', '.join(missing)} the model was trained on")
        if history.freq != self.freq_:
            raise DataError(
                f"the data's frequency is {history.freq} but the model was trained at {self.freq_}; "
                f"pass --freq {self.freq_} to resample it"
            )
        return history.frame

    def _transformed(self, values: np.ndarray) -> np.ndarray:
        matrix = values.copy()
        matrix[:, 0] = self.transform_.forward(values[:, 0])
        return matrix

    def _check_fitted(self) -> None:
        if not hasattr(self, "network_"):
            raise NotFittedError("this forecaster is not fitted yet; call fit() or load a model file")

    # ------------------------------------------------------------ persistence
    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """(JSON-ready metadata, named float arrays): everything the model file stores."""
        from .fitted_state import forecaster_state

        self._check_fitted()
        return forecaster_state(self)

    @classmethod
    def from_state(cls, meta: dict, arrays: dict[str, np.ndarray]) -> Forecaster:
        """Rebuild a fitted forecaster from ``state()`` output without running any stored code."""
        from .fitted_state import restore_forecaster

        return restore_forecaster(cls, meta, arrays)
