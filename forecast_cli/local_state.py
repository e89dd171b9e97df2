"""A ``--local`` model's file contents: the config once, each member's plan, network
arguments and metrics, the members' weights stacked by shape (``member_weights``) and their
per-series state stacked as a panel model's (``stacked_states``), so the file holds a few
entries however many series there are; read back, a member's network is built only when
its series is predicted (``LazyMembers``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from .config import ForecastConfig
from .fitted_state import ERRORS, MODEL, SERIES, as_stored, rows_summary
from .lazy_members import LazyMembers
from .local_reports import summary_metrics
from .member_shape import member_config
from .member_weights import member_weights, stack_members, weight_groups
from .plan_record import Plan
from .short_members import PREFIX as SHORT
from .short_members import ShortMembers
from .stacked_states import member_state, per_member, stack_states
from .stored_histories import StoredHistories, lengths_summary

if TYPE_CHECKING:
    from .forecaster import Forecaster

KIND = "local"


class LocalState:
    """The model-file half of ``LocalForecaster`` (its base class): what ``state`` writes and
    ``from_state`` reads back."""

    config: ForecastConfig
    members_: Mapping[str, Forecaster]
    member_histories_: StoredHistories
    target_: str
    features_: tuple[str, ...]
    id_col_: str | None
    ids_: tuple[str, ...]
    order_: tuple[str, ...]
    time_labels_: str
    metrics_: dict[str, Any]
    failures_: dict[str, str]
    pooled_errors_: np.ndarray | None
    short_: ShortMembers | None
    plan_: Plan
    histories_: StoredHistories  # the members' and then the short series'

    def __init__(self, config: ForecastConfig | None = None):
        self.config = config if config is not None else ForecastConfig()

    def _collect(self) -> None:
        """The ids, plan, histories and summary metrics, from the members."""
        members = list(self.members_.values())
        self.ids_ = tuple(self.members_) + (self.short_.ids if self.short_ else ())
        self.plan_ = members[0].plan_
        self.member_histories_ = StoredHistories.concat([as_stored(m.histories_) for m in members])
        self._with_short()
        self.metrics_ = summary_metrics([m.metrics_ for m in members], len(self.failures_))
        self.metrics_["short"] = len(self.short_.ids) if self.short_ else 0

    def _with_short(self) -> None:
        """The short series after the members, in ``ids_`` and ``histories_`` alike."""
        self.histories_ = self.member_histories_
        if self.short_ is not None:
            self.histories_ = StoredHistories.concat([self.histories_, self.short_.histories])

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """(metadata, arrays): the config once, each member's plan, network arguments and
        metrics; the members' weights stacked by shape and
        their per-series state stacked as ``stacked_states.stack_states`` does (see
        ``local_models``' docstring)."""
        member_meta, stacked, member_series = stack_members(self.members_.values())
        history_meta, _ = self.member_histories_.to_arrays(SERIES)
        series = stack_states(member_series)
        meta: dict[str, Any] = {
            "kind": KIND,
            "config": self.config.to_dict(),
            "target": self.target_,
            "features": list(self.features_),
            "id_col": self.id_col_,
            "ids": list(self.members_),
            "time_labels": self.time_labels_,
            "metrics": self.metrics_,
            "failures": self.failures_,
            "history": history_meta,
            "members": member_meta,
            "pooled_calibration": self.pooled_errors_ is not None,  # the members' tables are one
        }
        rows = series.get(SERIES + "rows")
        if self.short_ is not None:  # format 5: a release reading 4 says the file is newer
            meta["short"], short_arrays = self.short_.state()
            meta["format_version"] = 5
            meta["order"] = list(self.order_)  # the panel's, the short series in their places
            series.update(short_arrays)
            # what info shows counts them too (it said 2 series' rows of a 3-series model)
            short = self.short_.histories.lengths()
            ends = [h["history"]["end"] for h in (meta, meta["short"]) if h["history"]["end"] is not None]
            meta["all_history"] = lengths_summary(
                np.concatenate([self.member_histories_.lengths(), short]), max(ends, default=None)
            )
            if rows is not None:  # a short series trained nothing: its rows are its history
                rows = np.concatenate([rows, short])
        if rows is not None:
            meta["data_rows"] = rows_summary(rows)
        return meta, {**stacked, **series}

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Self:
        """Rebuilt from ``state`` output; inconsistent metadata is a ``ValueError``. Members are
        built when first used; a file from format 3 (JSON member state) is read whole."""
        from .forecaster import Forecaster

        self = cls(ForecastConfig.from_dict(meta["config"]))
        ids = [str(i) for i in meta["ids"]]
        if len(ids) != len(meta["members"]) or len(set(ids)) != len(ids) or not ids:
            raise ValueError("the member list disagrees with the series ids")
        short = {k: arrays[k] for k in arrays if k.startswith(SHORT)}
        self.short_ = ShortMembers.from_state(meta["short"], short) if "short" in meta else None
        arrays = {k: v for k, v in arrays.items() if k not in short}
        by_group = weight_groups(arrays, ids, meta["members"])
        state = {k: v for k, v in arrays.items() if k.startswith((SERIES, MODEL))}
        history = meta.get("history")

        def build(i: int) -> Forecaster:
            member, sid = meta["members"][i], ids[i]
            weights = member_weights(by_group, member)
            config = member_config(self.config, sid).to_dict()
            if history is None:  # format 3: the member's state is JSON in its metadata
                return Forecaster.from_state({**member, "config": config}, weights)
            steps = int(member["calibration"]["steps"])
            own = {**weights, **member_state(state, i, steps)}
            return Forecaster.from_state({**member, "config": config, "history": history}, own)

        self.failures_ = dict(meta.get("failures", {}))
        # files before the pool (stop 37): each member recalibrates on its own errors
        self.pooled_errors_ = arrays[ERRORS] if meta.get("pooled_calibration") and ERRORS in arrays else None
        self.target_, self.features_ = meta["target"], tuple(meta["features"])
        self.id_col_ = meta["id_col"]
        self.time_labels_ = str(meta.get("time_labels", ""))  # files before it: ISO 8601
        if history is None:
            self.members_ = {sid: build(i) for i, sid in enumerate(ids)}
            self._collect()
            self.order_ = self.ids_
            return self
        self.member_histories_ = StoredHistories.from_arrays(history, state, SERIES)
        if len(self.member_histories_) != len(ids) or any(len(a) != len(ids) for a in per_member(state)):
            raise ValueError("the per-series arrays disagree with the series ids")
        self.members_ = LazyMembers(ids, build)
        self.ids_ = tuple(ids) + (self.short_.ids if self.short_ else ())
        self.order_ = tuple(meta.get("order", self.ids_))  # files before it: members, then short
        if sorted(self.order_) != sorted(self.ids_):
            raise ValueError("the model file's series order names other series than its ids")
        self._with_short()
        self.plan_ = Plan.from_dict(meta["members"][0]["plan"])
        self.metrics_ = dict(meta["metrics"])
        return self
