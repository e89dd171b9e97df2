"""A fitted ``Forecaster`` as JSON-ready metadata plus named arrays, and back.

The metadata holds the config (what the user asked for) and the plan (what the tool
decided) once each, and the series ids; everything else (lookback, horizon, season,
transform) derives from the plan. Per-series state is arrays with the series as leading
axis (``series/``: last rows of history as in ``stored_histories``, scaler centres and
scales, calibration scales, static values as codes into ``static_levels``), and the
calibration table is arrays too (``model/``), so a model of 10,000 series loads as a
handful of arrays, not 10,000 JSON tables.

Older states are still read: version 2 (model format 3) kept all of this as JSON lists,
and round-1 files (no ``plan`` key) are read by rebuilding the plan from their fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .config import ForecastConfig
from .damped_trend import EQUAL, DampedFit
from .freq_aliases import modern_alias
from .intervals import LEVEL_GRID, CalibrationTable, series_scale
from .level_basis import LevelBasis
from .phase_bands import with_phases
from .plan_record import Plan
from .scaling import Scaler, Transform
from .stored_histories import StoredHistories

if TYPE_CHECKING:
    from .forecaster import Forecaster

STATE_VERSION = 3  # 3: per-series state and the calibration table as arrays
SERIES = "series/"  # arrays whose leading axis is the series (or, for histories, the row)
MODEL = "model/"  # arrays of the whole model that are not network weights
ERRORS = MODEL + "calibration_errors"  # (windows, horizon) float32: what the table ranks
ERRORS_OFFSETS = MODEL + "calibration_error_offsets"  # a --local model's: member i's rows
PHASES = MODEL + "calibration_phases"  # (windows, horizon) int32: the errors' phases of the day
USABLE = MODEL + "phase_usable"  # (phases,) uint8: those with a table of their own (``phase_bands``)
WIDTHS = "@widths"  # suffix: a --local model's per-member widths of a padded per-series array


def forecaster_state(f: Forecaster) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(metadata, arrays) of a fitted forecaster: network weights, ``series/`` and ``model/`` arrays."""
    history_meta, arrays = as_stored(f.histories_).to_arrays(SERIES)
    kinds = {s.kind for s in f.scalers_}
    if len(kinds) != 1:
        raise ValueError(f"the series' scalers are of {len(kinds)} kinds; one model has one")
    meta = {
        "state_version": STATE_VERSION,
        "config": f.config.to_dict(),
        "plan": f.plan_.to_dict(),
        "network": f.network_args_.to_dict(),
        "target": f.target_,
        "features": list(f.features_),
        "future_features": list(f.future_features_),
        "static_levels": {c: list(v) for c, v in f.static_levels_.items()},
        "id_col": f.id_col_,
        "ids": list(f.ids_),
        "time_labels": f.time_labels_,
        "scaler_kind": kinds.pop(),
        "metrics": f.metrics_,
        "calibration": {
            "windows": f.calibration_.windows,
            "steps": len(f.calibration_.abs_q),
            "bare_steps": f.calibration_.bare_steps,
            "own_windows": f.calibration_.own_windows,
        },
        # errors were divided by the spread head's widths (None: by the series' scales)
        "width_ratio": None if f.width_ratio_ is None else [float(v) for v in f.width_ratio_],
        # and by that width plus this share of the typical one (files before it: 0)
        "width_typical_share": f.typical_share_,
        # what an unseen series' error level is measured against (``error_levels``)
        "error_level_basis": None if f.level_basis_ is None else f.level_basis_.stored(),
        "history": history_meta,
    }
    if f.series_rows_ is not None:  # None: loaded from a file that did not record them
        arrays[SERIES + "rows"] = f.series_rows_
        meta["data_rows"] = rows_summary(f.series_rows_)
    arrays.update(
        {
            SERIES + "scaler_center": np.stack([_fitted(s.center) for s in f.scalers_]),  # (series, inputs)
            SERIES + "scaler_scale": np.stack([_fitted(s.scale) for s in f.scalers_]),  # (series, inputs)
            SERIES + "calibration_scale": np.asarray(f.cal_scales_, dtype=np.float64),  # (series,)
            SERIES + "statics": _static_codes(f),  # (series, static columns)
            MODEL + "calibration_abs_q": f.calibration_.abs_q,  # (horizon, levels)
        }
    )
    if f.damped_ is not None:  # the smoother averaged with the network (``damped_trend``)
        arrays.update({SERIES + "damped_" + k: v for k, v in f.damped_.to_arrays().items()})  # (series,) each
        meta["damped_weight"] = f.damped_.weight  # its share (``combine_weight``); files before it: 0.5
    if f.never_negative_ is not None:  # None: loaded from a file that did not record them
        arrays[SERIES + "never_negative"] = np.asarray(f.never_negative_, dtype=np.uint8)  # (series,)
    if f.calibration_errors_ is not None:  # None: loaded from a file that did not keep them
        arrays[ERRORS] = f.calibration_errors_  # (windows, horizon) float32
    if f.calibration_phases_ is not None and f.phase_usable_ is not None:  # set with the errors, together
        arrays[PHASES] = np.asarray(f.calibration_phases_, dtype=np.int32)  # (windows, horizon)
        arrays[USABLE] = np.asarray(f.phase_usable_, dtype=np.uint8)  # (phases,)
    arrays.update({k: v.detach().cpu().numpy() for k, v in f.network_.state_dict().items()})
    return meta, arrays


def rows_summary(rows: np.ndarray) -> dict[str, Any]:
    """What ``info`` shows of the training series' lengths."""
    return {
        "total": int(rows.sum()),
        "min": int(rows.min()),
        "median": float(np.median(rows)),
        "max": int(rows.max()),
    }


def _fitted(vector: np.ndarray | None) -> np.ndarray:
    if vector is None:
        raise ValueError("a scaler of the forecaster is not fitted")
    return vector


def as_stored(histories: Sequence[pd.DataFrame]) -> StoredHistories:
    return histories if isinstance(histories, StoredHistories) else StoredHistories.from_frames(histories)


def _static_codes(f: Forecaster) -> np.ndarray:
    """Each series' static values as indices into ``static_levels_`` (series, columns)."""
    levels = [list(v) for v in f.static_levels_.values()]
    codes = np.zeros((len(f.ids_), len(levels)), dtype=np.int64)
    for i, row in enumerate(f.statics_):
        codes[i] = [lv.index(value) for lv, value in zip(levels, row, strict=True)]
    return codes


def restore_forecaster(
    cls: type[Forecaster], meta: dict[str, Any], arrays: dict[str, np.ndarray]
) -> Forecaster:
    """A fitted forecaster from ``forecaster_state`` output (or a round-1 model file's)."""
    import torch

    from .models import NetworkArgs, RecurrentNetwork

    self = cls(ForecastConfig.from_dict(meta["config"]))
    self.network_args_ = NetworkArgs(**meta["network"])
    self.network_ = RecurrentNetwork(self.network_args_)
    state = {k: v for k, v in arrays.items() if k.startswith((SERIES, MODEL))}
    tensors = {k: torch.from_numpy(np.array(v)) for k, v in arrays.items() if k not in state}
    self.network_.load_state_dict(tensors, strict=True)
    self.network_.eval()
    self.plan_ = Plan.from_dict(meta["plan"]) if "plan" in meta else _plan_from_round_one(meta)
    self.target_, self.features_ = meta["target"], tuple(meta["features"])
    self.future_features_ = tuple(meta.get("future_features", ()))
    self.static_levels_ = {c: tuple(v) for c, v in meta.get("static_levels", {}).items()}
    self.transform_ = Transform(self.plan_.transform, self.plan_.chose_transform)
    self.metrics_ = meta.get("metrics", {})
    self.time_labels_ = str(meta.get("time_labels", ""))  # files before it: ISO 8601
    self.level_basis_ = LevelBasis.from_stored(meta.get("error_level_basis"))  # files before it: none
    if meta.get("state_version", 1) >= 3:
        _restore_arrays(self, meta, state)
        return self
    if "scalers" in meta:
        self.scalers_ = [Scaler.from_dict(s) for s in meta["scalers"]]
        self.histories_ = as_stored([history_from_json(h, self.plan_.freq) for h in meta["histories"]])
        self.ids_, self.id_col_ = tuple(meta["ids"]), meta["id_col"]
    else:  # round 1: one series
        self.scalers_ = [Scaler.from_dict(meta["scaler"])]
        self.histories_ = as_stored([history_from_json(meta["history"], self.plan_.freq)])
        self.ids_, self.id_col_ = ("",), None
    if "calibration" in meta:
        self.calibration_ = CalibrationTable.from_dict(meta["calibration"])
        self.cal_scales_ = [float(v) for v in meta["calibration_scales"]]
        ratio = meta.get("width_ratio")
        self.width_ratio_ = None if ratio is None else np.asarray(ratio, dtype=np.float64)
        self.typical_share_ = float(meta.get("width_typical_share", 0.0))
    else:  # round 1 stored no calibration: bands from the history's own one-step changes
        self.calibration_ = _uncalibrated(self.plan_.horizon)
        self.cal_scales_ = [series_scale(h.iloc[:, 0].to_numpy(), False) for h in self.histories_]
        self.width_ratio_ = None
        self.typical_share_ = 0.0
    self.statics_ = [tuple(s) for s in meta.get("statics", [()] * len(self.ids_))]
    self.never_negative_ = None  # older files: the plan's cut only
    self.damped_ = None  # older files: the network alone
    self.series_rows_ = None
    self.calibration_errors_ = None  # files before round 2, stop 5 kept only the table
    self.calibration_phases_ = self.phase_usable_ = None
    if len(self.scalers_) != len(self.histories_) or len(self.ids_) != len(self.scalers_):
        raise ValueError("the model file's series lists disagree in length")
    return self


def _restore_arrays(self: Forecaster, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """The per-series and calibration state of a version-3 state."""
    self.ids_, self.id_col_ = tuple(str(i) for i in meta["ids"]), meta["id_col"]
    n = len(self.ids_)
    self.histories_ = StoredHistories.from_arrays(meta["history"], arrays, SERIES)
    rows = arrays.get(SERIES + "rows")
    self.series_rows_ = None if rows is None else rows.astype(np.int64)
    if rows is not None and rows.shape != (n,):
        raise ValueError("the model file's series lengths disagree with its series ids")
    center, scale = arrays[SERIES + "scaler_center"], arrays[SERIES + "scaler_scale"]
    cal, codes = arrays[SERIES + "calibration_scale"], arrays[SERIES + "statics"]
    levels = list(self.static_levels_.values())
    if len(self.histories_) != n or center.shape != scale.shape or center.ndim != 2 or len(center) != n:
        raise ValueError("the model file's per-series arrays disagree with its series ids")
    if cal.shape != (n,) or codes.shape != (n, len(levels)):
        raise ValueError("the model file's calibration scales or static codes disagree with its series")
    kind = str(meta["scaler_kind"])
    self.scalers_ = [
        Scaler(kind, center[i].astype(np.float64), scale[i].astype(np.float64)) for i in range(n)
    ]
    self.cal_scales_ = cal.astype(np.float64).tolist()
    flags = arrays.get(SERIES + "never_negative")  # files before it: no per-series cut
    if flags is not None and flags.shape != (n,):
        raise ValueError("the model file's per-series flags disagree with its series ids")
    self.never_negative_ = None if flags is None else flags.astype(bool)
    damped = {
        k.removeprefix(SERIES + "damped_"): v for k, v in arrays.items() if k.startswith(SERIES + "damped_")
    }
    weight = float(meta.get("damped_weight", EQUAL))  # stop 33's files averaged equally
    self.damped_ = DampedFit.from_arrays(damped, n, weight) if self.plan_.damped_rows else None
    if any(
        len(codes) and not 0 <= codes[:, j].min() <= codes[:, j].max() < len(lv)
        for j, lv in enumerate(levels)
    ):
        raise ValueError("the model file's static codes name values its static levels lack")
    self.statics_ = [tuple(lv[c] for lv, c in zip(levels, row, strict=True)) for row in codes.tolist()]
    abs_q = arrays[MODEL + "calibration_abs_q"]  # files before stop 15 also hold an unused signed_q
    if abs_q.shape != (len(abs_q), len(LEVEL_GRID)):
        raise ValueError("the model file's calibration table has the wrong shape")
    calibration = meta["calibration"]  # files before bare_steps was kept: every step had errors
    own = calibration.get("own_windows")  # files before the naive floor: unknown, no floor
    self.calibration_ = CalibrationTable(
        abs_q.astype(np.float64),
        int(calibration["windows"]),
        int(calibration.get("bare_steps", 0)),
        None if own is None else int(own),
    )
    ratio = meta.get("width_ratio")
    self.width_ratio_ = None if ratio is None else np.asarray(ratio, dtype=np.float64)
    self.typical_share_ = float(meta.get("width_typical_share", 0.0))
    errors = arrays.get(ERRORS)
    if errors is not None and (
        errors.ndim != 2 or errors.shape[1] != len(abs_q) or errors.dtype != np.float32
    ):
        raise ValueError("the model file's calibration errors have the wrong shape")
    self.calibration_errors_ = errors
    # the tables by phase of the day are ranked again from the errors (files before them: pooled)
    phases, usable = arrays.get(PHASES), arrays.get(USABLE)
    self.calibration_phases_ = self.phase_usable_ = None
    if errors is not None and phases is not None and usable is not None:
        if phases.shape != errors.shape or usable.ndim != 1 or not len(usable):
            raise ValueError("the model file's calibration phases disagree with its errors")
        self.calibration_phases_, self.phase_usable_ = phases.astype(np.int64), usable.astype(bool)
        self.calibration_ = with_phases(
            self.calibration_, errors, self.calibration_phases_, self.phase_usable_
        )


def _uncalibrated(horizon: int) -> CalibrationTable:
    """No stored calibration (a round-1 file): infinite bands, which say so honestly."""
    return CalibrationTable(np.full((horizon, len(LEVEL_GRID)), np.inf), 0)


def _plan_from_round_one(meta: dict[str, Any]) -> Plan:
    network = meta["network"]
    return Plan(
        freq=modern_alias(meta["freq"]) if isinstance(meta["freq"], str) else meta["freq"],
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


def history_from_json(hist: dict[str, Any], freq: str | None) -> pd.DataFrame:
    """One series' history as state version 2 and round 1 stored it (ISO timestamps or
    integer steps, columns, values as lists); zone-aware stamps come back in their zone."""
    if freq is None:
        index: pd.Index = pd.Index(hist["index"], name="step")
    else:
        index = pd.DatetimeIndex(
            pd.to_datetime(hist["index"], format="ISO8601", utc=bool(hist.get("tz"))), name="timestamp"
        )
        if hist.get("tz"):
            index = index.tz_convert(hist["tz"])
    return pd.DataFrame(hist["values"], index=index, columns=hist["columns"])
