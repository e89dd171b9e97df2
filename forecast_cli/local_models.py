"""``--local``: one network per series instead of one global network, for heterogeneous
sets. Each member is an ordinary ``Forecaster`` fitted on a panel of one, so it plans,
scales, trains, calibrates and predicts exactly as a single series does.

The fits are independent tasks (see ``compute``): member ``i`` trains with the seed
``task_seed(base seed, its id)``, so the model is the same whether the fits ran here one
after another, on N local workers or on a cluster. A series whose fit fails is left out
and reported (``failures_``); the others make the model.

The fitted model is still one file of a few entries however many series there are: the
members' weights stacked by shape (``member_weights``), their per-series state (histories,
scalers, calibration tables) stacked as a panel model's (``stacked_states``). A loaded
model builds a member's network only when that series is predicted. A series too short
for a network of its own is forecast by a baseline (``short_members``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .compute import Executor, SerialExecutor, Task, TaskProgress
from .config import ForecastConfig
from .errors import TooFewRows, UsageError
from .intervals import CalibrationTable
from .local_reports import member_notes, no_network
from .local_state import LocalState
from .member_pool import banded, pool_members, recalibrated_pool
from .member_shape import member_config, shared_horizon, with_horizon_reason
from .panel import Panel
from .panel_ids import as_written
from .plan_spread import varying
from .prediction_notes import unused_future_note
from .series_record import Series
from .short_members import ShortMembers

if TYPE_CHECKING:
    from .forecaster import Forecaster


def fit_member(payload: tuple[ForecastConfig, Panel]) -> tuple[dict, dict[str, np.ndarray]]:
    """Task: fit one series' forecaster; return its state (JSON and arrays, cheap to ship)."""
    from .forecaster import Forecaster

    config, panel = payload
    return Forecaster(config).fit(panel).state()


def one_series(panel: Panel, i: int) -> Panel:
    """Member ``i`` of ``panel`` as a panel of one that keeps its id and time layout."""
    return Panel([panel.members[i]], (panel.ids[i],), panel.id_col, time_labels=panel.time_labels)


class LocalForecaster(LocalState):
    """One ``Forecaster`` per series behind the ``Forecaster`` interface the CLI uses (its
    model file: ``LocalState``)."""

    def fit(
        self,
        data: Series | Panel,
        executor: Executor | None = None,
        on_progress: Callable[[TaskProgress], None] | None = None,
    ) -> LocalForecaster:
        """Fit every series on its own (through ``executor``; default: here, in order)."""
        from .forecaster import Forecaster

        panel = data if isinstance(data, Panel) else Panel.of_one(data)
        cfg, horizon_reason, season = shared_horizon(self.config.validate(), panel)  # one for all
        tasks = [
            Task(sid, fit_member, (member_config(cfg, sid), one_series(panel, i)))
            for i, sid in enumerate(panel.ids)
        ]
        outcome = (executor or SerialExecutor()).run(tasks, on_progress)
        if not outcome.results:
            outcome.raise_first()
        short = [sid for sid in outcome.failures if isinstance(outcome.errors.get(sid), TooFewRows)]
        self.members_: Mapping[str, Forecaster] = {
            sid: Forecaster.from_state(*outcome.results[sid]) for sid in outcome.results
        }
        for member in self.members_.values():
            member.plan_ = with_horizon_reason(member.plan_, horizon_reason)
        self.failures_ = {sid: why for sid, why in outcome.failures.items() if sid not in short}
        columns = [panel.target, *panel.features]
        at = {sid: i for i, sid in enumerate(panel.ids)}
        self.short_ = (
            ShortMembers.build(
                short,
                [panel.members[at[s]].frame[columns] for s in short],
                list(self.members_.values()),
                season,
            )
            if short
            else None
        )
        # the panel's order, for output: ``ids_`` puts the short series after the members
        self.order_ = tuple(sid for sid in panel.ids if sid in self.members_ or sid in short)
        # one table of every member's errors (``member_pool``), kept to recalibrate with
        self.pooled_errors_: np.ndarray | None = pool_members(list(self.members_.values()))
        self.target_, self.features_ = panel.target, panel.features
        self.id_col_ = panel.id_col
        self.time_labels_ = panel.time_labels
        self._collect()
        return self

    def plan_spread(self) -> dict[str, str]:
        """The plan fields that differ between members, tallied (``plan_spread.varying``)."""
        members = list(self.members_.values())
        return varying([m.plan_.to_dict() for m in members], [m.scalers_[0].kind for m in members])

    @property
    def freq_(self) -> str | None:
        return self.plan_.freq

    @property
    def future_features_(self) -> tuple[str, ...]:
        """The known-future columns, as every member reads them (they share one config)."""
        return self.members_[self.ids_[0]].future_features_

    @property
    def static_levels_(self) -> dict[str, tuple[str, ...]]:
        """Empty: a network of one series has no categories to tell series apart by."""
        return {}

    @property
    def horizon_(self) -> int:
        return self.plan_.horizon

    def predict(
        self,
        history: Series | Panel | None = None,
        horizon: int | None = None,
        ids: Sequence[str] = (),
        levels: Sequence[float] | None = None,
        quantiles: Sequence[float] | None = None,
        future: Any = None,
    ) -> pd.DataFrame:
        """The same frame the global model's ``predict`` gives (point, bands, quantiles), each
        series forecast by its own network. A series without a network here is refused."""
        if not hasattr(self, "members_"):
            from .errors import NotFittedError

            raise NotFittedError("this forecaster is not fitted yet; call fit() or load a model file")
        if history is None:
            wanted = as_written(ids, list(self.order_)) if ids else list(self.order_)
            parts: list[tuple[str, Panel | None]] = [(sid, None) for sid in wanted]
            every: list[tuple[str, Panel | None]] = []
            names = []
        else:
            panel = history if isinstance(history, Panel) else Panel.of_one(history)
            names = list(panel.ids) if self.id_col_ is not None else list(self.ids_[:1])
            panel = dataclasses.replace(panel, ids=tuple(names))
            parts = [(n, one_series(panel, i)) for i, n in enumerate(names)]
            every = [(sid, part) for sid, part in parts if sid in self.members_]  # recalibrates
            if ids:
                ids = as_written(ids, names)  # --ids 'a, b': ' b' is b
                missing = [i for i in ids if i not in names]
                if missing:
                    raise UsageError(f"--ids names series the data does not hold: {', '.join(missing[:5])}")
                parts = [next(p for p in parts if p[0] == i) for i in ids]
        short = self.short_.ids if self.short_ is not None else ()
        unknown = [sid for sid, _ in parts if sid not in self.members_ and sid not in short]
        if unknown:
            raise no_network(unknown)
        table, added = None, 0
        if history is not None and self.pooled_errors_ is not None and banded(self.config, levels, quantiles):
            ends = dict(zip(self.ids_, self.histories_.last_stamps(), strict=True))
            table, added = recalibrated_pool(self.pooled_errors_, every, self.members_.get, ends)
        frames = []
        said: dict[str, list[str]] = {}  # note -> the series whose member said it
        short_table = table  # ranked once for every short series predicted
        if short_table is None and self.pooled_errors_ is not None and any(sid in short for sid, _ in parts):
            short_table = CalibrationTable.from_errors(self.pooled_errors_)
        for sid, part in parts:
            if self.short_ is not None and sid in short:  # no network: a baseline (``short_members``)
                chosen = self.config.intervals.asked(levels, quantiles)
                steps = horizon or self.horizon_
                frame = self.short_.forecast(sid, part, steps, self.freq_, short_table, *chosen, self.id_col_)
            else:
                own = None if future is None else future.only(sid)  # the others' rows: said once, below
                frame = self.members_[sid].predict(
                    part, horizon, levels=levels, quantiles=quantiles, future=own, calibration=table
                )
            frames.append(frame)
            for note in frame.attrs.get("notes", []):
                said.setdefault(note, []).append(sid)
        out = pd.concat(frames) if len(frames) > 1 else frames[0]
        # the failures were said at training; said again when the whole model is predicted
        left = self.failures_ if history is None and not ids else {}
        # ``names``: the series the data gave (none from the stored history)
        out.attrs["notes"] = member_notes(said, len(parts), left) + unused_future_note(
            future, set(self.ids_) | set(names)
        )
        out.attrs["recalibrated_windows"] = added or sum(
            f.attrs.get("recalibrated_windows", 0) for f in frames
        )
        return out
