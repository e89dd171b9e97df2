"""`forecast info`: what a model file holds, without importing torch."""

from __future__ import annotations

import re
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..data_config import DEFAULT_AGG
from .app import app
from .model_source import model_config_toml, source_line
from .option_groups import OUTPUT, RunOptions
from .options import command
from .render import emit, resolve_format


class InfoFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    config = "config"


@command(app, "info")
def info(
    model: Annotated[Path, typer.Argument(help="Model file to describe.")],
    fmt: Annotated[
        InfoFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table | csv | json, or config: the options it was trained with, as a file for "
            "`forecast train --config`.",
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    run: RunOptions = None,
) -> None:
    """Show what a model file holds: config, plan, columns, metrics, versions.

    Examples:

        forecast info air.fcst

        forecast info air.fcst --format config > run.toml && forecast train new.csv --config run.toml
    """
    from ..errors import ModelFileError
    from ..modelfile import column_names_problem, missing_entry, read_metadata

    meta = read_metadata(model, verify=True)  # bytes checked, arrays not parsed: torch stays out
    problem = column_names_problem(meta.get("target"), meta.get("id_col"), meta.get("features"))
    if problem:  # predict refuses these as damaged; info must not describe them as sound
        raise ModelFileError(f"{model} is damaged or inconsistent ({problem}); retrain the model")
    if fmt == InfoFormat.config:
        import sys

        sys.stdout.write(model_config_toml(meta, model))
        return
    try:
        summary = describe_model(meta)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a missing entry as predict says it
        what = missing_entry(exc) if isinstance(exc, KeyError) and exc.args else type(exc).__name__
        raise ModelFileError(f"{model} is damaged or inconsistent ({what}); retrain the model") from None
    chosen = resolve_format(fmt.value if fmt else None, None)
    if chosen == "json":  # the lines as shown, then typed values for scripts: jq .plan.horizon
        emit("json", None, payload={**summary, **typed_sections(meta)})
    else:
        import pandas as pd

        frame = pd.DataFrame(
            {"value": [str(v) for v in summary.values()]}, index=pd.Index(list(summary), name="field")
        )
        emit(chosen, None, frame=frame, title=str(model))


def typed_sections(meta: dict) -> dict:
    """The plan (its values and reasons) and the options as the model file stores them:
    the shown fields are display text ("12 (one season)"), which a script cannot read
    as a number. A --local model gives its first member's plan (the shown fields tally
    what differs between members)."""
    from ..interval_config import typed

    first = (meta.get("members") or [{}])[0]
    config = meta.get("config") or first.get("config")
    if config and isinstance(config.get("intervals"), dict):  # levels as numbers, as jq expects
        intervals = {k: typed(v) if isinstance(v, list) else v for k, v in config["intervals"].items()}
        config = {**config, "intervals": intervals}
    return {
        "plan": meta.get("plan") or first.get("plan"),
        "config": config,
        "series_ids": [  # what --ids may name (a lone series: none); a --local model's short
            i
            for i in meta.get("order") or meta.get("ids") or ()
            if i != ""  # series too
        ],
    }


def metric_fields(metrics: dict) -> dict:
    """``metric_*`` fields; a fit that kept its starting weights (best epoch 0) measured no
    training loss for them: said so, where ``nan`` was shown."""
    out = {f"metric_{k}": v for k, v in metrics.items()}
    loss = out.get("metric_train_loss")
    if isinstance(loss, float) and loss != loss:  # NaN
        out["metric_train_loss"] = "none (the starting weights were kept, never trained)"
    return out


def describe_model(meta: dict) -> dict:
    """The metadata worth showing, flattened (history values summarised, not dumped)."""
    from ..plan_record import Plan

    if meta.get("kind") == "local":
        return describe_local(meta)
    cfg = meta["config"]
    if "scaler_kind" in meta:
        scaler = meta["scaler_kind"]
    else:  # format 3 and older: JSON scalers
        scaler = (meta["scalers"][0] if "scalers" in meta else meta["scaler"])["kind"]
    plan = Plan.from_dict(meta["plan"]) if "plan" in meta else None
    model = cfg["model"]
    out = {
        "format_version": meta["format_version"],
        "package_version": meta["package_version"],
        "created": meta["created"],
        **source_line(cfg),
        "target": meta["target"],
        # past-observed only: the file lists known-future columns among the features too
        # (the lookback reads them), and they are shown as future_features below
        "features": ",".join(c for c in meta["features"] if c not in meta.get("future_features", ())),
        "freq": plan.freq if plan else meta["freq"],
        # how rows of one period were combined (a coarser --freq, duplicates): the load line
        # of training said it; the file is where it is read later
        "agg": cfg["data"].get("agg") or f"{DEFAULT_AGG} (the default)",
        "cell": model.get("cell", model.get("kind")),
        "hidden": model["hidden"],
        "layers": model["layers"],
        "strategy": model["strategy"],
        "highway_start": meta["network"].get("highway_init", "naive"),
        "scaler": scaler,
    }
    if plan is not None:
        for name in ("series", "season", "horizon", "lookback", "transform", "level_norm", "patch"):
            reason = plan.reasons.get(name)
            out[name] = f"{getattr(plan, name)}" + (f" ({reason})" if reason else "")
        if len(plan.seasons) > 1:
            out["seasons"] = (
                ",".join(map(str, plan.seasons)) + f" (highway starts from {meta['network']['season']})"
            )
        if plan.calendar:
            out["calendar"] = ",".join(plan.calendar) + f" ({plan.reasons.get('calendar', '')})"
        if plan.drift_rows:
            out["drift_rows"] = f"{plan.drift_rows} ({plan.reasons.get('drift_rows', '')})"
        if plan.damped_rows:
            out["damped_rows"] = f"{plan.damped_rows} ({plan.reasons.get('damped_rows', '')})"
            # its share of the forecast, chosen on validation (files of stop 33: an equal average)
            out["damped_weight"] = meta.get("damped_weight", 0.5)
        if plan.batch_size:  # 0: a file from before the plan decided it
            out["batch_size"] = f"{plan.batch_size} ({plan.reasons.get('batch_size', '')})"
        if plan.says_nonnegative:
            out["nonnegative"] = f"True ({plan.reasons.get('nonnegative', '')})"
    else:
        out.update({k: meta[k] for k in ("season", "lookback", "horizon", "transform")})
    if meta.get("static_levels"):
        out["static_cols"] = ",".join(meta["static_levels"])
    if meta["network"].get("id_embedding"):
        out["id_embedding"] = meta["network"]["id_embedding"]
    if meta.get("future_features"):
        out["future_features"] = ",".join(meta["future_features"])
    if meta.get("id_col"):
        out["id_col"] = meta["id_col"]
    if meta.get("time_labels"):  # outputs write timestamps as the data named its periods
        out["time_labels"] = meta["time_labels"]
    out["intervals"] = interval_summary(meta)
    out.update(history_summary(meta))
    out.update(metric_fields(meta.get("metrics", {})))
    return out


def interval_summary(meta: dict, windows: int | None = None, pooled: int = 0) -> str:
    """What predict reports by default and what backs it: ``80,95 (predict's default;
    calibrated on 412 windows, widths from the spread head)``. ``windows``: the fewest of a
    --local model's members, each calibrated on its own (files before the pool);
    ``pooled``: how many members a --local model's one table pools."""
    from ..config import ForecastConfig
    from ..interval_config import IntervalConfig
    from ..interval_levels import floored

    intervals, notes = IntervalConfig().or_else(ForecastConfig.from_dict(meta["config"]).intervals)
    shown = ",".join(f"{lv:g}" for lv in intervals.levels()) or "none"
    if intervals.probs():
        shown += "; quantiles " + ",".join(f"{p:g}" for p in intervals.probs())
    shown += "".join(f" ({note})" for note in notes)
    calibration = meta.get("calibration")
    if calibration is None:
        return f"{shown} (predict's default; not calibrated: a round-1 file)"
    widths = "the spread head" if meta["network"].get("spread") else "each series' scale"
    least = calibration["windows"] if windows is None else f"as few as {windows}"
    source = f" pooled from its {pooled} members" if pooled > 1 else ""  # one member: its own
    # a table of too few windows is widened to seasonal naive's band (``naive_floor``)
    floor = (
        ", at least seasonal naive's band on the history" if floored(calibration.get("own_windows")) else ""
    )
    phases = meta.get("metrics", {}).get("phase_tables")  # tables by hour of the day (``phase_bands``)
    by_phase = f", {phases} phase{'s' if phases > 1 else ''} of the day ranked apart" if phases else ""
    basis = meta.get("error_level_basis")  # [prior, median, carry] (``level_basis``); files before it: none
    carry = basis[2] if isinstance(basis, list) and len(basis) == 3 and isinstance(basis[2], float) else 0.0
    unseen = (
        f", a series it never saw sized by its own errors ({carry:.2f} of its level carried)"
        if carry > 0
        else ""
    )
    return (
        f"{shown} (predict's default; calibrated on {least} windows{source}, "
        f"widths from {widths}{floor}{by_phase}{unseen})"
    )


def history_summary(meta: dict) -> dict:
    """Stored series, their rows (total; min/median/max per series) and the latest stamp,
    and the training series' lengths, from the metadata alone: no arrays read, no frame built."""
    from statistics import median

    if "all_history" in meta:  # a --local model's members and its short series, together
        summary = meta["all_history"]
    elif "rows" in meta.get("history", {}):  # format 4: summarised when saved
        summary = meta["history"]
    else:  # format 3 and older: JSON histories (round 1: one, as "history")
        if "members" in meta:
            histories = [m["histories"][0] for m in meta["members"]]
        else:
            histories = meta["histories"] if "histories" in meta else [meta["history"]]
        lengths = [len(h["values"]) for h in histories]
        ends = [h["index"][-1] for h in histories if h["index"]]
        summary = {"series": len(lengths), "rows": sum(lengths), "end": max(ends, default=None)}
        summary["rows_per_series"] = [min(lengths), float(median(lengths)), max(lengths)]
    low, mid, high = summary["rows_per_series"]
    out = {
        "history_series": summary["series"],
        "history_rows": summary["rows"],
        "history_rows_per_series": f"min {low}, median {mid:g}, max {high}",
        "history_end": summary["end"],
    }
    if "data_rows" in meta:  # format 4: the training series' lengths
        rows = meta["data_rows"]
        out["data_rows"] = rows["total"]
        out["data_rows_per_series"] = f"min {rows['min']}, median {rows['median']:g}, max {rows['max']}"
    return out


def describe_local(meta: dict) -> dict:
    """A --local model: one network per series; the first member's plan stands for all but
    the fields that differ between members, which are tallied (``plan_spread.varying``)."""
    first_meta = {**{k: v for k, v in meta.items() if k != "kind"}, **meta["members"][0]}
    first = describe_model(first_meta)
    out = {
        k: first[k] for k in ("format_version", "package_version", "created", "target", "features", "freq")
    }
    out["kind"] = f"local: {len(meta['members'])} series, one network each"
    short = meta.get("short", {}).get("ids", [])
    if short:  # too short for a network (``short_members``): forecast by a baseline from their rows
        named = ", ".join(map(repr, short[:5])) + (" ..." if len(short) > 5 else "")
        out["kind"] += f"; {len(short)} too short for one, forecast by (seasonal) naive: {named}"
    out.update({k: v for k, v in first.items() if k not in out and not k.startswith("metric_")})
    out["series"] = len(meta["members"]) + len(short)
    from ..plan_spread import varying

    members = meta["members"]
    out.update(varying([m["plan"] for m in members], [str(m.get("scaler_kind", "")) for m in members]))
    # each member's highway starts as its own baseline: the first member's is no model's
    starts = Counter(str(m.get("network", {}).get("highway_init", "naive")) for m in members)
    if len(starts) > 1:
        out["highway_start"] = ", ".join(f"{kind} ({n} series)" for kind, n in starts.most_common())
    reasons = {
        m["plan"].get("reasons", {}).get("damped_rows", "") for m in members if m["plan"].get("damped_rows")
    }
    if len(reasons) > 1:  # the first member's said "all the series' 22 rows" of every member
        rows = members[0]["plan"]["damped_rows"]
        short = all("all the series'" in r for r in reasons)  # every member shorter than the rows read
        whose = (
            "all of each series' rows"
            if short
            else f"each series' last {rows} rows or all of a shorter one's"
        )
        out["damped_rows"] = re.sub(
            r"\(a damped trend of .*?(, its season|, averaged)",
            rf"(a damped trend of {whose}\1",
            str(out.get("damped_rows", "")),
            count=1,
        )
    if "damped_weight" in out:  # each member chose its own: how many chose each share
        tally = Counter(float(m.get("damped_weight", 0.5)) for m in members)
        out["damped_weight"] = ", ".join(
            f"{w:g} ({n} series)" for w, n in sorted(tally.items(), reverse=True)
        )
    windows = [m["calibration"]["windows"] for m in meta["members"] if "calibration" in m]
    if windows and meta.get("pooled_calibration"):  # one table of every member's errors
        out["intervals"] = interval_summary(first_meta, pooled=len(members))
    elif windows:  # each member is calibrated on its own windows: the fewest bound them all
        out["intervals"] = interval_summary(first_meta, min(windows))
    out.update(history_summary(meta))
    out.update(metric_fields(meta.get("metrics", {})))
    return out
