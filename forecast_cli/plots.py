"""PNG figures for people who would rather look than read (matplotlib, headless).

One backtest figure: fan charts of the last folds (each model's forecast with its 80/95%
bands shaded, for the first few series of a panel), then a calibration panel (nominal
level against observed coverage, per model, pooled over every series) and the MASE bars
(MAE bars where MASE is undefined for every series).
What the panels draw is computed by plain functions (``calibration``, ``fan_series``) so
it can be checked against the backtest's numbers without reading pixels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import UsageError
from .io import atomic_write

INSTALL_HINT = "pip install 'forecast-cli[plot]'"
DPI = 100
FAN_SERIES = 3  # series drawn as fan charts; calibration and MASE use every series
FAN_MODELS = 4  # models drawn as fan charts (the best by MASE); the bars show all


PLOT_FORMATS = ("png", "svg", "pdf")  # chosen by the file's suffix


def require_matplotlib(path: str | Path | None = None) -> None:
    """Fail before any work when --plot is asked for without the [plot] extra, or for a file
    whose suffix names no format we write (a .svg file used to get PNG bytes)."""
    import importlib.util

    if path is not None and plot_format(path) is None:
        raise UsageError(f"--plot {path}: give a .png, .svg or .pdf file (the suffix picks the format)")
    if importlib.util.find_spec("matplotlib") is None:
        raise UsageError(f"--plot needs matplotlib, which is not installed; run: {INSTALL_HINT}")


def plot_format(path: str | Path) -> str | None:
    """``png``, ``svg`` or ``pdf`` from the path's suffix; None for any other."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in PLOT_FORMATS else None


def band_levels(forecasts: pd.DataFrame) -> list[float]:
    """The interval levels the forecasts frame carries (``lo-80`` -> 80.0), ascending."""
    return sorted(float(c[3:]) for c in forecasts.columns if c.startswith("lo-"))


def calibration(forecasts: pd.DataFrame, models: list[str]) -> pd.DataFrame:
    """Observed coverage per model (rows) and nominal level (columns, percent): the share
    of actuals inside [lo, hi] over every series, fold and step where the model has a band
    (NaN where it has none) -- the ``cov_<level>`` of the leaderboard, from the frame."""
    out = pd.DataFrame(index=pd.Index(models, name="model"), columns=band_levels(forecasts), dtype=float)
    for name, rows in forecasts.groupby("model", sort=False):
        if name not in out.index:
            continue
        actual = rows["actual"].to_numpy()
        for level in out.columns:
            lo, hi = rows[f"lo-{level:g}"].to_numpy(), rows[f"hi-{level:g}"].to_numpy()
            has = ~np.isnan(lo)
            if has.any():
                inside = (actual[has] >= lo[has]) & (actual[has] <= hi[has])
                out.loc[name, level] = float(inside.mean())
    return out


def fan_series(forecasts: pd.DataFrame, id_col: str | None, limit: int = FAN_SERIES) -> list[str | None]:
    """The series drawn as fan charts: the first ``limit`` in the frame's order (the panel's,
    which ``--ids`` sets); ``[None]`` for a single series."""
    if id_col is None or id_col not in forecasts.columns:
        return [None]
    return list(pd.unique(forecasts[id_col]))[:limit]


def figure_size(rows: int, cols: int) -> tuple[float, float]:
    """Inches of the figure with ``rows`` series and ``cols`` models of fan charts."""
    return max(10.0, 3.2 * cols), 2.4 * rows + 3.6


def plot_backtest(result, path: str | Path, last_folds: int = 3) -> Path:
    """Write the backtest figure (see the module docstring) to ``path`` atomically."""
    require_matplotlib()
    import matplotlib

    matplotlib.use("Agg")
    # ids and column names are drawn as written: "$a^^b$" failed matplotlib's math parser
    # (exit 1, the leaderboard lost) and "cost $5 and $6" was set as italic maths
    with matplotlib.rc_context({"text.parse_math": False}):
        return _draw(result, Path(path), last_folds)


def _draw(result, path: Path, last_folds: int) -> Path:
    import matplotlib.pyplot as plt

    fc = result.forecasts
    id_col = next((c for c in fc.columns[:1] if c != "origin"), None)
    models = list(result.leaderboard.index)
    fanned = models[:FAN_MODELS]
    series = fan_series(fc, id_col)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    colour = {name: colours[i % len(colours)] for i, name in enumerate(models)}
    fig = plt.figure(figsize=figure_size(len(series), len(fanned)), dpi=DPI, layout="constrained")
    outer = fig.add_gridspec(2, 1, height_ratios=[2.4 * len(series), 3.0])
    fans = outer[0].subgridspec(len(series), len(fanned))
    bottom = outer[1].subgridspec(1, 2)
    levels = band_levels(fc)
    shown = 0  # folds drawn: at most last_folds, fewer when the backtest had fewer
    for r, sid in enumerate(series):
        rows = fc if sid is None else fc[fc[id_col] == sid]
        origins = sorted(rows["origin"].unique())[-last_folds:]
        shown = max(shown, len(origins))
        rows = rows[rows["origin"].isin(origins)]
        for c, name in enumerate(fanned):
            ax = fig.add_subplot(fans[r, c])
            _fan(ax, rows, name, origins, levels, colour[name])
            label = name if sid is None else f"{sid}: {name}"
            ax.set_title(label, fontsize=8)
    n = int(result.config.get("series", 1))
    which = (
        result.config.get("target", "")
        if series == [None]
        else f"series {', '.join(map(str, series))}"
        + (f" (first {len(series)} of {n})" if n > len(series) else "")
    )
    if len(models) > len(fanned):
        which += f", best {len(fanned)} of {len(models)} models by {_ranked_by(result.leaderboard).upper()}"
    shaded = " and ".join(f"{lv:g}%" for lv in reversed(levels))
    fig.suptitle(
        (f"last {shown} folds of {which}" if shown > 1 else f"the fold of {which}")
        + (f"; shaded: {shaded} bands" if levels else "")
        + "; black: actual",
        fontsize=10,
    )
    _calibration(fig.add_subplot(bottom[0, 0]), calibration(fc, models), colour, n)
    _accuracy(fig.add_subplot(bottom[0, 1]), result.leaderboard, colour, n)
    try:
        with atomic_write(path, "wb") as handle:
            fig.savefig(handle, format=plot_format(path) or "png", dpi=DPI)
    finally:
        plt.close(fig)
    return path


def _fan(ax, rows: pd.DataFrame, name: str, origins, levels: list[float], colour: str) -> None:
    truth = rows.drop_duplicates("timestamp").sort_values("timestamp")
    ax.plot(truth["timestamp"], truth["actual"], color="black", linewidth=1.2)
    mine = rows[rows["model"] == name]
    for origin in origins:
        part = mine[mine["origin"] == origin]
        for k, level in enumerate(reversed(levels)):  # widest band first, the narrower on top
            ax.fill_between(
                part["timestamp"],
                part[f"lo-{level:g}"],
                part[f"hi-{level:g}"],
                color=colour,
                alpha=0.18 + 0.17 * k,
                linewidth=0,
            )
        ax.plot(part["timestamp"], part["forecast"], color=colour, linewidth=1.0)
        ax.axvline(origin, color="grey", linestyle=":", linewidth=0.8)
    ax.tick_params(labelsize=7)
    if pd.api.types.is_datetime64_any_dtype(truth["timestamp"]):
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _calibration(ax, table: pd.DataFrame, colour: dict[str, str], n: int) -> None:
    over = f" over {n} series" if n > 1 else ""
    ax.set_title(f"calibration{over}: observed vs nominal coverage", fontsize=9)
    if table.columns.empty:
        ax.text(0.5, 0.5, "no intervals (--level none)", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    nominal = np.array(table.columns, dtype=float)
    low = float(np.nanmin([nominal.min(), np.nanmin(table.to_numpy(dtype=float) * 100, initial=100)]))
    low = max(0.0, 10 * np.floor(low / 10) - 10)
    ax.plot([low, 100], [low, 100], color="grey", linestyle="--", linewidth=0.8, label="ideal")
    for name, row in table.iterrows():
        if row.notna().any():
            ax.plot(nominal, row.to_numpy(dtype=float) * 100, marker="o", color=colour[str(name)], label=name)
    ax.set_xlim(low, 100)
    ax.set_ylim(low, 100)
    ax.set_xlabel("nominal level (%)", fontsize=8)
    ax.set_ylabel("observed coverage (%)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, loc="upper left")


def _ranked_by(board: pd.DataFrame) -> str:
    """The leaderboard's ranking column: MASE, or MAE where no series gives MASE a scale."""
    return "mase" if board["mase"].notna().any() else "mae"


def _accuracy(ax, board: pd.DataFrame, colour: dict[str, str], n: int) -> None:
    """Bars of each model's MASE, or of its MAE (in the data's units) when MASE is undefined
    for every series: a panel of empty bars under a MASE title explained nothing."""
    column = _ranked_by(board)
    values = board[column]
    names = list(reversed(values.index))
    bars = ax.barh(names, list(reversed(values.to_list())), color=[colour[m] for m in names])
    ax.bar_label(bars, fmt="%.3f" if column == "mase" else "%.4g", fontsize=7)
    over = f" over {n} series" if n > 1 else ""
    if column == "mase":
        ax.axvline(1.0, color="grey", linestyle="--", linewidth=0.8)
        ax.set_title(f"MASE{over} (lower is better; 1 = in-sample seasonal naive)", fontsize=9)
    else:
        ax.set_title(
            f"MAE{over} (lower is better; MASE undefined: no in-sample change to scale by)", fontsize=9
        )
    ax.tick_params(labelsize=7)
