"""`forecast predict`: the steps after DATA's end (or after the history stored in the
model), with their bands, long or wide."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..config import ForecastConfig
from ..errors import (
    DataError,
    FreqWithoutDates,
    InventedRows,
    MergedSeries,
    OutsideHours,
    UsageError,
    first_few,
)
from ..run_config import ComputeConfig, TickerConfig
from .app import app, exit_partial, load_input
from .config_option import options_given
from .fitting import use_threads
from .option_groups import OUTPUT, DataArg, RunOptions
from .options import command
from .predict_future import future_table_of
from .predict_reading import READ_KEYS, models_reading, read_either, said
from .render import Reporter, emit, resolve_format


@command(app, "predict")
def predict(
    data: DataArg = None,
    model: Annotated[Path, typer.Option("--model", "-m", help="Model file from `forecast train`.")] = Path(
        "model.fcst"
    ),
    horizon: Annotated[
        Optional[int],
        typer.Option(
            "--horizon", "-H", help="Steps to forecast (up to the trained horizon; 10000 recursive)."
        ),
    ] = None,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output", "-o", help="Write the forecast to a file instead of stdout.", rich_help_panel=OUTPUT
        ),
    ] = None,
    future_data: Annotated[
        Optional[str],
        typer.Option(
            "--future-data",
            help="CSV with the model's --future-features over the forecast steps (same time and id columns), or - for stdin.",
        ),
    ] = None,
    wide: Annotated[
        bool,
        typer.Option(
            "--wide", help="One column per series instead of long id,timestamp rows.", rich_help_panel=OUTPUT
        ),
    ] = False,
    config: ForecastConfig = None,
    ticker: TickerConfig = None,
    compute: ComputeConfig = None,
    run: RunOptions = None,
    reporter: Reporter = None,
) -> None:
    """Forecast the steps after the end of DATA (or after the history stored in the model).

    Rows are future timestamps at the model's frequency, then the forecast in a column
    named after the target. Without DATA and with stdin piped, stdin is read.

    Examples:

        forecast predict -m air.fcst

        tail -n 48 new.csv | forecast predict -m air.fcst --format json
    """

    from ..io import is_model_file
    from ..modelfile import load_model
    from ..outputs import check_output_paths
    from ..panel_ids import as_written, unknown_ids
    from ..panel_layout import trained_wide
    from .config_option import config_file_read

    check_output_paths(
        {"-o": output},
        [
            data if isinstance(data, str) else None,
            model,
            future_data,
            config.data.ids_file,
            config_file_read(),
        ],
    )
    resolve_format(run.format, output)  # a name that says another format, before any work

    ids = config.data.selected_ids()  # a bad --ids-file fails before the model is read
    if isinstance(data, str) and data != "-" and not model.exists() and is_model_file(Path(data)):
        raise UsageError(f"{data} is a model file: give it with -m (forecast predict -m {data})")
    forecaster = load_model(model)
    from ..output_names import refuse_output_clashes

    refuse_output_clashes(forecaster.id_col_, forecaster.target_)  # a model from before train refused them
    if ids and forecaster.id_col_ is None and len(forecaster.ids_) == 1:  # as train and backtest say
        raise UsageError(
            f"{config.data.ids_label()} selects series of a panel; model {model} holds one series "
            "(trained without --id-col): drop it"
        )
    use_threads(compute, forecaster.config.model)
    series, skipped = None, {}
    if future_data == "-" and data == "-":
        raise UsageError("DATA and --future-data cannot both be stdin (-); give one of them as a file")
    if data is None and ticker.ticker is None and future_data != "-" and not sys.stdin.isatty():
        data = _stdin_if_any()
    wide_target = trained_wide(forecaster.config.data.target, forecaster.target_, forecaster.id_col_)
    reading = config.data  # the reading options that read DATA: --future-data is read with them
    if data is not None or ticker.ticker:
        overrides: dict = {
            "freq": forecaster.freq_,
            "ticker": None,
            "target": forecaster.target_,
            "features": forecaster.features_,  # the known-future ones included: the lookback reads them
            "future_features": (),
            "static_cols": tuple(forecaster.static_levels_),
            # a model of one series told so (--id-col ''): its data is not searched for an id again
            "id_col": ""
            if forecaster.id_col_ is None and forecaster.config.data.id_col == ""
            else forecaster.id_col_,
            "ids": config.data.ids,
            "ids_file": config.data.ids_file,
            # how this file is written: as predict is told, else as the training data was
            # (``predict_reading``)
            **{k: getattr(config.data, k) for k in READ_KEYS},
        }
        if config.data.time_col is not None:
            overrides["time_col"] = config.data.time_col
        # a model of integer steps reads DATA's numbered steps (ds = 1, 2, ...) or its rows'
        # order; timestamps there are refused when the history is checked (history_checks.check_history)
        data_cfg = dataclasses.replace(forecaster.config.data, **overrides)
        trained = models_reading(data_cfg, forecaster.config.data, options_given())
        try:
            (series, skipped, _), read_by = read_either(
                lambda cfg: load_input(
                    data, cfg, reporter, ticker, model=model, compute=compute, wide_target=wide_target
                ),
                data_cfg,
                trained,
                data,
                reporter.info,
            )
            reading = dataclasses.replace(reading, **{k: getattr(read_by, k) for k in READ_KEYS})
            refuse_finer_rows(series, forecaster)
        except FreqWithoutDates:  # the --freq is the model's: say what the data lacks
            fix = (  # a time column not read for want of the model's --time-format (%s)
                f"give the options the model's training data was read with ({said(data_cfg, trained)})"
                if trained is not None
                else "give the rows with their time column (--time-col NAME)"
            )
            raise DataError(
                f"the model steps in {forecaster.freq_} timestamps, but {data if isinstance(data, str) and data != '-' else 'stdin'} "
                f"has no column of dates (step numbers or none); {fix}"
            ) from None
        except MergedSeries as exc:  # --id-col and --agg are train's, not predict's
            raise DataError(
                f"{exc.what}: rows of several series, where model {model} has one series "
                f"per {forecaster.id_col_!r}; give each series' rows apart, as in training (or train a "
                "model on these rows)"
            ) from None
        except (InventedRows, OutsideHours) as exc:  # --freq and --fill are train's, not predict's
            what = str(exc).split(";")[0]
            if isinstance(exc, InventedRows) and exc.series:  # the others are at the model's step
                raise DataError(
                    f"{what}: give {'its' if exc.series == 1 else 'their'} rows at every {forecaster.freq_} step, or leave "
                    f"{'it' if exc.series == 1 else 'them'} out with --ids"
                ) from None
            if isinstance(exc, InventedRows) and not exc.absent:  # at the step, with empty cells
                raise DataError(
                    f"{what}: fill the empty cells in the rows given (predict interpolates at most "
                    "a fifth of the rows)"
                ) from None
            raise DataError(
                f"{what}: the rows given are not {forecaster.freq_} data, the model's step; give rows "
                "at that step (or train a model on these rows)"
            ) from None
    if series is None:
        ids = tuple(as_written(ids, forecaster.ids_, config.data.ids_label()))
    if series is None and (unknown := [i for i in ids if i not in forecaster.ids_]):
        raise unknown_ids(
            config.data.ids_label(),
            unknown,
            "the model has no history for",
            f"the model has {len(forecaster.ids_)}",
            forecaster.ids_,
        )
    if series is None:
        reporter.info(f"continuing from the history stored in {model} ({_history_ends(forecaster, ids)})")
    elif lost := _trained_left_out(
        series.without_values, forecaster.ids_
    ):  # a warning, not only the load line's note
        reporter.warn(
            f"{len(lost)} trained series {'has' if len(lost) == 1 else 'have'} no {series.target!r} value "
            f"in the rows given and {'is' if len(lost) == 1 else 'are'} not forecast ({first_few(lost)})"
        )
    intervals, notes = config.intervals.or_else(forecaster.config.intervals)  # train's unless given here
    for note in notes:
        reporter.warn(note)
    frame = forecaster.predict(
        series,
        horizon,
        ids=ids,
        levels=intervals.levels(),
        quantiles=intervals.probs(),
        future=future_table_of(future_data, forecaster, reading, wide_target, reporter),
    )
    for note in frame.attrs.get("notes", []):
        reporter.warn(note)
    if frame.attrs.get("recalibrated_windows"):
        pooled = getattr(forecaster, "pooled_errors_", None) is not None  # --local: one pool
        whose = "the pool of its members'" if pooled else "its"
        reporter.info(
            f"bands: {frame.attrs['recalibrated_windows']} window(s) after the training data "
            f"joined {whose} validation errors (recalibrated)"
            + (f", from the series {config.data.ids_label()} read" if ids else "")
        )
    if wide and forecaster.id_col_ is not None:
        frame = _widen(frame, forecaster.target_)
    from ..period_labels import labelled

    frame = labelled(frame, forecaster.time_labels_, forecaster.freq_)  # as the data named its periods
    emit(resolve_format(run.format, output), output, frame=frame, title=f"{forecaster.target_} forecast")
    exit_partial({}, reporter, skipped)


def _widen(frame, target: str):
    """Long (id, timestamp) rows as one column per series and output column: ``S1``,
    ``S1-lo-80``, ``S1-hi-80``..., series in the forecast's order, each series' bands beside it."""
    ids = list(dict.fromkeys(frame.index.get_level_values(0)))
    wide = frame.unstack(level=0)
    columns = [(column, sid) for sid in ids for column in frame.columns]
    wide = wide[columns]
    wide.columns = [f"{sid}{column[len(target) :]}" for column, sid in columns]
    names = [str(wide.index.name), *wide.columns]
    twice = next((n for n in dict.fromkeys(names) if names.count(n) > 1), None)
    if twice is not None:  # a series named 'timestamp', or 'x' beside a series 'x-lo-80'
        raise UsageError(
            f"--wide would write two columns named {twice!r} (a series id is also the name of a time "
            "or band column); drop --wide for long id,timestamp rows"
        )
    return wide


def _stdin_if_any():
    """Stdin's bytes as a file object named ``stdin`` (for messages) when it holds data,
    None when it is empty: a batch job's idle stdin (/dev/null, a pipe nobody writes to)
    is no data, and the forecast continues from the stored history, as its stderr line says.
    An empty file redirected into it (``< empty.csv``) is refused, as the same file given
    as DATA is: the rows meant to be forecast from are missing."""
    import io
    import os
    import stat

    raw = sys.stdin.buffer.read()
    if not raw.strip():
        try:
            redirected = stat.S_ISREG(os.fstat(sys.stdin.fileno()).st_mode)
        except (OSError, ValueError, io.UnsupportedOperation):  # no descriptor (a test runner)
            redirected = False
        if redirected:
            raise DataError(
                "stdin is an empty file: give a CSV with a header row and data rows, or no "
                "stdin to continue from the history stored in the model"
            )
        return None
    stream = io.BytesIO(raw)
    stream.name = "stdin"  # type: ignore[attr-defined]
    return stream


def refuse_finer_rows(series, forecaster) -> None:
    """Refuse rows finer than the step of a model trained on its data as read (no --freq):
    daily values given to a model of weekly totals were averaged into weeks, and forecast
    at a seventh of the level the model learnt, said only as a row count. A model trained
    with --freq combines finer rows as it did in training (its --agg, named on the line)."""
    if series is None or forecaster.config.data.freq is not None:
        return
    finer = next((m.report.combined_from for m in series.members if m.report.combined_from), "")
    if finer:
        raise DataError(
            f"the rows given are {finer} data, finer than the model's {forecaster.freq_} step, and the "
            f"model learnt {forecaster.freq_} rows as read: give {forecaster.freq_} rows, or train a model "
            f"with --freq {forecaster.freq_} --agg to combine {finer} rows"
        )


def _trained_left_out(left_out: tuple[str, ...], trained: tuple[str, ...]) -> list[str]:
    """The series the rows given left out (no target value) that the model was trained on."""
    known = set(trained)  # once: the set was built again for every series left out
    return [i for i in left_out if i in known]


def _history_ends(forecaster, ids: tuple[str, ...] = ()) -> str:
    """``ends 2003-04-01``, or ``ends 2002-12-01 .. 2003-04-01`` when the series end apart
    (those of ``ids`` when some are chosen); in the data's period layout where it has one
    (``ends 2003 Q2``)."""
    from ..period_labels import said

    histories = forecaster.histories_
    if histories.lengths().min() == 0:
        return f"ends {histories.last_stamp()}"
    stamps = histories.last_stamps()
    if ids:
        at = {name: k for k, name in enumerate(forecaster.ids_)}  # not a list scan per id
        stamps = stamps[[at[i] for i in ids]]
    first, last = stamps.min(), stamps.max()
    shown = [said(s, forecaster.time_labels_, forecaster.freq_) for s in (first, last)]
    return f"ends {shown[1]}" if first == last else f"ends {shown[0]} .. {shown[1]}"
