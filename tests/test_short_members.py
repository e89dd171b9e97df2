"""``--local`` series too short for a network of their own (``short_members``), the horizon
every member shares (``member_shape``) and the default lookback cut to what fits."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.intervals import CalibrationTable
from forecast_cli.local_models import LocalForecaster
from forecast_cli.modelfile import load_model, save_model
from forecast_cli.windows import fitting_lookback

from .conftest import FAST_TRAIN, rewrite_model
from .test_local_models import _local, _panel

runner = CliRunner()


def _with_short(rows: int, n: int = 3):
    """``_panel(n)`` with its last series cut to its first ``rows`` rows."""
    panel = _panel(n)
    last = panel.members[-1]
    members = [*panel.members[:-1], dataclasses.replace(last, frame=last.frame.iloc[:rows])]
    return dataclasses.replace(panel, members=members)


def test_a_series_too_short_for_a_network_is_forecast_by_naive_banded_by_the_pool():
    """9 months hold no training window: the series is forecast by its last value (too few
    rows for a season), over the panel's horizon, banded by the members' pooled errors at
    its scale times the members' median width per unit of scale; the fit is no failure."""
    panel = _with_short(9)
    local = LocalForecaster(_local()).fit(panel)
    assert local.failures_ == {} and local.short_ is not None and local.short_.ids == ("s2",)
    assert local.ids_ == ("s0", "s1", "s2") and local.metrics_["short"] == 1
    out = local.predict(levels=[80], quantiles=[])
    got = out.loc["s2"]
    y = panel.members[2].frame["y"].to_numpy()
    assert len(got) == len(out.loc["s0"]) == 12  # the panel's horizon, not its own season-less 1
    np.testing.assert_array_equal(got["y"], np.full(12, y[-1]))
    ratio = np.median(np.stack([m.width_ratio_ for m in local.members_.values()]), axis=0)
    share = local.members_["s0"].typical_share_
    scale = np.mean(np.abs(np.diff(y)))
    half = CalibrationTable.from_errors(local.pooled_errors_).band(80, 12) * scale * ratio * (1 + share)
    np.testing.assert_allclose(got["y-hi-80"] - got["y"], half, rtol=1e-12)
    np.testing.assert_allclose(got["y"] - got["y-lo-80"], half, rtol=1e-12)
    assert any(
        "series 's2': 9 rows, too few for a network of its own; forecast by naive" in n
        for n in out.attrs["notes"]
    )
    # stamps continue the series' own rows
    assert got.index[0] == panel.members[2].frame.index[-1] + pd.DateOffset(months=1)


def test_a_short_series_holding_a_season_is_forecast_by_seasonal_naive():
    panel = _with_short(14)  # a season of 12, but no window of lookback + horizon 12 + validation
    local = LocalForecaster(_local()).fit(panel)
    assert local.short_ is not None and local.short_.ids == ("s2",)
    y = panel.members[2].frame["y"].to_numpy()
    np.testing.assert_array_equal(local.predict(ids=["s2"])["y"].to_numpy(), y[-12:])


def test_short_series_come_back_from_the_model_file_and_continue_from_newer_rows(tmp_path):
    panel = _with_short(9)
    local = LocalForecaster(_local()).fit(panel)
    again = load_model(save_model(local, tmp_path / "m.fcst"))
    pd.testing.assert_frame_equal(local.predict(), again.predict(), check_exact=True)
    pd.testing.assert_frame_equal(local.predict(ids=["s2"]), again.predict(ids=["s2"]), check_exact=True)
    newer = _with_short(11)  # two months more of s2
    moved = again.predict(newer, ids=["s2"])
    assert moved.index.get_level_values(1)[0] == newer.members[2].frame.index[-1] + pd.DateOffset(months=1)
    assert (moved["y"] == newer.members[2].frame["y"].iloc[-1]).all()
    pd.testing.assert_frame_equal(moved, local.predict(newer, ids=["s2"]), check_exact=True)


def test_a_member_without_a_season_forecasts_the_panels_horizon_for_the_panels_reason():
    """20 months do not show the season twice, so the member alone would plan one step; it
    is handed the panel's horizon, and its plan says why (not 'given')."""
    local = LocalForecaster(_local()).fit(_with_short(20))
    member = local.members_["s2"]
    assert member.plan_.season == 1 and member.plan_.horizon == 12
    assert member.plan_.reasons["horizon"] == "one season"
    assert local.members_["s0"].plan_.reasons["horizon"] == "one season"
    given = LocalForecaster(_local(horizon=6)).fit(_with_short(20))
    assert (
        given.members_["s2"].plan_.horizon == 6 and given.members_["s2"].plan_.reasons["horizon"] == "given"
    )


def test_train_local_with_a_short_series_exits_0_and_says_how_it_is_forecast(tmp_path):
    frames = [
        pd.DataFrame(
            {
                "id": sid,
                "month": pd.date_range("2001-01-01", periods=n, freq="MS"),
                "v": 100 + np.arange(n) % 12,
            }
        )
        for sid, n in (("long", 60), ("new", 5))
    ]
    path = tmp_path / "p.csv"
    pd.concat(frames).to_csv(path, index=False)
    model = tmp_path / "m.fcst"
    trained = runner.invoke(
        app, ["train", str(path), "--id-col", "id", "--local", "-o", str(model), *FAST_TRAIN[:-1]]
    )
    assert trained.exit_code == 0, trained.output
    assert (
        "1 series too short for a network of its own, forecast by (seasonal) naive: 'new'" in trained.stderr
    )
    predicted = runner.invoke(app, ["predict", "-m", str(model), "--ids", "new", "-f", "csv"])
    assert predicted.exit_code == 0, predicted.output
    assert predicted.stdout.count("\nnew,") == 12
    info = runner.invoke(app, ["info", str(model)])
    assert "1 too short for one, forecast by (seasonal) naive: 'new'" in info.stdout
    # info counts it among the series and their rows, as predict forecasts it (it listed
    # only the networks' series: series_ids ["long"], data rows min 60)
    import json

    shown = json.loads(runner.invoke(app, ["info", str(model), "-f", "json"]).stdout)
    assert shown["series_ids"] == ["long", "new"] and shown["history_series"] == 2
    assert shown["data_rows"] == 65 and shown["data_rows_per_series"].startswith("min 5,")


@pytest.mark.parametrize(
    ("rows", "lookback", "horizon", "season", "fit"),
    [
        (133, 104, 52, 52, 52),  # one season leaves windows
        (18, 24, 12, 12, 3),  # no room for a season: as many windows as it reads rows
        (20, 16, 8, 1, 6),
        (13, 8, 12, 1, None),  # one window of lookback 1 at most: no lookback is named
        (5, 8, 4, 1, None),
    ],
)
def test_the_lookback_that_fits_is_the_one_the_error_names(rows, lookback, horizon, season, fit):
    assert fitting_lookback(rows, lookback, horizon, season) == fit


def test_dask_workers_make_the_same_short_members(dask_client):
    """The want of rows travels back from a worker as its own exception, so a cluster makes
    the same short member as one process, not a failure."""
    from forecast_cli.dask_executor import DaskExecutor

    panel = _with_short(9)
    serial = LocalForecaster(_local()).fit(panel)
    dask = LocalForecaster(_local()).fit(panel, DaskExecutor(dask_client, threads=1))
    assert dask.failures_ == {} and dask.short_ is not None and dask.short_.ids == ("s2",)
    pd.testing.assert_frame_equal(serial.predict(), dask.predict(), check_exact=True)


def test_a_short_series_repeats_the_panels_season_whichever_member_comes_first():
    """The first member (20 months, too few to see the season twice) plans no season of its
    own; a short series holding a season still repeats the panel's (it took the first
    member's, so the order of the ids decided between naive and seasonal naive)."""
    panel = _panel(3)
    rows = (20, 72, 14)
    members = [
        dataclasses.replace(m, frame=m.frame.iloc[:n]) for m, n in zip(panel.members, rows, strict=True)
    ]
    local = LocalForecaster(_local()).fit(dataclasses.replace(panel, members=members))
    assert local.members_["s0"].plan_.season == 1 and local.short_ is not None and local.short_.ids == ("s2",)
    y = members[2].frame["y"].to_numpy()
    np.testing.assert_array_equal(local.predict(ids=["s2"])["y"].to_numpy(), y[-12:])


def test_a_model_with_short_series_is_format_5_and_a_damaged_block_is_refused(tmp_path):
    """Only a model with short series is written as format 5 (a release reading 4 says it is
    newer, not damaged); widths or scales a fit never writes are refused at load (exit 3),
    not an IndexError at predict."""
    import shutil

    from forecast_cli.errors import ModelFileError
    from forecast_cli.modelfile import FORMAT_VERSION, read_metadata

    path = save_model(LocalForecaster(_local()).fit(_with_short(9)), tmp_path / "m.fcst")
    assert read_metadata(path)["format_version"] == 5
    plain = save_model(LocalForecaster(_local()).fit(_panel(2)), tmp_path / "p.fcst")
    assert read_metadata(plain)["format_version"] == FORMAT_VERSION == 4
    for key, value in (("width_ratio", []), ("width_ratio", [[1.0, 2.0]]), ("scales", [-1.0]), ("season", 0)):
        broken = shutil.copy(path, tmp_path / f"{key}.fcst")
        rewrite_model(broken, edit_meta=lambda meta, k=key, v=value: meta["short"].update({k: v}))
        with pytest.raises(ModelFileError, match="damaged or inconsistent"):
            load_model(broken)


def test_the_cut_keeps_a_patch_given_and_counts_windows_at_the_stride():
    from forecast_cli.errors import TooFewRows
    from forecast_cli.plan import resolve_plan

    from .conftest import fast_config

    y = [100 + np.arange(30.0) % 12]
    cut = resolve_plan(fast_config(), "MS", y)
    assert (
        cut.lookback == 12
        and "the series holds 3 training windows of 12 rows, none of 24" in cut.reasons["lookback"]
    )
    strided = resolve_plan(fast_config(window_stride=5), "MS", y)
    assert "the series holds 1 training window of 12 rows" in strided.reasons["lookback"]
    with pytest.raises(TooFewRows, match="give --lookback 12"):  # a 12-step lookback of patches of 13
        resolve_plan(
            dataclasses.replace(fast_config(), model=dataclasses.replace(fast_config().model, patch=13)),
            "MS",
            y,
        )


def test_a_short_series_keeps_its_place_in_the_output_and_through_the_model_file(tmp_path):
    """The short series follow the members in ``ids_``; a forecast from the stored history
    put them last (s0, s2, s1), where the data given, and the global model, keep id order."""
    panel = _panel(3)
    middle = panel.members[1]
    members = [panel.members[0], dataclasses.replace(middle, frame=middle.frame.iloc[:9]), panel.members[2]]
    local = LocalForecaster(_local()).fit(dataclasses.replace(panel, members=members))
    assert local.short_ is not None and local.short_.ids == ("s1",)
    path = save_model(local, tmp_path / "m.fcst")
    for model in (local, load_model(path)):
        assert list(dict.fromkeys(model.predict().index.get_level_values(0))) == ["s0", "s1", "s2"]
    rewrite_model(path, edit_meta=lambda meta: meta.update(order=["s0", "s1", "sX"]))
    from forecast_cli.errors import ModelFileError

    with pytest.raises(ModelFileError, match="damaged or inconsistent"):
        load_model(path)
