"""The forecaster estimator: fit on a panel (a single series is a panel of one), predict
future timestamps for every series.

Follows scikit-learn's contract: ``__init__`` stores the config, ``fit`` returns self,
learned state ends in ``_``, and ``predict`` refuses to run before ``fit``. Predictions
for many origins go through ``forecast_origins`` in one batched pass; ``predict`` (the
future) and the backtest (past origins) both use it, so they cannot disagree.

One global network learns from windows of every series. Each series is transformed and
scaled by statistics of its own training rows only, so series of different sizes share
one input range and nothing of one series' validation rows reaches another's scaling.
How much each series counts, in the draws and in the loss, is ``panel_weights``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
import pandas as pd

from . import origin_forecasts, prediction
from .band_shape import TYPICAL_SHARE, BandShape
from .calendar_features import calendar_columns
from .combine_weight import choose_weight
from .config import ForecastConfig
from .damped_trend import DampedFit, fit_damped
from .error_levels import carried_basis, error_level_factors, newcomer_factors
from .errors import NotFittedError, UsageError
from .future_data import FutureTable
from .highway import choose_highway
from .input_layout import InputLayout, kept_columns
from .intervals import CalibrationTable
from .level_basis import LevelBasis
from .models import NetworkArgs, build_network, settle_untrained_embeddings
from .panel import Panel
from .panel_arrays import scale_panel
from .panel_weights import panel_weights
from .plan import plan_with_split
from .plan_record import Plan
from .prediction_histories import as_panel
from .scaling import Scaler, Transform, refuse_log_of_nonpositive
from .season_profile import profile_columns
from .series_inputs import static_levels
from .series_record import Series
from .stored_histories import StoredHistories
from .training import EpochReport, seed_everything, train_network
from .validation import validate
from .windows import by_id_order


def _columns(panel: Panel, future: Sequence[str]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(target, features with the known-future ones last, known-future features)."""
    missing = [c for c in future if c not in panel.features]
    if missing:
        raise UsageError(f"--future-features names {', '.join(missing)}, which the data does not load")
    past = tuple(c for c in panel.features if c not in future)
    return panel.target, (*past, *future), tuple(future)


class Forecaster(InputLayout, BandShape):
    """A recurrent forecaster for a panel of series (plus optional past-observed features)."""

    calibration_errors_: np.ndarray | None  # None: loaded from a file that kept only the table
    calibration_phases_: np.ndarray | None  # (windows, horizon) the errors' phases of the day
    phase_usable_: np.ndarray | None  # the phases with tables of their own (``phase_bands``)
    damped_: DampedFit | None  # the smoother averaged with the network; None: the network alone
    level_basis_: LevelBasis | None  # what an unseen series' error level is measured against

    def __init__(self, config: ForecastConfig | None = None):
        self.config = config if config is not None else ForecastConfig()

    # ----------------------------------------------------------------- fitting
    def fit(
        self,
        data: Series | Panel,
        on_epoch: Callable[[EpochReport], None] | None = None,
        windows_from: np.ndarray | None = None,
        on_plan: Callable[[Plan], None] | None = None,
    ) -> Forecaster:
        """Train one network on every series; transforms and scalers see training rows only.

        The config is read, never written: what the data decided goes into ``plan_``.
        ``windows_from`` (bool per series, default all): the series whose windows train and
        validate the weights; the others are only scaled, on all their rows. A backtest
        passes the series whose first fold comes after the fit's origin: they are forecast
        as series the weights never saw, and their rows past that origin stay unseen by the
        weights, the loss weights and a shared scale. The plan (transform, scaler) still
        reads their rows, since it must apply to them too.
        ``on_plan``: called with the plan as soon as it is resolved, before any training, so
        a person sees what was decided (a horizon of 8,640 steps) while it can still be stopped.
        """
        cfg = self.config.validate()
        panel = as_panel(data)
        members = panel.members
        stamps = [m.frame.index for m in members] if panel.freq is not None else []
        refuse_log_of_nonpositive(cfg.scaling.transform, [m.y for m in members], panel.ids)
        plan, split = plan_with_split(
            cfg, panel.freq, [m.y for m in members], panel.last_stamp, windows_from, stamps
        )
        self.plan_ = plan
        if on_plan is not None:
            on_plan(plan)
        self.target_, self.features_, self.future_features_ = _columns(panel, cfg.data.future_features)
        self.static_levels_ = static_levels({c: panel.statics[c] for c in cfg.data.static_cols})
        self.statics_ = [tuple(panel.statics[c][i] for c in cfg.data.static_cols) for i in range(len(panel))]
        lookback, outputs, first = plan.lookback, plan.outputs, plan.first_row
        if windows_from is not None:
            split = split.windows_of(windows_from)
        self.transform_ = Transform(plan.transform, plan.chose_transform)
        # each series' training rows never below zero: its forecasts may be cut there
        # (``floors``) even when another series of the panel goes below
        self.never_negative_ = np.array(
            [not (m.y[:end] < 0).any() for m, end in zip(panel.members, split.train_ends, strict=True)]
        )
        block = self.train_statics()
        if cfg.model.id_embedding:  # the series index, last: the network embeds it
            block = np.hstack([block, np.arange(len(panel), dtype=np.float32)[:, None]])
        calendar_width = len(calendar_columns(plan.calendar))
        scaled, calendar, self.scalers_, self.cal_scales_ = scale_panel(
            [partial(self._inputs, m.frame) for m in panel.members],
            [partial(self._transformed_target, m.frame) for m in panel.members],
            self.transform_.forward,
            plan.scaler,
            panel.offsets,
            split.train_ends,
            first,
            block,
            calendar_width,
            windows_from,
        )  # (total rows, inputs but calendar + static one-hots [+ series index]), float32

        highway_init, cycle = "naive", plan.season  # the baselines are defined relative to the last value
        if plan.level_norm:
            highway_init, cycle = choose_highway(
                scaled[:, 0], split.train_origins, plan.seasons or (plan.season,), lookback, outputs
            )
        profile = profile_columns(highway_init, cycle, plan.drift_rows, outputs, plan.strategy == "direct")
        self.network_args_ = NetworkArgs(
            kind=cfg.model.cell,
            hidden=cfg.model.hidden,
            layers=cfg.model.layers,
            dropout=cfg.model.dropout,
            lookback=lookback,
            outputs=outputs,
            level_norm=plan.level_norm,
            highway_init=highway_init,
            season=cycle,
            patch=plan.patch,
            spread=True,  # always: --level only chooses columns, so `--level none` trains the same net
            n_inputs=scaled.shape[1]
            + calendar_width
            - int(cfg.model.id_embedding > 0)
            + int(plan.drift_rows > 0)
            + profile,
            future_inputs=self.future_inputs + self.static_width,
            id_embedding=cfg.model.id_embedding,
            n_series=len(panel) if cfg.model.id_embedding else 0,
            profile=profile,
        )
        weights, loss_weights = panel_weights(split, scaled[:, 0], panel.offsets, plan.season, windows_from)
        seed_everything(cfg.train.seed)
        self.network_ = build_network(self.network_args_)
        # windows by series id, not by the order the series came in (``by_id_order``)
        drawn = by_id_order(split.train_origins, split.series_of_train, split.bounds, panel.ids)
        scored = by_id_order(split.val_origins, split.series_of_val, split.bounds, panel.ids)
        result = train_network(
            self.network_,
            scaled,
            split.train_origins[drawn],
            split.val_origins[scored],
            lookback,
            outputs,
            dataclasses.replace(cfg.train, batch_size=plan.batch_size),
            on_epoch,
            bounds=split.bounds,
            weights=None if weights is None else weights[drawn],
            loss_weights=loss_weights,
            future_cols=self.window_known,
            calendar=calendar,
            drift_rows=plan.drift_rows,
            drift_horizon=plan.horizon,
            profile=(cycle, profile),
        )
        self.network_.cpu()
        settle_untrained_embeddings(
            self.network_, np.bincount(split.series_of_train, minlength=len(panel)) > 0
        )
        self.ids_, self.id_col_ = panel.ids, panel.id_col
        self.time_labels_ = panel.time_labels
        self.series_rows_: np.ndarray | None = np.asarray(panel.lengths)  # for info
        columns = [self.target_, *self.features_]
        self.histories_ = StoredHistories.from_frames(  # three arrays; frames built when read
            [kept_columns(m.frame.iloc[-plan.history_rows :], columns) for m in panel.members]
        )
        del scaled, calendar  # validation reads only each series' tail (see validation.py)
        # width_ratio_: the spread head's typical width per unit of series scale (None: no head);
        # calibration_errors_: what calibration_ ranks (windows, horizon), float32, kept so
        # that windows forecast after training can join them (``recalibration.py``).
        # typical_share_: how much of the typical width each error's divisor adds to the
        # head's (``band_shape.normalisers``); stored, since the calibration is in its units.
        self.typical_share_ = TYPICAL_SHARE
        # the smoother averaged with the network, fitted on each series' training rows only;
        # before the error levels and validation, which score the average
        self.damped_ = None
        if plan.damped_rows:  # ``auto``: in or out as validation says (``combine_weight``); ``damped``: in
            self.damped_ = fit_damped(
                [m.y[:end] for m, end in zip(members, split.train_ends, strict=True)], plan.season
            )
            if cfg.model.combine == "auto":
                self.damped_ = dataclasses.replace(self.damped_, weight=choose_weight(self, panel, split))
        # each series' bands sized by how far the network misses it in training, not only
        # by how far it moves (``error_levels.py``); stored, as the calibration is in its units
        reading = error_level_factors(self, panel, split)
        plain = np.asarray(self.cal_scales_, dtype=np.float64)
        self.cal_scales_ = [float(s * g) for s, g in zip(plain, reading.factors, strict=True)]
        done = validate(self, result, panel, split)
        # a series it never saw is sized against this basis (``error_levels``), and so is a
        # backtest's newcomer, which has no validation window: its scale can change after
        self.level_basis_ = carried_basis(reading, done.abs_sums, done.abs_counts, plain)
        if windows_from is not None and self.level_basis_ is not None and not windows_from.all():
            newcomers = np.flatnonzero(~np.asarray(windows_from, dtype=bool))
            own = newcomer_factors(self, panel, newcomers, self.level_basis_, plain[newcomers])
            for i, g in zip(newcomers, own, strict=True):
                self.cal_scales_[i] = float(plain[i] * g)
        self.metrics_, self.calibration_, self.width_ratio_ = done.metrics, done.table, done.ratio
        self.calibration_errors_, self.calibration_phases_, self.phase_usable_ = (
            done.errors,
            done.phases,
            done.usable,
        )
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

    @property
    def scaler_(self) -> Scaler:
        """The scaler of the first series (the only one of a single-series model)."""
        return self.scalers_[0]

    @property
    def history_(self) -> pd.DataFrame:
        """The stored history of the first series (the only one of a single-series model)."""
        return self.histories_[0]

    # -------------------------------------------------------------- predicting
    @property
    def context_rows(self) -> int:
        """Rows of history one forecast reads: the lookback, plus one to undo differencing."""
        self._check_fitted()
        return self.plan_.context_rows

    # Forecasts in the data's units for every origin, (origins, horizon), or with ``spread``
    # (forecasts, widths): the module function, bound as a method (its ``f`` is the model).
    forecast_origins = origin_forecasts.forecast_origins

    def predict(
        self,
        history: Series | Panel | None = None,
        horizon: int | None = None,
        ids: Sequence[str] = (),
        levels: Sequence[float] | None = None,
        quantiles: Sequence[float] | None = None,
        future: FutureTable | None = None,
        calibration: CalibrationTable | None = None,
    ) -> pd.DataFrame:
        """Forecast the steps after each series' history (default: the stored histories);
        see ``prediction.predict``."""
        return prediction.predict(self, history, horizon, ids, levels, quantiles, future, calibration)

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
