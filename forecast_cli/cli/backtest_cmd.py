"""`forecast backtest`: rolling-origin evaluation rendered as a leaderboard."""

from __future__ import annotations

import re
from typing import Annotated, Optional

import typer
from rich.console import Group

from ..config import MODEL_KINDS, ForecastConfig
from ..run_config import BacktestConfig, ComputeConfig, TickerConfig
from .app import app, exit_partial, load_input
from .fitting import open_compute, use_threads
from .option_groups import OUTPUT, DataArg, RunOptions
from .options import command
from .render import Reporter, emit, frame_table, resolve_format

# Kept out of the terminal table (it must fit a screen); csv and json carry every column.
TABLE_HIDDEN = ("rmse", "width_", "pinball", "crps", "predict_seconds")
SERIES_SUMMARY = ("mase_median", "beats_snaive")  # a series of one: equal to its MASE, or 0 or 1


@command(app, "backtest")
def backtest(
    data: DataArg = None,
    predictions_out: Annotated[
        Optional[str],
        typer.Option(
            "--predictions-out",
            help="CSV of every fold's forecasts beside the actuals.",
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    by_series: Annotated[
        bool,
        typer.Option(
            "--by-series",
            help="Write the per-series table (a row per series and model: the leaderboard's metrics over "
            "that series' folds) instead of the leaderboard; a terminal table shows both, JSON always has it as 'series'.",
            rich_help_panel=OUTPUT,
        ),
    ] = False,
    plot: Annotated[
        Optional[str],
        typer.Option(
            "--plot",
            help="PNG, SVG or PDF (by suffix): fan charts of the last folds (first 3 series), calibration and MASE (needs the \\[plot] extra).",
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            help="Write the leaderboard to a file instead of stdout.",
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    spec: BacktestConfig = None,
    config: ForecastConfig = None,
    ticker: TickerConfig = None,
    compute: ComputeConfig = None,
    run: RunOptions = None,
    reporter: Reporter = None,
) -> None:
    """Does the network beat naive forecasts on my data? Rolling-origin backtest with a leaderboard.

    Every model forecasts the same last K windows of H steps, trained only on rows
    before each origin. Metrics: MAE, RMSE, MAPE, sMAPE, MASE; skill = 1 - MASE / MASE(seasonal naive).

    Examples:

        forecast backtest sample_data/airpassengers.csv --horizon 12 --folds 3 --models lstm,gru

        forecast backtest sample_data/airpassengers.csv --models naive --format json
    """
    from ..backtest import run_backtest
    from ..backtest_setup import resolve_models
    from ..folds import parse_refit
    from ..outputs import check_output_paths
    from .config_option import config_file_read

    resolve_models(spec)  # bad model names and --refit values are refused before reading data
    parse_refit(spec.refit)

    check_output_paths(
        {"-o": output, "--predictions-out": predictions_out, "--plot": plot},
        [data, config.data.ids_file, config_file_read()],
        stdout=None if output not in (None, "-") else "the leaderboard",
    )
    resolve_format(run.format, output)  # a name that says another format, before any work
    if plot:
        from ..plots import require_matplotlib

        require_matplotlib(plot)
    series, skipped, _ = load_input(data, config.data, reporter, ticker, compute=compute)
    from ..output_names import refuse_output_clashes

    refuse_output_clashes(series.id_col, series.target, backtest=True)
    neural = any(name in MODEL_KINDS for name in spec.models)
    if neural and not compute.distributed:
        use_threads(compute, config.model)
    with (
        open_compute(compute if neural else ComputeConfig(), reporter, network=config.model) as executor,
        reporter.task_progress("backtest fits") as on_progress,
    ):
        result = run_backtest(
            series,
            config,
            spec,
            on_fit=_fit_progress(reporter),
            executor=executor,
            on_progress=on_progress,
        )
    _report(result, reporter, (series.time_labels, series.freq))

    def write_predictions() -> None:
        from ..period_labels import labelled

        frame = labelled(
            result.forecasts, series.time_labels, series.freq, ("origin", "timestamp")
        ).set_index("origin")
        # JSON or JSON lines by the file's suffix, as -o; CSV on stdout
        kind = resolve_format(None, predictions_out) if predictions_out != "-" else "csv"
        emit(kind, predictions_out, frame=frame)
        reporter.info(f"wrote fold forecasts to {predictions_out}")

    def write_plot() -> None:
        from ..plots import plot_backtest

        plot_backtest(result, plot)
        reporter.info(f"wrote {plot}")

    writes = [(predictions_out, write_predictions)] if predictions_out else []
    writes += [(str(plot), write_plot)] if plot else []
    writes.append(
        (
            output,
            lambda: _emit_leaderboard(
                result, resolve_format(run.format, output), output, run.timings, by_series
            ),
        )
    )
    # files first, stdout last: a reader that leaves early (`| head`) ends the command, and
    # the files asked for must be written by then
    for _, write in sorted(writes, key=lambda w: w[0] in (None, "-")):
        write()
    exit_partial(result.failures, reporter, skipped)


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


def _report(result, reporter: Reporter, layout: tuple[str, str | None]) -> None:
    """``layout``: the data's period layout and frequency, which the fold steps are named in."""
    import pandas as pd

    from ..period_labels import said

    def _stamp(value: str | int) -> str:  # a step as the config writes it: a label, a date, ISO, a number
        if isinstance(value, str) and re.match(r"\d{4,}-\d\d-\d\dT", value):
            return said(pd.Timestamp(value), *layout)  # people's 2000-08-26 00:30:00, not ISO's T
        return str(value)

    first, last = result.folds[0], result.folds[-1]
    where = (
        f"rows {first.origin}..{last.origin}"
        if result.config["series"] == 1
        else "each series' folds counted from its own end"
    )
    reporter.info(
        f"backtest: {len(result.folds)} fold{'s' if len(result.folds) > 1 else ''} x horizon {result.horizon}, lookback {result.lookback}, "
        f"season {result.season}, first forecast steps {_stamp(result.config['first_step'])} .. "
        f"{_stamp(result.config['last_step'])} ({where}), refit {result.config['refit']}"
        + (f" ({result.config['refit_why']})" if result.config.get("refit_why") else "")
    )
    for line in _plan_lines(result.plans):
        reporter.info(line)
    for note in result.notes:
        reporter.warn(note)


def _plan_lines(plans: dict[str, dict]) -> list[str]:
    """Each network's resolved plan as ``train`` prints it (its last fit's, the one trained
    on the most rows), what differed between its fits, if anything did, and the fits that
    forecast the baseline their network starts as, since no epoch beat it."""
    from ..plan_record import Plan

    lines = []
    for name, run in plans.items():
        which = f" (last of {run['fits']} fits)" if run["fits"] > 1 else ""
        lines.append(f"{name} plan{which}: " + "; ".join(Plan.from_dict(run["plan"]).lines()))
        if run["varies"]:
            lines.append(
                f"{name} plan varies by fit: " + "; ".join(f"{k} {v}" for k, v in run["varies"].items())
            )
        if kept := run.get("kept_baseline"):
            n = sum(kept.values())
            lines.append(
                f"{name}: {n} of {run['fits']} fit{'s' if run['fits'] > 1 else ''} kept the baseline "
                f"the network starts as ({', '.join(kept)}): no training epoch beat it on validation, "
                f"so {'that fit forecasts' if n == 1 else 'those fits forecast'} as that baseline does"
            )
        if weights := run.get("damped_weight"):  # combine_weight: in or out, by each fit's validation
            fits = sum(weights.values())
            averaged = fits - weights.get("0", 0)
            line = f"{name}: the damped trend was averaged in at {averaged} of {fits} fit{'s' if fits > 1 else ''}"
            if averaged < fits:
                line += f", left out at {fits - averaged}, where the network alone scored lower on validation"
            lines.append(line)
    return lines


def _emit_leaderboard(
    result, fmt: str, output: str | None, timings: bool = True, by_series: bool = False
) -> None:
    """The leaderboard (or with ``by_series`` the per-series table) in ``fmt``; JSON carries both."""
    board, table = result.leaderboard, result.by_series
    if not timings:  # the only columns that differ between two runs of one backtest
        board = board.drop(columns=["fit_seconds", "predict_seconds"])
    if fmt == "json":
        payload = {
            "leaderboard": _records(board.reset_index()),
            "series": _records(table),
            "per_step": result.per_step,
            "config": result.config,
            "notes": result.notes,
        }
        emit(fmt, output, payload=payload)
    elif fmt == "jsonl":
        emit(fmt, output, payload=_records(table if by_series else board.reset_index()))
    elif fmt == "csv":
        emit("csv", output, frame=table.set_index(table.columns[0]) if by_series else board)
    else:
        series = result.config["series"]
        title = (
            f"backtest of {result.config['target']}: {len(result.folds)} folds x {result.horizon} steps"
            + (f" x {series} series" if series > 1 else "")
            + " (sorted by MASE)"
        )
        hidden = TABLE_HIDDEN if series > 1 else (*TABLE_HIDDEN, *SERIES_SUMMARY)
        tables = [frame_table(_shown(board, hidden), title, highlight_row=0)]
        if by_series:
            tables.append(frame_table(_shown(table, TABLE_HIDDEN).set_index(table.columns[0]), "by series"))
        emit(fmt, output, table=Group(*tables))


def _shown(frame, hidden: tuple[str, ...]):
    """``frame`` without the columns a terminal table leaves out."""
    return frame.drop(columns=[c for c in frame.columns if c.startswith(hidden)])


def _records(frame) -> list[dict]:
    """JSON rows: numbers as floats, NaN as null, text as it is."""
    return [
        {k: _num(v) if isinstance(v, float) else v for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def _num(value):
    return None if value != value else float(value)
