"""What the commands write reads back as what was computed: exact numbers, local time
zones, and byte-identical reruns of seeded work.

Each regression test's docstring starts with "bad input: <what> -> <answer>", from which
docs/bad-input.md is generated (tools/bad_input_table.py).
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.config import DataConfig
from forecast_cli.modelfile import load_model
from forecast_cli.panel import prepare_panel

from .conftest import FAST_TRAIN, SAMPLE

runner = CliRunner()
AIR = SAMPLE / "airpassengers.csv"
BIG = 98_765_432.1


def _ok(args, **kwargs) -> str:
    result = runner.invoke(app, args, **kwargs)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """Six years of monthly values near 98,765,432.1 with one decimal, a model of them, and
    the value of each month."""
    folder = tmp_path_factory.mktemp("big")
    t = np.arange(72)
    tenths = np.round(10 * np.sin(2 * np.pi * t / 12) + t).astype(int)
    text = [f"{BIG + k / 10:.1f}" for k in tenths]
    months = pd.date_range("2015-01-01", periods=72, freq="MS").strftime("%Y-%m-%d")
    data = folder / "big.csv"
    data.write_text("month,units\n" + "".join(f"{m},{v}\n" for m, v in zip(months, text, strict=True)))
    model = folder / "big.fcst"
    _ok(["train", str(data), *FAST_TRAIN, "-H", "3", "-L", "12", "-o", str(model)])
    return data, model, {m: float(v) for m, v in zip(months, text, strict=True)}


def test_predict_of_a_target_near_1e8_round_trips_exactly_in_every_format(big):
    """bad input: predict of a target near 98,765,432.1 as CSV, JSON or JSONL -> every float reads back bit for bit, not 9.87654e+07"""
    _, model, _ = big
    expected = load_model(model).predict(None, 3)["units"].to_numpy().tolist()
    assert all(9e7 < v < 1.1e8 for v in expected)
    csv = _ok(["predict", "-m", str(model), "-f", "csv"])
    cells = [line.split(",")[1] for line in csv.splitlines()[1:]]
    assert cells == [repr(v) for v in expected]  # the shortest text that reads back exactly
    as_json = [row["units"] for row in json.loads(_ok(["predict", "-m", str(model), "-f", "json"]))]
    jsonl = _ok(["predict", "-m", str(model), "-f", "jsonl"]).splitlines()
    assert as_json == [json.loads(line)["units"] for line in jsonl] == expected


def test_backtest_predictions_of_a_target_near_1e8_round_trip_exactly(big, tmp_path):
    """bad input: backtest --predictions-out of a target near 98,765,432.1 -> actuals and forecasts exact to the last digit"""
    data, _, by_month = big
    out = tmp_path / "folds.csv"
    _ok(
        [
            "backtest",
            str(data),
            "--models",
            "naive",
            "-H",
            "3",
            "-k",
            "2",
            "--predictions-out",
            str(out),
            "-q",
        ]
    )
    frame = pd.read_csv(out, dtype=str)
    assert [float(v) for v in frame["actual"]] == [by_month[t] for t in frame["timestamp"]]
    naive = frame[frame["model"] == "naive"]
    assert [float(v) for v in naive["forecast"]] == [by_month[o] for o in naive["origin"]]
    assert all(len(v.replace(".", "")) >= 9 for v in frame["actual"])  # no digit rounded away


def test_berlin_series_is_forecast_in_berlin_time(tmp_path):
    """bad input: a Europe/Berlin series (offsets +01:00 and +02:00) -> predict writes Berlin times across the DST change, not UTC"""
    days = pd.date_range("2023-10-01", "2024-03-29", freq="D", tz="Europe/Berlin")
    values = 100 + 10 * np.sin(2 * np.pi * np.arange(len(days)) / 7)
    data = tmp_path / "berlin.csv"
    pd.DataFrame({"day": [d.isoformat() for d in days], "load": values}).to_csv(data, index=False)
    model = tmp_path / "berlin.fcst"
    _ok(["train", str(data), *FAST_TRAIN, "-H", "4", "-o", str(model)])
    expected = [
        "2024-03-30T00:00:00+01:00",
        "2024-03-31T00:00:00+01:00",  # the clocks go forward at 02:00 that night
        "2024-04-01T00:00:00+02:00",
        "2024-04-02T00:00:00+02:00",
    ]
    stored = _ok(["predict", "-m", str(model), "-f", "csv"])
    piped = _ok(["predict", "-m", str(model), "-f", "json"], input=data.read_text())
    assert [line.split(",")[0] for line in stored.splitlines()[1:]] == expected
    assert [row["timestamp"] for row in json.loads(piped)] == expected


def test_winter_rows_given_to_a_zoned_model_are_forecast_on_its_clock(tmp_path):
    """bad input: to predict with a Europe/London model, rows written with one offset (+00:00, a winter) -> forecasts step through the change to summer time in London time, not on a fixed +00:00"""
    hours = pd.date_range("2024-02-01", "2024-03-30 22:00", freq="h", tz="Europe/London")
    values = 20 + 5 * np.sin(2 * np.pi * np.arange(len(hours)) / 24)
    stamp = [h.isoformat() for h in hours]
    data = tmp_path / "london.csv"
    pd.DataFrame({"time": stamp, "load": values}).to_csv(data, index=False)
    summer = pd.date_range("2024-04-01", "2024-04-03", freq="h", tz="Europe/London")  # +01:00, so London
    model = tmp_path / "london.fcst"
    both = pd.DataFrame({"time": [h.isoformat() for h in summer], "load": 20.0 + np.arange(len(summer)) % 24})
    (tmp_path / "train.csv").write_text(pd.concat([pd.read_csv(data), both]).to_csv(index=False))
    _ok(["train", str(tmp_path / "train.csv"), *FAST_TRAIN, "-H", "4", "-L", "24", "-o", str(model)])
    winter = tmp_path / "winter.csv"  # the February-March rows only: every one +00:00
    pd.DataFrame({"time": stamp[-200:], "load": values[-200:]}).to_csv(winter, index=False)
    out = _ok(["predict", str(winter), "-m", str(model), "-f", "csv", "--level", "none"])
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == [
        "2024-03-30T23:00:00+00:00",
        "2024-03-31T00:00:00+00:00",
        "2024-03-31T02:00:00+01:00",  # 01:00 UTC: the clocks went forward at 01:00
        "2024-03-31T03:00:00+01:00",
    ]


def test_rows_in_a_zone_given_to_a_model_of_one_offset_keep_their_zone(tmp_path):
    """bad input: a model trained on a London summer (every row +01:00, so a fixed offset) given rows that cross into winter (Europe/London) -> forecasts in London time (+00:00 after the change) with hour inputs on that clock, not on +01:00"""
    summer = pd.date_range("2024-06-01", "2024-08-31 23:00", freq="h", tz="Europe/London")
    hours = np.asarray(summer.hour)
    train = tmp_path / "summer.csv"
    pd.DataFrame(
        {"time": [h.isoformat() for h in summer], "load": 20 + 5 * np.sin(2 * np.pi * hours / 24)}
    ).to_csv(train, index=False)
    model = tmp_path / "summer.fcst"
    _ok(["train", str(train), *FAST_TRAIN, "-H", "3", "-L", "24", "--calendar", "hour", "-o", str(model)])
    autumn = pd.date_range("2024-10-20", "2024-11-10 23:00", freq="h", tz="Europe/London")  # over 27 October
    rows = pd.DataFrame(
        {"time": [h.isoformat() for h in autumn], "load": 20 + 5 * np.sin(2 * np.pi * autumn.hour / 24)}
    )
    rows.to_csv(tmp_path / "autumn.csv", index=False)
    out = _ok(["predict", str(tmp_path / "autumn.csv"), "-m", str(model), "-f", "csv", "--level", "none"])
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == [
        "2024-11-11T00:00:00+00:00",
        "2024-11-11T01:00:00+00:00",
        "2024-11-11T02:00:00+00:00",
    ]
    # the same instants on the model's +01:00 clock read each hour input one hour later
    moved = rows.assign(time=[h.tz_convert("+01:00").isoformat() for h in autumn])
    moved.to_csv(tmp_path / "moved.csv", index=False)
    shifted = _ok(["predict", str(tmp_path / "moved.csv"), "-m", str(model), "-f", "csv", "--level", "none"])
    assert shifted.splitlines()[1].startswith("2024-11-11T01:00:00+01:00,")
    assert shifted.splitlines()[1].split(",")[1] != out.splitlines()[1].split(",")[1]


def _weights(model) -> dict[str, bytes]:
    with zipfile.ZipFile(model) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n.startswith("weights/")}


def test_seeded_train_then_predict_is_byte_identical(tmp_path):
    """bad input: the same seeded train then predict run twice -> byte-identical forecasts and weights"""
    runs = []
    for name in ("a", "b"):
        model = tmp_path / f"{name}.fcst"
        _ok(["train", str(AIR), *FAST_TRAIN, "--seed", "7", "-o", str(model)])
        runs.append((_ok(["predict", "-m", str(model), "-f", "csv"]), _weights(model)))
    assert runs[0] == runs[1]


def test_backtest_without_timings_reruns_are_byte_identical():
    """bad input: backtest --models naive,lstm --no-timings -f csv run twice -> byte-identical leaderboards"""
    args = ["backtest", str(AIR), "--models", "naive,lstm", "--no-timings", "-f", "csv", *FAST_TRAIN]
    first, second = _ok(args), _ok(args)
    assert first == second
    assert first.splitlines()[0].startswith(
        "model,mae,rmse,mape,smape,mase,skill,mase_median,beats_snaive,cov_80,"
    )
    assert "seconds" not in first.splitlines()[0]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "table"])
def test_no_timings_drops_the_timing_columns_in_every_format(fmt):
    """bad input: backtest --no-timings in JSON, JSONL or a table -> no fit_seconds or predict_seconds; JSON keeps them by default"""
    args = ["backtest", str(AIR), "--models", "naive", "-f", fmt, "-q"]
    without, default = _ok([*args, "--no-timings"]), _ok(args)
    assert "fit_seconds" not in without and "predict_seconds" not in without
    assert "fit_seconds" in default  # the terminal table shows fit time only
    assert fmt == "table" or "predict_seconds" in default
    if fmt == "jsonl":  # one object per line, as --format jsonl promises
        rows = [json.loads(line) for line in io.StringIO(default)]
        assert rows[0]["model"] == "seasonal-naive" and "predict_seconds" in rows[0]


def test_series_ids_are_kept_as_written(tmp_path):
    """Ids that look like numbers or missing-value words are ids: ``001`` and ``1`` stay two
    series (read as numbers they merged into one, averaged), ``NA`` is Namibia, not missing;
    predict names them as written and ``--ids 001`` selects one."""
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    rows = [
        (sid, day, 50 + 10 * k + (day.day_of_week >= 5) * 8 + (i % 3))
        for k, sid in enumerate(["001", "1", "NA", "None"])
        for i, day in enumerate(days)
    ]
    data = tmp_path / "ids.csv"
    pd.DataFrame(rows, columns=["store", "day", "sales"]).to_csv(data, index=False)
    model = tmp_path / "m.fcst"
    result = runner.invoke(
        app, ["train", str(data), "--id-col", "store", "--target", "sales", *FAST_TRAIN, "-o", str(model)]
    )
    assert result.exit_code == 0, result.output
    assert load_model(model).ids_ == ("001", "1", "NA", "None")
    out = _ok(["predict", "-m", str(model), "--level", "none", "-f", "csv"])
    ids = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)["store"]
    assert list(dict.fromkeys(ids)) == ["001", "1", "NA", "None"]
    one = _ok(["predict", "-m", str(model), "--ids", "001", "--level", "none", "-f", "csv"])
    assert set(pd.read_csv(io.StringIO(one), dtype=str)["store"]) == {"001"}


def test_empty_target_cells_at_the_ends_are_left_out_never_filled(tmp_path):
    """A wide file whose columns start and end at different months: each series runs from its
    first value to its last, so its forecast starts right after its own last real value (not
    after values invented to fill the other columns' rows); --fill error has nothing to refuse."""
    months = pd.date_range("2000-01-01", periods=40, freq="MS")
    a = 100.0 + np.arange(40.0) + 3 * np.sin(np.arange(40.0))
    b = 50.0 + 2 * np.arange(40.0) + 3 * np.cos(np.arange(40.0))
    a[-4:], b[:6] = np.nan, np.nan
    data = tmp_path / "wide.csv"
    pd.DataFrame({"month": months, "a": a, "b": b}).to_csv(data, index=False)
    model = tmp_path / "w.fcst"
    args = ["train", str(data), "--target", "a,b", "-H", "3", *FAST_TRAIN, "-o", str(model)]
    trained = runner.invoke(app, [*args, "--fill", "error"])
    assert trained.exit_code == 0, trained.output
    out = runner.invoke(app, ["predict", "-m", str(model), "-f", "csv", "--level", "none"])
    assert out.exit_code == 0, out.output
    first = pd.read_csv(io.StringIO(out.stdout)).groupby("series")["timestamp"].first()
    assert first.to_dict() == {"a": "2003-01-01", "b": "2003-05-01"}
    panel = prepare_panel(pd.read_csv(data), DataConfig(target="a,b"))
    assert list(panel.lengths) == [36, 34] and panel.members[1].frame.index[0] == months[6]
    assert "10 empty target rows at the ends left out (in a, b)" in panel.summary_line()


def test_a_wide_series_with_a_gap_and_fill_error_names_the_series(tmp_path):
    months = pd.date_range("2000-01-01", periods=30, freq="MS")
    frame = pd.DataFrame({"month": months, "a": np.arange(30.0) + 1, "b": np.arange(30.0) * 2 + 1})
    frame.loc[12, "b"] = np.nan
    data = tmp_path / "wide.csv"
    frame.to_csv(data, index=False)
    out = runner.invoke(app, ["train", str(data), "--target", "a,b", "--fill", "error", *FAST_TRAIN])
    assert out.exit_code == 2, out.output
    assert "series 'b': 1 missing values" in out.stderr and "--fill" in out.stderr


def _numbered_stores(id_name: str, ids=("001", "002", "017")) -> pd.DataFrame:
    days = pd.date_range("2024-01-01", periods=40, freq="D")
    rows = [(sid, day.date(), 50 + 10 * k + i % 7) for k, sid in enumerate(ids) for i, day in enumerate(days)]
    return pd.DataFrame(rows, columns=[id_name, "date", "sales"])


def test_numbered_series_without_id_col_are_refused_never_averaged(tmp_path):
    """bad input: a long panel whose series are numbered (store 1, 2, 17) without --id-col ->
    exit 2, names the column and --id-col; never averaged (it might be an hour of day, so
    it is not guessed). Codes with leading zeros (001, 002, 017) are text, and taken as the
    ids as any text column is; with --id-col the ids are read as written."""
    data = tmp_path / "stores.csv"
    _numbered_stores("store", ids=(1, 2, 17)).to_csv(data, index=False)
    out = runner.invoke(app, ["train", str(data), *FAST_TRAIN])
    assert out.exit_code == 2, out.output
    assert "numbers in column 'store'" in out.stderr and "--id-col store" in out.stderr
    _numbered_stores("store").to_csv(data, index=False)
    coded = runner.invoke(app, ["backtest", str(data), "--models", "naive", "-k", "2", "-f", "json"])
    assert [row["store"] for row in json.loads(coded.stdout)["series"]][::4] == ["001", "002", "017"]
    given = runner.invoke(
        app, ["backtest", str(data), "--id-col", "store", "--models", "naive", "-k", "2", "-f", "json"]
    )
    assert [row["store"] for row in json.loads(given.stdout)["series"]][::4] == ["001", "002", "017"]


def test_a_duplicated_row_does_not_hide_numbered_series(tmp_path):
    """bad input: numbered stores with one row exported twice, without --id-col -> exit 2,
    names --id-col store; the duplicate made (store, date) repeat once, which hid the column,
    and the three stores were averaged into one series with exit 0."""
    frame = _numbered_stores("store", ids=(1, 2, 17))
    frame = pd.concat([frame, frame.iloc[[5]]], ignore_index=True)
    data = tmp_path / "stores.csv"
    frame.to_csv(data, index=False)
    out = runner.invoke(app, ["train", str(data), "--target", "sales", *FAST_TRAIN])
    assert out.exit_code == 2, out.output
    assert "--id-col store" in out.stderr


def test_a_column_named_like_an_id_is_taken_and_read_as_written(tmp_path):
    data = tmp_path / "stores.csv"
    _numbered_stores("ID").to_csv(data, index=False)
    model = tmp_path / "m.fcst"
    assert runner.invoke(app, ["train", str(data), *FAST_TRAIN, "-o", str(model)]).exit_code == 0
    out = runner.invoke(app, ["predict", "-m", str(model), "-H", "1", "-f", "csv", "--level", "none"])
    assert [line.split(",")[0] for line in out.stdout.splitlines()] == ["ID", "001", "002", "017"]


def test_a_row_number_column_named_id_is_not_a_panel(tmp_path):
    frame = _numbered_stores("id").iloc[:40].drop(columns="id")
    frame.insert(0, "id", range(1, 41))  # one id per row: row numbers, not series
    data = tmp_path / "one.csv"
    frame.to_csv(data, index=False)
    out = runner.invoke(
        app, ["backtest", str(data), "--target", "sales", "--models", "naive", "-k", "2", "-f", "csv"]
    )
    assert out.exit_code == 0, out.output
    assert out.stdout.startswith("model,") and "data: 40 rows" in out.stderr and "panel:" not in out.stderr


@pytest.mark.parametrize("name", ["Sales [EUR]", "Sales, EUR", "units*"])
def test_a_target_named_like_a_pattern_is_that_column(tmp_path, name):
    """A column named with [ ] * ? or a comma is the target when given by its exact name, and
    predict on new rows finds it (it was read as a glob or a list: 'matches no column', and
    predict, which has no --target, could not read the model's own data)."""
    months = pd.date_range("2016-01-01", periods=60, freq="MS")
    y = 100 + 10 * np.sin(2 * np.pi * np.arange(60) / 12) + np.arange(60) * 0.5
    data = tmp_path / "data.csv"
    pd.DataFrame({"month": months.strftime("%Y-%m-%d"), name: y, "other": y[::-1]}).to_csv(data, index=False)
    model = str(tmp_path / "m.fcst")
    trained = runner.invoke(app, ["train", str(data), "--target", name, "-o", model, *FAST_TRAIN])
    assert trained.exit_code == 0, trained.output
    out = runner.invoke(app, ["predict", str(data), "-m", model, "-f", "csv", "-q", "--level", "none"])
    assert out.exit_code == 0, out.output
    assert pd.read_csv(io.StringIO(out.stdout)).columns.tolist() == ["timestamp", name]


def test_wide_output_refuses_a_series_id_that_names_another_column(tmp_path):
    """bad input: predict --wide on a panel with a series named 'timestamp' (or 'x' beside
    'x-lo-80') -> exit 2, names the column and the long output; JSON crashed with exit 1
    and CSV wrote two 'timestamp' headers."""
    from .test_panel import long_panel

    frame = long_panel().replace({"unique_id": {"S0": "timestamp"}})
    data, model = tmp_path / "p.csv", str(tmp_path / "m.fcst")
    frame.to_csv(data, index=False)
    assert runner.invoke(app, ["train", str(data), "-H", "3", "-o", model, *FAST_TRAIN]).exit_code == 0
    for fmt in ("csv", "json"):
        out = runner.invoke(app, ["predict", "-m", model, "--wide", "-f", fmt, "-q"])
        assert out.exit_code == 2 and out.stdout == "", out.output
        assert "--wide would write two columns named 'timestamp'" in out.stderr
    other = runner.invoke(app, ["predict", "-m", model, "--wide", "--ids", "S1", "-f", "csv", "-q"])
    assert other.exit_code == 0 and other.stdout.startswith("timestamp,S1,S1-lo-80")


def test_a_panel_of_series_on_different_clocks_is_refused(tmp_path):
    """bad input: a long panel whose series carry different UTC offsets (Delhi +05:30, New
    York -05:00) -> exit 2, names both zones and the fix; New York's rows were put on Delhi's
    clock (forecasts at 10:30+05:30, hour-of-day inputs hours off) with exit 0."""
    hours = pd.date_range("2024-01-08 00:00", periods=24 * 20, freq="h")
    y = 100 + 10 * np.sin(2 * np.pi * np.arange(len(hours)) / 24)
    rows = [
        (sid, f"{t:%Y-%m-%dT%H:%M:%S}{offset}", v)
        for sid, offset in (("delhi", "+05:30"), ("ny", "-05:00"))
        for t, v in zip(hours, y, strict=True)
    ]
    data = tmp_path / "clocks.csv"
    pd.DataFrame(rows, columns=["unique_id", "ds", "y"]).to_csv(data, index=False)
    result = runner.invoke(app, ["train", str(data), "-o", str(tmp_path / "m.fcst"), *FAST_TRAIN])
    assert result.exit_code == 2 and not (tmp_path / "m.fcst").exists(), result.output
    assert "different time zones or UTC offsets: UTC+05:30 ('delhi'), UTC-05:00 ('ny')" in result.stderr


def test_a_winter_only_series_joins_the_zone_of_the_rest_of_its_panel(tmp_path):
    """A Berlin panel where one series covers only winter (every row +01:00, read alone as a
    fixed offset) is one clock: it joins Europe/Berlin, whose offset each of its rows has;
    it was refused as a second clock."""
    year = pd.date_range("2023-01-01", periods=400, freq="D", tz="Europe/Berlin")
    winter = pd.date_range("2023-11-01", periods=120, freq="D", tz="Europe/Berlin")
    rows = [
        (sid, t.isoformat(), 10.0 + i % 7)
        for sid, idx in (("a", year), ("b", winter))
        for i, t in enumerate(idx)
    ]
    data = tmp_path / "berlin.csv"
    pd.DataFrame(rows, columns=["unique_id", "ds", "y"]).to_csv(data, index=False)
    model = str(tmp_path / "m.fcst")
    result = runner.invoke(app, ["train", str(data), "-o", model, *FAST_TRAIN])
    assert result.exit_code == 0, result.output
    out = runner.invoke(app, ["predict", "-m", model, "-f", "csv", "-q", "--level", "none"])
    stamps = [line.split(",")[1] for line in out.stdout.splitlines()[1:]]
    assert stamps[0] == "2024-02-05T00:00:00+01:00"  # a's next day, at local midnight
    assert "2024-03-01T00:00:00+01:00" in stamps  # b's next day after 2024-02-28 ... 29


def test_unix_time_trains_and_forecasts_the_next_utc_days(tmp_path):
    """A column of epoch seconds with --time-format %s: daily UTC instants, forecast as the
    following days in ISO 8601 UTC (a forecast written back as epoch numbers would read as
    the target's units to the next program)."""
    days = pd.date_range("2024-01-01", periods=60, freq="D", tz="UTC")
    data = tmp_path / "epoch.csv"
    seconds = (days - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(seconds=1)
    pd.DataFrame({"epoch": seconds, "y": np.arange(60.0) + 10}).to_csv(data, index=False)
    model = tmp_path / "m.fcst"
    trained = runner.invoke(
        app, ["train", str(data), "--time-col", "epoch", "--time-format", "%s", *FAST_TRAIN, "-o", str(model)]
    )
    assert trained.exit_code == 0, trained.output
    out = runner.invoke(app, ["predict", "-m", str(model), "-H", "2", "--level", "none", "-f", "csv"])
    assert out.exit_code == 0, out.output
    assert [line.split(",")[0] for line in out.stdout.splitlines()[1:]] == [
        "2024-03-01T00:00:00+00:00",
        "2024-03-02T00:00:00+00:00",
    ]
