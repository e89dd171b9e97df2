"""Series named by several columns (``--id-col State,Purpose``), and rows of different
series never averaged into one by ``--agg``'s default (issue 9: "never average different
series together")."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.config import DataConfig
from forecast_cli.errors import DataError
from forecast_cli.panel import prepare_panel

from .conftest import FAST_TRAIN
from .test_cli_bad_input import refused

runner = CliRunner()


def tourism(quarters: int = 24) -> pd.DataFrame:
    """Trips by State and Purpose, quarterly, the shape of tourism's panel: each (State,
    Purpose) pair a series, each State's rows repeating every quarter once per Purpose."""
    rng = np.random.default_rng(0)
    parts = []
    for s, state in enumerate(["New South Wales", "Victoria"]):
        for p, purpose in enumerate(["Business", "Holiday", "Visiting"]):
            level = 100.0 * (s + 1) + 40.0 * p
            t = np.arange(quarters)
            trips = level * (1 + 0.2 * np.sin(2 * np.pi * t / 4)) + rng.normal(0, 3, quarters)
            parts.append(
                pd.DataFrame(
                    {
                        "Quarter": [f"{1998 + q // 4} Q{q % 4 + 1}" for q in t],
                        "State": state,
                        "Purpose": purpose,
                        "Trips": trips.round(3),
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def test_several_id_columns_name_each_series_and_keep_their_rows_apart():
    """Each (State, Purpose) pair is one series, named by its values joined with '/', with
    exactly its own rows: no row of another pair in it, none merged."""
    raw = tourism()
    panel = prepare_panel(raw, DataConfig(id_col="State,Purpose"))
    assert panel.id_col == "State,Purpose"
    assert len(panel) == 6 and "Victoria/Holiday" in panel.ids
    member = panel.members[panel.ids.index("Victoria/Holiday")]
    own = raw[(raw["State"] == "Victoria") & (raw["Purpose"] == "Holiday")]["Trips"].to_numpy()
    np.testing.assert_array_equal(member.y, own)
    assert sum(m.report.duplicates_merged for m in panel.members) == 0
    assert prepare_panel(raw, DataConfig(id_col=" State , Purpose ")).ids == panel.ids


def test_one_column_whose_name_has_a_comma_stays_one_column():
    """A header 'Store, Dept' is one column, as a file's own header is never a list."""
    raw = tourism().rename(columns={"State": "Store, Dept"})
    panel = prepare_panel(
        raw.drop(columns="Purpose").drop_duplicates(["Store, Dept", "Quarter"]),
        DataConfig(id_col="Store, Dept"),
    )
    assert panel.ids == ("New South Wales", "Victoria")


def test_rows_of_different_series_under_one_id_are_refused_not_averaged(tmp_path):
    """bad input: --id-col State on rows that differ in Purpose -> exit 2, "differ in 'Purpose': they are different series", offering --id-col State,Purpose, which then works"""
    data, model = tmp_path / "t.csv", tmp_path / "m.fcst"
    tourism().to_csv(data, index=False)
    result = runner.invoke(
        app, ["train", str(data), "--id-col", "State", "-H", "4", *FAST_TRAIN, "-o", str(model)]
    )
    line = refused(
        result, 2, "series 'New South Wales' has rows at one time (1998 Q1) that differ in 'Purpose'"
    )
    assert "give --id-col State,Purpose to forecast each, or --agg sum" in line
    assert not model.exists()
    result = runner.invoke(
        app, ["train", str(data), "--id-col", "State,Purpose", "-H", "4", *FAST_TRAIN, "-o", str(model)]
    )
    assert result.exit_code == 0, result.stderr


def test_an_agg_given_on_purpose_combines_the_rows_as_asked():
    """--agg sum adds the purposes up into each state's total: what the user asked for."""
    raw = tourism()
    panel = prepare_panel(raw, DataConfig(id_col="State", agg="sum"))
    totals = raw[raw["State"] == "Victoria"].groupby("Quarter", sort=False)["Trips"].sum().to_numpy()
    np.testing.assert_allclose(panel.members[panel.ids.index("Victoria")].y, totals)


def test_a_compound_id_goes_through_predict_ids_and_future_data(tmp_path):
    """Train on State,Purpose; predict writes the id column under the option's name, picks
    a series by its joined id, and reads a future file keyed by the same two columns."""
    raw = tourism(quarters=28)
    raw["promo"] = np.tile(np.arange(28) % 3 == 0, 6).astype(float)
    history = raw[raw["Quarter"] < "2004 Q1"]
    future = raw[raw["Quarter"] >= "2004 Q1"].drop(columns="Trips")
    data, fut, model = tmp_path / "t.csv", tmp_path / "f.csv", tmp_path / "m.fcst"
    history.to_csv(data, index=False)
    future.to_csv(fut, index=False)
    args = ["train", str(data), "--id-col", "State,Purpose", "--future-features", "promo", "-H", "4"]
    result = runner.invoke(app, [*args, *FAST_TRAIN, "-o", str(model)])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(
        app,
        ["predict", "-m", str(model), "--future-data", str(fut), "--ids", "Victoria/Visiting", "-f", "json"],
    )
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["State,Purpose"] for r in rows] == ["Victoria/Visiting"] * 4
    assert [r["timestamp"] for r in rows] == ["2004 Q1", "2004 Q2", "2004 Q3", "2004 Q4"]
    result = runner.invoke(app, ["predict", "-m", str(model), "--future-data", str(fut)])
    assert result.exit_code == 0, result.stderr
    written = pd.read_csv(io.StringIO(result.stdout))
    assert written.columns[0] == "State,Purpose" and written["State,Purpose"].nunique() == 6


def test_a_compound_id_naming_a_missing_column_says_which():
    """bad input: --id-col State,Region where Region is no column -> exit 2, "--id-col names 'Region', not a column" """
    result = runner.invoke(
        app,
        ["train", "-", "--id-col", "State,Region", "-H", "4", *FAST_TRAIN, "-o", "/dev/null"],
        input=tourism().to_csv(index=False),
    )
    refused(result, 2, "--id-col names 'Region', not a column; columns: Quarter, State, Purpose, Trips")


def test_predict_on_rows_of_several_series_under_one_id_says_they_are_not_the_models(tmp_path):
    """bad input: predict, with a model of one series per State, on rows per State and Purpose -> exit 2, "rows of several series, where model ... has one series per 'State'", no --id-col or --agg offered (predict takes neither)"""
    raw = tourism()
    totals = raw.groupby(["State", "Quarter"], as_index=False)["Trips"].sum()
    data, rows, model = tmp_path / "t.csv", tmp_path / "r.csv", tmp_path / "m.fcst"
    totals.to_csv(data, index=False)
    raw.to_csv(rows, index=False)
    result = runner.invoke(
        app, ["train", str(data), "--id-col", "State", "-H", "4", *FAST_TRAIN, "-o", str(model)]
    )
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["predict", "-m", str(model), str(rows)])
    line = refused(
        result, 2, "series 'New South Wales' has rows at one time (1998 Q1) that differ in 'Purpose'"
    )
    assert f"rows of several series, where model {model} has one series per 'State'" in line
    assert "--id-col" not in line and "--agg" not in line


def test_parts_whose_joined_names_collide_are_refused_never_merged():
    """bad input: --id-col A,B where ('x/y', 'z') and ('x', 'y/z') both join to 'x/y/z' -> exit 2, "both join to 'x/y/z'", no series merged"""
    raw = pd.DataFrame(
        {
            "A": ["x/y"] * 12 + ["x"] * 12,
            "B": ["z"] * 12 + ["y/z"] * 12,
            "t": list(range(12)) * 2,
            "v": np.arange(24.0),
        }
    )
    result = runner.invoke(
        app,
        ["train", "-", "--id-col", "A,B", "--time-col", "t", *FAST_TRAIN, "-o", "/dev/null"],
        input=raw.to_csv(index=False),
    )
    refused(result, 2, "--id-col A,B: ('x/y', 'z') and ('x', 'y/z') both join to 'x/y/z'")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=4), st.text(min_size=1, max_size=4)),
        min_size=1,
        max_size=5,
        unique=True,
    )
)
def test_each_pair_of_id_values_is_one_series_with_its_own_rows(pairs):
    """Whatever the values (spaces, unicode, digits, '/' where no two pairs collide), each
    pair is one series with exactly its own rows, or the panel is refused: never merged."""
    rows = []
    for k, (a, b) in enumerate(pairs):
        rows += [{"A": a, "B": b, "t": t, "v": 100.0 * k + t} for t in range(6)]
    raw = pd.DataFrame(rows)
    try:
        panel = prepare_panel(raw, DataConfig(id_col="A,B", time_col="t"))
    except DataError as exc:
        assert "both join to" in str(exc)
        assert len({f"{a}/{b}" for a, b in pairs}) < len(pairs)  # only a real collision
        return
    assert len(panel) == len(pairs)
    for k, (a, b) in enumerate(pairs):
        member = panel.members[panel.ids.index(f"{a}/{b}")]
        np.testing.assert_array_equal(member.y, 100.0 * k + np.arange(6))
