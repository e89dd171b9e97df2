"""`forecast backtest`: rolling-origin evaluation rendered as a leaderboard."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from . import options as o
from .app import app, guarded, load_input
from .render import Reporter, emit, frame_table, resolve_format

_BT = "Backtest"


@app.command()
def backtest(
    data: o.DataArg = None,
    folds: Annotated[
        int,
        typer.Option(
            "--folds",
            "-k",
            help="Number of forecast origins (the last K windows of H steps).",
            rich_help_panel=_BT,
        ),
    ] = 5,
    stride: Annotated[
        Optional[int],
        typer.Option("--stride", help="Rows between origins (default: the horizon).", rich_help_panel=_BT),
    ] = None,
    window: Annotated[
        str,
        typer.Option(
            "--window", help="expanding (training grows) | sliding (fixed --train-size).", rich_help_panel=_BT
        ),
    ] = "expanding",
    train_size: Annotated[
        Optional[int],
        typer.Option(
            "--train-size", help="Training rows per model with --window sliding.", rich_help_panel=_BT
        ),
    ] = None,
    refit: Annotated[
        str,
        typer.Option(
            "--refit",
            help="never (one model before the first origin) | always | N (every N folds).",
            rich_help_panel=_BT,
        ),
    ] = "never",
    models: Annotated[
        str,
        typer.Option(
            "--models",
            help="Comma-separated: lstm,gru,rnn,naive,seasonal-naive,drift,mean.",
            rich_help_panel=_BT,
        ),
    ] = "lstm",
    season: Annotated[
        Optional[int],
        typer.Option("--season", help="Seasonal period (default: from the frequency).", rich_help_panel=_BT),
    ] = None,
    no_baselines: Annotated[
        bool,
        typer.Option("--no-baselines", help="Run only the models named in --models.", rich_help_panel=_BT),
    ] = False,
    predictions_out: Annotated[
        Optional[str],
        typer.Option(
            "--predictions-out",
            help="CSV of every fold's forecasts beside the actuals.",
            rich_help_panel=o.OUTPUT_PANEL,
        ),
    ] = None,
    plot: Annotated[
        Optional[str],
        typer.Option(
            "--plot", help="PNG of the last folds and a MASE bar chart.", rich_help_panel=o.OUTPUT_PANEL
        ),
    ] = None,
    target: o.Target = None,
    time_col: o.TimeCol = None,
    features: o.Features = None,
    freq: o.Freq = None,
    agg: o.Agg = o._D.agg,
    fill: o.Fill = o._D.fill,
    lookback: o.Lookback = None,
    horizon: o.Horizon = None,
    val_fraction: o.ValFraction = o._W.val_fraction,
    scaler: o.ScalerOpt = o._S.scaler,
    transform: o.TransformOpt = o._S.transform,
    hidden: o.Hidden = o._M.hidden,
    layers: o.Layers = o._M.layers,
    dropout: o.Dropout = o._M.dropout,
    strategy: o.Strategy = o._M.strategy,
    patch: o.Patch = None,
    epochs: o.Epochs = o._T.epochs,
    patience: o.Patience = o._T.patience,
    lr: o.Lr = o._T.lr,
    batch_size: o.BatchSize = o._T.batch_size,
    loss: o.Loss = o._T.loss,
    clip: o.Clip = o._T.clip,
    seed: o.Seed = o._T.seed,
    device: o.Device = o._T.device,
    ticker: o.Ticker = None,
    interval: o.Interval = None,
    start: o.Start = None,
    end: o.End = None,
    period: o.Period = None,
    adjusted: o.Adjusted = False,
    offline: o.Offline = False,
    cache_dir: o.CacheDir = None,
    fmt: o.Fmt = None,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            help="Write the leaderboard to a file instead of stdout.",
            rich_help_panel=o.OUTPUT_PANEL,
        ),
    ] = None,
    quiet: o.Quiet = False,
    debug: o.Debug = False,
) -> None:
    """Does the network beat naive forecasts on my data? Rolling-origin backtest with a leaderboard.

    Every model forecasts the same last K windows of H steps, trained only on rows
    before each origin. Metrics: MAE, RMSE, MAPE, sMAPE, MASE; skill = 1 - MASE / MASE(seasonal naive).

    Example: forecast backtest sample_data/airpassengers.csv --horizon 12 --folds 3 --models lstm,gru
    """
    params = dict(locals())
    with guarded(quiet, debug) as reporter:
        from ..backtest import BacktestSpec, run_backtest

        params.update(model="lstm", stride=1)  # training windows step by 1; --stride places origins
        cfg = o.build_config(**{k: params[k] for k in o.CONFIG_KEYS})
        spec = BacktestSpec(
            folds, stride, window, train_size, refit, o.split_list(models), season, not no_baselines
        )
        series = load_input(data, cfg.data, reporter, o.TickerRequest.from_params(params))
        result = run_backtest(series, cfg, spec, on_fit=_fit_progress(reporter))
        _report(result, reporter)
        if predictions_out:
            emit("csv", predictions_out, frame=result.forecasts.set_index("origin"))
            reporter.info(f"wrote fold forecasts to {predictions_out}")
        if plot:
            from ..plots import plot_backtest

            plot_backtest(result, plot)
            reporter.info(f"wrote {plot}")
        _emit_leaderboard(result, resolve_format(fmt, output), output)


def _fit_progress(reporter: Reporter):
    """A progress bar per trained model on a terminal; a line per fit otherwise."""
    import contextlib

    stack = contextlib.ExitStack()

    def on_fit(name: str, group: int, groups: int):
        stack.close()
        label = f"{name} {group + 1}/{groups}" if groups > 1 else name
        if not reporter.console.is_terminal:
            reporter.info(f"training {label}")
        return stack.enter_context(reporter.training_progress(label))

    return on_fit


def _report(result, reporter: Reporter) -> None:
    first, last = result.folds[0], result.folds[-1]
    reporter.info(
        f"backtest: {len(result.folds)} folds x horizon {result.horizon}, lookback {result.lookback}, "
        f"season {result.season}, origins {result.config['first_origin']} .."
        f" (rows {first.origin}..{last.origin}), refit {result.config['refit']}"
    )
    for note in result.notes:
        reporter.warn(note)


def _emit_leaderboard(result, fmt: str, output: str | None) -> None:
    board = result.leaderboard
    if fmt == "json":
        rows = [{"model": name, **{k: _num(v) for k, v in row.items()}} for name, row in board.iterrows()]
        payload = {
            "leaderboard": rows,
            "per_step": result.per_step,
            "config": result.config,
            "notes": result.notes,
        }
        emit("json", output, payload=payload)
    elif fmt == "csv":
        emit("csv", output, frame=board)
    else:
        from rich.console import Console

        title = f"backtest of {result.config['target']}: {len(result.folds)} folds x {result.horizon} steps (sorted by MASE)"
        table = frame_table(board, title, highlight_row=0)
        if output and output != "-":
            with open(output, "w") as handle:
                Console(file=handle, width=160).print(table)
        else:
            Console(highlight=False, width=None if sys.stdout.isatty() else 160).print(table)


def _num(value):
    return None if value != value else float(value)
