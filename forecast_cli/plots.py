"""PNG figures for people who would rather look than read (matplotlib, headless)."""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError
from .io import atomic_write

INSTALL_HINT = "pip install 'forecast-cli[plot]'"


def require_matplotlib() -> None:
    """Fail before any work when --plot is asked for without the [plot] extra."""
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        raise UsageError(f"--plot needs matplotlib, which is not installed; run: {INSTALL_HINT}")


def plot_backtest(result, path: str | Path, last_folds: int = 3, context: int | None = None) -> Path:
    """Top: actuals around the last folds with each model's forecasts. Bottom: MASE per model."""
    require_matplotlib()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    fc = result.forecasts
    origins = sorted(fc["origin"].unique())[-last_folds:]
    shown = fc[fc["origin"].isin(origins)]
    models = list(result.leaderboard.index)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 7), gridspec_kw={"height_ratios": [2, 1]})
    truth = shown.drop_duplicates("timestamp").sort_values("timestamp")
    top.plot(truth["timestamp"], truth["actual"], color="black", linewidth=1.6, label="actual")
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, name in enumerate(models):
        for j, origin in enumerate(origins):
            part = shown[(shown["model"] == name) & (shown["origin"] == origin)]
            top.plot(
                part["timestamp"],
                part["forecast"],
                color=colours[i % len(colours)],
                linewidth=1.0,
                alpha=0.9,
                label=name if j == 0 else None,
            )
    for origin in origins:
        top.axvline(origin, color="grey", linestyle=":", linewidth=0.8)
    top.set_title(f"last {len(origins)} folds: forecasts vs actuals (dotted lines: origins)")
    top.legend(loc="upper left", fontsize=8, ncol=min(4, len(models) + 1))
    mase = result.leaderboard["mase"]
    bars = bottom.barh(
        list(reversed(models)),
        list(reversed(mase.to_list())),
        color=[colours[models.index(n) % len(colours)] for n in reversed(models)],
    )
    bottom.axvline(1.0, color="grey", linestyle="--", linewidth=0.8)
    bottom.bar_label(bars, fmt="%.3f", fontsize=8)
    bottom.set_xlabel("MASE (lower is better; 1 = in-sample seasonal naive)")
    fig.tight_layout()
    try:
        with atomic_write(path, "wb") as handle:
            fig.savefig(handle, format="png", dpi=110)
    finally:
        plt.close(fig)
    return path
