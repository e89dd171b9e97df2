"""A fitted ``Forecaster`` as JSON-ready metadata plus named arrays, and back.

The metadata holds the config (what the user asked for) and the plan (what the tool
decided) once each, and per series its id, scaler and last rows of history; everything else (lookback, horizon, season, transform) derives
from the plan. Model files from round 1 (no ``plan`` key) are read by rebuilding the
plan from the fields they stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .config import ForecastConfig
from .intervals import LEVEL_GRID, PROB_GRID, CalibrationTable, series_scale
from .plan import Plan
from .scaling import Scaler, Transform

if TYPE_CHECKING:
    from .forecaster import Forecaster

STATE_VERSION = 2


def forecaster_state(f: Forecaster) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(metadata, arrays) of a fitted forecaster."""
    meta = {
        "state_version": STATE_VERSION,
        "config": f.config.to_dict(),
        "plan": f.plan_.to_dict(),
        "network": f.network_args_.to_dict(),
        "target": f.target_,
        "features": list(f.features_),
        "future_features": list(f.future_features_),
        "static_levels": {c: list(v) for c, v in f.static_levels_.items()},
        "statics": [list(s) for s in f.statics_],
        "id_col": f.id_col_,
        "ids": list(f.ids_),
        "scalers": [s.to_dict() for s in f.scalers_],
        "metrics": f.metrics_,
        "calibration": f.calibration_.to_dict(),
        "calibration_scales": list(f.cal_scales_),
        # errors were divided by the spread head's widths (None: by the series' scales)
        "width_ratio": None if f.width_ratio_ is None else [float(v) for v in f.width_ratio_],
        "histories": [history_to_json(h) for h in f.histories_],
    }
    arrays = {k: v.detach().cpu().numpy() for k, v in f.network_.state_dict().items()}
    return meta, arrays


def restore_forecaster(
    cls: type[Forecaster], meta: dict[str, Any], arrays: dict[str, np.ndarray]
) -> Forecaster:
    """A fitted forecaster from ``forecaster_state`` output (or a round-1 model file's)."""
    import torch

    from .models import NetworkArgs, RecurrentNetwork

    self = cls(ForecastConfig.from_dict(meta["config"]))
    self.network_args_ = NetworkArgs(**meta["network"])
    self.network_ = RecurrentNetwork(self.network_args_)
    tensors = {k: torch.from_numpy(np.array(v)) for k, v in arrays.items()}
    self.network_.load_state_dict(tensors, strict=True)
    self.network_.eval()
    self.plan_ = Plan.from_dict(meta["plan"]) if "plan" in meta else _plan_from_round_one(meta)
    self.target_, self.features_ = meta["target"], tuple(meta["features"])
    self.future_features_ = tuple(meta.get("future_features", ()))
    self.static_levels_ = {c: tuple(v) for c, v in meta.get("static_levels", {}).items()}
    self.transform_ = Transform(self.plan_.transform)
    self.metrics_ = meta.get("metrics", {})
    if "scalers" in meta:
        self.scalers_ = [Scaler.from_dict(s) for s in meta["scalers"]]
        self.histories_ = [history_from_json(h, self.plan_.freq) for h in meta["histories"]]
        self.ids_, self.id_col_ = tuple(meta["ids"]), meta["id_col"]
    else:  # round 1: one series
        self.scalers_ = [Scaler.from_dict(meta["scaler"])]
        self.histories_ = [history_from_json(meta["history"], self.plan_.freq)]
        self.ids_, self.id_col_ = ("",), None
    if "calibration" in meta:
        self.calibration_ = CalibrationTable.from_dict(meta["calibration"])
        self.cal_scales_ = [float(v) for v in meta["calibration_scales"]]
        ratio = meta.get("width_ratio")
        self.width_ratio_ = None if ratio is None else np.asarray(ratio, dtype=np.float64)
    else:  # round 1 stored no calibration: bands from the history's own one-step changes
        self.calibration_ = _uncalibrated(self.plan_.horizon)
        self.cal_scales_ = [series_scale(h.iloc[:, 0].to_numpy(), False) for h in self.histories_]
        self.width_ratio_ = None
    self.statics_ = [tuple(s) for s in meta.get("statics", [()] * len(self.ids_))]
    if len(self.scalers_) != len(self.histories_) or len(self.ids_) != len(self.scalers_):
        raise ValueError("the model file's series lists disagree in length")
    return self


def _uncalibrated(horizon: int) -> CalibrationTable:
    """No stored calibration (a round-1 file): infinite bands, which say so honestly."""
    return CalibrationTable(
        np.full((horizon, len(LEVEL_GRID)), np.inf), np.zeros((horizon, len(PROB_GRID))), 0
    )


def _plan_from_round_one(meta: dict[str, Any]) -> Plan:
    network = meta["network"]
    return Plan(
        freq=meta["freq"],
        season=int(meta["season"]),
        horizon=int(meta["horizon"]),
        lookback=int(meta["lookback"]),
        transform=meta["transform"],
        level_norm=bool(network.get("level_norm", True)),
        patch=int(network.get("patch", 1)),
        strategy=meta["config"]["model"]["strategy"],
        train_rows=0,
        val_rows=0,
        reasons={"plan": "read from a round-1 model file"},
    )


def history_to_json(frame: pd.DataFrame) -> dict[str, Any]:
    """The last rows of history: ISO timestamps (or integer steps), columns, float64 values."""
    index = frame.index
    dated = isinstance(index, pd.DatetimeIndex)
    return {
        "index": [t.isoformat() if dated else int(t) for t in index],
        "tz": str(index.tz) if dated and index.tz is not None else None,
        "columns": list(frame.columns),
        "values": frame.to_numpy(dtype=np.float64).tolist(),
    }


def history_from_json(hist: dict[str, Any], freq: str | None) -> pd.DataFrame:
    """Inverse of ``history_to_json``; time-zone-aware stamps come back in their zone."""
    if freq is None:
        index: pd.Index = pd.Index(hist["index"], name="step")
    else:
        index = pd.DatetimeIndex(
            pd.to_datetime(hist["index"], format="ISO8601", utc=bool(hist.get("tz"))), name="timestamp"
        )
        if hist.get("tz"):
            index = index.tz_convert(hist["tz"])
    return pd.DataFrame(hist["values"], index=index, columns=hist["columns"])
