"""`backtest --plot`: fan charts of the last folds, calibration and MASE in one PNG, for a
series and a panel; the calibration it draws is the coverage the leaderboard reports."""

from __future__ import annotations

import json
import struct

import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.config import BASELINE_NAMES
from forecast_cli.plots import DPI, calibration, fan_series, figure_size

from .conftest import FAST_TRAIN
from .test_panel import long_panel

pytest.importorskip("matplotlib")
runner = CliRunner()
BASELINES_ONLY = ["--models", "naive", "-q"]  # four baselines: no training, fast


def _png_size(path) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's header, after checking its signature."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _expected(rows: int, cols: int) -> tuple[int, int]:
    width, height = figure_size(rows, cols)
    return round(width * DPI), round(height * DPI)


@pytest.mark.parametrize("levels", [[], ["--level", "none"]])
def test_plot_of_one_series_is_a_png_of_one_row_of_fan_charts(sample, tmp_path, levels):
    png = tmp_path / "bt.png"
    args = ["backtest", str(sample / "airpassengers.csv"), "-k", "3", *BASELINES_ONLY, *levels]
    result = runner.invoke(app, [*args, "--plot", str(png), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert _png_size(png) == _expected(1, 4) and png.stat().st_size > 20_000


@pytest.fixture
def panel_csv(tmp_path):
    path = tmp_path / "panel.csv"
    long_panel((60, 84, 48, 72, 66)).to_csv(path, index=False)
    return path


def test_plot_of_a_panel_draws_the_first_three_series_or_those_named(panel_csv, tmp_path):
    png = tmp_path / "p.png"
    args = ["backtest", str(panel_csv), "-H", "6", "-k", "2", *BASELINES_ONLY, "--plot", str(png)]
    assert runner.invoke(app, args).exit_code == 0
    assert _png_size(png) == _expected(3, 4)
    assert runner.invoke(app, [*args, "--ids", "S4,S1"]).exit_code == 0
    assert _png_size(png) == _expected(2, 4)


def test_fan_charts_take_the_panels_first_series_in_its_order():
    frame = pd.DataFrame({"unique_id": ["S4", "S4", "S1", "S0", "S2"], "origin": range(5)})
    assert fan_series(frame, "unique_id", limit=3) == ["S4", "S1", "S0"]
    assert fan_series(frame.drop(columns="unique_id"), None) == [None]


def test_calibration_drawn_equals_the_coverage_in_the_backtest_json(panel_csv, tmp_path):
    preds = tmp_path / "folds.csv"
    args = ["backtest", str(panel_csv), "-H", "6", "-L", "12", "-k", "2", "--models", "gru", *FAST_TRAIN]
    result = runner.invoke(app, [*args, "-f", "json", "--predictions-out", str(preds)])
    assert result.exit_code == 0, result.output
    board = {row["model"]: row for row in json.loads(result.stdout)["leaderboard"]}
    folds = pd.read_csv(preds)
    assert {"lo-80", "hi-80", "lo-95", "hi-95"} <= set(folds.columns)
    table = calibration(folds, list(board))
    assert list(table.columns) == [80.0, 95.0] and set(table.index) == {"gru", *BASELINE_NAMES}
    for name, row in board.items():
        for level in (80, 95):
            assert table.loc[name, float(level)] == pytest.approx(row[f"cov_{level}"], abs=1e-12)
    assert 0 < table.loc["gru", 95.0] <= 1  # the network's bands are in the frame too


def test_the_plot_format_follows_the_suffix_and_an_unknown_one_is_refused(sample, tmp_path):
    """bad input: --plot fig.jpg -> exit 2 before any work, names the formats; .svg and .pdf
    files get SVG and PDF (a .svg file used to get PNG bytes)."""
    args = ["backtest", str(sample / "airpassengers.csv"), "-k", "2", *BASELINES_ONLY, "-f", "csv"]
    for suffix, magic in ((".svg", b"<?xml"), (".pdf", b"%PDF")):
        path = tmp_path / f"bt{suffix}"
        assert runner.invoke(app, [*args, "--plot", str(path)]).exit_code == 0
        assert path.read_bytes().startswith(magic)
    bad = runner.invoke(app, [*args, "--plot", str(tmp_path / "bt.jpg")])
    assert bad.exit_code == 2 and "give a .png, .svg or .pdf file" in bad.stderr
    assert bad.stdout == "" and not (tmp_path / "bt.jpg").exists()


def test_an_output_named_jsonl_is_json_lines(sample, tmp_path):
    """-o x.jsonl writes JSON lines, as -o x.json writes JSON (it wrote CSV)."""
    out = tmp_path / "board.jsonl"
    args = ["backtest", str(sample / "airpassengers.csv"), "-k", "2", *BASELINES_ONLY, "-o", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows and all("mase" in row for row in rows)


def test_without_any_mase_the_board_ranks_by_mae_and_the_plot_draws_it(tmp_path):
    """A week that repeats exactly until the fold has no in-sample change to scale MASE by.
    The board kept the models in the order they were run and the plot titled empty MASE
    bars; it now ranks by MAE, and the bars are MAE's."""
    import numpy as np

    from forecast_cli.plots import _ranked_by

    data = tmp_path / "weekly_pattern.csv"
    y = np.r_[np.tile(np.arange(1.0, 8.0), 17)[:115], [3, 4, 5, 9, 8]]
    pd.DataFrame({"t": pd.date_range("2020-01-01", periods=120, freq="D"), "y": y}).to_csv(data, index=False)
    png = tmp_path / "flat.png"
    result = runner.invoke(
        app, ["backtest", str(data), "-H", "5", "-k", "1", *BASELINES_ONLY, "--plot", str(png), "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    board = pd.DataFrame(json.loads(result.stdout)["leaderboard"]).set_index("model")
    assert board["mase"].isna().all()
    assert list(board.index) == ["mean", "seasonal-naive", "drift", "naive"]  # MAE 2.23, 2.4, 2.75, 2.8
    assert board["mae"].is_monotonic_increasing
    assert board.loc["seasonal-naive", "mae"] == pytest.approx(2.4)  # |3-4|,|4-5|,|5-6|,|9-7|,|8-1| / 5
    assert _ranked_by(board) == "mae" and png.stat().st_size > 20_000


def test_ids_and_names_with_dollar_signs_are_drawn_as_written(tmp_path):
    """bad input: series ids such as $a^^b$ or $\\nosuch$ under --plot -> the plot and the leaderboard are written, exit 0 (matplotlib's math parser failed on them: exit 1, the leaderboard lost)"""
    frame = long_panel((48, 48))
    frame["unique_id"] = frame["unique_id"].map({"S0": "$a^^b$", "S1": "$\\nosuch$"})
    data, png, board = tmp_path / "p.csv", tmp_path / "p.png", tmp_path / "board.csv"
    frame.to_csv(data, index=False)
    args = [
        "backtest",
        str(data),
        "-H",
        "6",
        "-k",
        "2",
        *BASELINES_ONLY,
        "--plot",
        str(png),
        "-o",
        str(board),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert _png_size(png) == _expected(2, 4) and board.read_text().startswith("model,")
