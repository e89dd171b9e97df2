"""Training from the command line: torch threads, the executor, progress and the lines that
say what was trained (the plan, then the result, and a warning when the network is worse
than a baseline on its validation windows). ``train`` and ``backtest`` share these.
"""

from __future__ import annotations

from ..run_config import ComputeConfig
from .render import Reporter


def fit_forecaster(cfg, series, reporter: Reporter, label: str):
    """Train with a progress bar on a terminal: the plan is said as soon as it is resolved
    (a wrong horizon or season shows before minutes of training, not after), the result
    afterwards."""
    from ..forecaster import Forecaster

    if cfg.model.id_embedding and len(series) == 1:
        reporter.warn(
            "--id-embedding on one series learns nothing a series id could tell apart, "
            "and predict then refuses any other series; leave it for panels"
        )
    with reporter.training_progress(label) as on_epoch:
        forecaster = Forecaster(cfg).fit(
            series, on_epoch=on_epoch, on_plan=lambda plan: reporter.info("plan: " + "; ".join(plan.lines()))
        )
    reporter.info(training_summary(forecaster, label))
    if warning := validation_warning(forecaster.metrics_):
        reporter.warn(warning)
    return forecaster


def validation_warning(m: dict) -> str | None:
    """A warning when the trained network forecasts its validation windows worse than the
    better of naive and seasonal naive: its forecasts may be worse than a baseline's, which
    the user should hear before relying on them (an outlier that squashes the scale, too few
    rows, or a wrong --freq are the usual causes)."""
    if "val_mae" not in m:
        return None
    name, best = min(
        (("naive", m["val_naive_mae"]), ("seasonal naive", m["val_seasonal_naive_mae"])), key=lambda kv: kv[1]
    )
    if not m["val_mae"] > 1.05 * best:
        return None
    return (
        f"the network's validation MAE ({m['val_mae']:.4g}) is above {name}'s ({best:.4g}): its forecasts may "
        "be worse than that baseline's; check with `forecast backtest`, and with outliers try --scaler robust"
    )


def training_summary(forecaster, label: str) -> str:
    m, p = forecaster.metrics_, forecaster.plan_
    best = f"best epoch {m['best_epoch']} of {m['epochs_run']}"
    if m["kept_baseline"]:
        best += f" (none beat the {forecaster.network_args_.highway_init} baseline it starts as: it forecasts that)"
    line = (
        f"trained {label}: lookback {p.lookback} -> horizon {p.horizon}, "
        f"transform {p.transform}, {m['train_windows']} train / {m['val_windows']} val windows, "
        f"{best}, {m['train_seconds']:.1f}s"
    )
    if "val_mae" in m:
        line += (
            f"; validation MAE {m['val_mae']:.4g} (naive {m['val_naive_mae']:.4g}, "
            f"seasonal naive {m['val_seasonal_naive_mae']:.4g})"
        )
    if forecaster.damped_ is not None:  # combine_weight: in or out, by the validation windows
        line += (
            "; damped trend averaged in"
            if forecaster.damped_.weight
            else "; damped trend left out (the network alone scored lower on validation)"
        )
    return line


def use_threads(compute: ComputeConfig, model_cfg) -> None:
    """torch threads for fits in this process (see ``threads``); Dask workers set their own."""
    from ..threads import default_threads, set_torch_threads

    set_torch_threads(compute.threads or default_threads(model_cfg.hidden, model_cfg.layers))


def open_compute(compute: ComputeConfig, reporter: Reporter, warm: bool = True, network=None):
    """The executor, with its start-up time reported apart from the work's; ``warm``:
    import the model code on every worker first (not for downloads); ``network``: the
    model options of its fits (their size sets the threads each fit uses)."""
    import contextlib

    from ..compute import open_executor

    @contextlib.contextmanager
    def opened():
        with open_executor(compute, warm, network) as executor:
            if compute.distributed:
                reporter.info(f"dask: {executor.description}, ready in {executor.startup_seconds:.1f}s")
            yield executor

    return opened()


def fit_local(cfg, series, compute: ComputeConfig, reporter: Reporter):
    """Train one network per series through the executor; report the failures."""
    import time

    from ..local_models import LocalForecaster

    with open_compute(compute, reporter, network=cfg.model) as executor:
        t0 = time.perf_counter()
        with reporter.task_progress(f"fitting {len(series)} series") as on_progress:
            forecaster = LocalForecaster(cfg).fit(series, executor, on_progress)
        work = time.perf_counter() - t0
    m = forecaster.metrics_
    line = (
        f"trained {m['series']} local {cfg.model.cell} models in {work:.1f}s ({executor.description}): "
        f"{m['train_windows']} train / {m['val_windows']} val windows, median best epoch {m['median_best_epoch']:g}"
    )
    if m["kept_baseline"]:  # training.py: no epoch beat the highway's starting baseline
        line += f", {m['kept_baseline']} kept the baseline their network starts as"
    if "mean_val_mae" in m:
        line += (
            f"; mean validation MAE {m['mean_val_mae']:.4g} (naive {m['mean_val_naive_mae']:.4g}, "
            f"seasonal naive {m['mean_val_seasonal_naive_mae']:.4g})"
        )
    if m.get("short"):  # ``short_members``: no training window, so no network
        names = ", ".join(map(repr, forecaster.short_.ids[:5])) + (" ..." if m["short"] > 5 else "")
        line += (
            f"; {m['short']} series too short for a network of its own, forecast by (seasonal) naive: {names}"
        )
    reporter.info("plan: " + "; ".join(forecaster.plan_.lines()))
    if spread := forecaster.plan_spread():  # each member decides these from its own rows
        reporter.info("plan varies by series: " + "; ".join(f"{k} {v}" for k, v in spread.items()))
    reporter.info(line)
    return forecaster
