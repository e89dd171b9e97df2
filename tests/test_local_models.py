"""--local: one network per series, fitted as independent tasks; the same model and the
same backtest on 1 worker and on a Dask cluster; one model file that loads without Dask."""

from __future__ import annotations

import dataclasses
import zipfile

import numpy as np
import pandas as pd
import pytest

from forecast_cli.backtest import run_backtest
from forecast_cli.compute import task_seed
from forecast_cli.config import DataConfig
from forecast_cli.dask_executor import DaskExecutor
from forecast_cli.errors import ExitCode, ModelFileError, UsageError
from forecast_cli.forecaster import Forecaster
from forecast_cli.local_models import LocalForecaster
from forecast_cli.local_reports import named_for_series
from forecast_cli.modelfile import load_model, read_metadata, save_model
from forecast_cli.panel import prepare_panel
from forecast_cli.run_config import BacktestConfig

from .conftest import fast_config, rewrite_model


def _panel(n: int = 3, rows: int = 72):
    rng = np.random.default_rng(1)
    t = np.arange(rows)
    frames = [
        pd.DataFrame(
            {
                "unique_id": f"s{i}",
                "ds": pd.date_range("2000-01-01", periods=rows, freq="MS"),
                "y": (i + 1) * 50
                + t * (i - 1)
                + 10 * np.sin(2 * np.pi * t / 12 + i)
                + rng.normal(0, 1, rows),
            }
        )
        for i in range(n)
    ]
    return prepare_panel(pd.concat(frames), DataConfig())


def _local(**window):
    cfg = fast_config(**window)
    return dataclasses.replace(cfg, model=dataclasses.replace(cfg.model, local=True))


def test_each_series_gets_its_own_network_seeded_by_its_id():
    panel = _panel()
    local = LocalForecaster(_local()).fit(panel)
    assert local.ids_ == ("s0", "s1", "s2")
    one = dataclasses.replace(panel, members=panel.members[1:2], ids=("s1",))
    cfg = _local()
    alone = Forecaster(
        dataclasses.replace(cfg, train=dataclasses.replace(cfg.train, seed=task_seed(0, "s1")))
    )
    alone.fit(one)
    # the same network and forecast; the bands differ: they are the members' pool's
    np.testing.assert_array_equal(local.members_["s1"].predict()["y"], alone.predict()["y"])
    np.testing.assert_array_equal(local.members_["s1"].calibration_errors_, alone.calibration_errors_)


def test_predict_has_the_global_models_columns_and_index():
    panel = _panel()
    local = LocalForecaster(_local()).fit(panel).predict()
    global_ = Forecaster(fast_config()).fit(panel).predict()
    assert list(local.columns) == list(global_.columns)
    assert local.index.names == global_.index.names and len(local) == len(global_)


def test_dask_workers_fit_the_same_model_as_one_process(dask_client):
    panel = _panel()
    serial = LocalForecaster(_local()).fit(panel).predict()
    dask = LocalForecaster(_local()).fit(panel, DaskExecutor(dask_client, threads=1)).predict()
    pd.testing.assert_frame_equal(serial, dask, check_exact=True)


def test_local_model_is_one_small_file_that_predicts_the_same(tmp_path):
    full = _panel(5)
    local = LocalForecaster(_local()).fit(_cut(full, 60))
    path = save_model(local, tmp_path / "local.fcst")
    small = save_model(LocalForecaster(_local()).fit(_panel(2)), tmp_path / "small.fcst")
    with zipfile.ZipFile(path) as archive, zipfile.ZipFile(small) as other:
        # weights stacked by shape, per-series state stacked by series: as many entries
        # for 5 series as for 2, not one per series and parameter
        assert len(archive.namelist()) == len(other.namelist()) < 30
    again = load_model(path)
    assert isinstance(again, LocalForecaster)
    assert read_metadata(path)["kind"] == "local"
    pd.testing.assert_frame_equal(local.predict(), again.predict(), check_exact=True)
    # on newer rows each member pools its own kept errors with the new ones, also once loaded
    newer = local.predict(full)
    assert newer.attrs["recalibrated_windows"] == 5 * 12
    pd.testing.assert_frame_equal(newer, again.predict(full), check_exact=True)


def _cut(panel, rows: int):
    """The panel's first ``rows`` rows of every series."""
    members = [dataclasses.replace(m, frame=m.frame.iloc[:rows]) for m in panel.members]
    return dataclasses.replace(panel, members=members)


def test_a_failing_series_is_left_out_and_named(monkeypatch):
    real_fit = Forecaster.fit

    def fit(self, data, on_epoch=None, windows_from=None):
        if data.ids == ("s1",):
            raise ValueError("synthetic failure")
        return real_fit(self, data, on_epoch, windows_from)

    monkeypatch.setattr(Forecaster, "fit", fit)
    local = LocalForecaster(_local()).fit(_panel())
    assert local.ids_ == ("s0", "s2")
    assert local.failures_ == {"s1": "ValueError: synthetic failure"}
    notes = local.predict().attrs["notes"]  # from the stored histories: the gap is said
    assert any("have no network and are not forecast ('s1')" in n for n in notes)
    spec = BacktestConfig(folds=2, models=("lstm",))
    result = run_backtest(_panel(), _local(horizon=6), spec)
    assert result.failures == {"s1": "ValueError: synthetic failure"}
    assert result.config["series"] == 2 and set(result.forecasts["unique_id"]) == {"s0", "s2"}


@pytest.mark.parametrize("local", [True, False])
def test_backtest_metrics_identical_on_one_worker_and_a_cluster(dask_client, local):
    cfg = _local(horizon=6) if local else fast_config(horizon=6)
    spec = BacktestConfig(folds=2, refit="always", models=("lstm", "gru"))
    serial = run_backtest(_panel(), cfg, spec)
    dask = run_backtest(_panel(), cfg, spec, executor=DaskExecutor(dask_client, threads=1))
    columns = [c for c in serial.leaderboard.columns if not c.endswith("_seconds")]
    pd.testing.assert_frame_equal(serial.leaderboard[columns], dask.leaderboard[columns], check_exact=True)
    pd.testing.assert_frame_equal(serial.forecasts, dask.forecasts, check_exact=True)


def test_loading_builds_only_the_networks_of_the_series_predicted(tmp_path, monkeypatch):
    path = save_model(LocalForecaster(_local()).fit(_panel()), tmp_path / "local.fcst")
    built: list[str] = []
    real = Forecaster.from_state.__func__

    def counting(cls, meta, arrays):
        built.append(meta["ids"][0])
        return real(cls, meta, arrays)

    monkeypatch.setattr(Forecaster, "from_state", classmethod(counting))
    again = load_model(path)
    assert built == [] and again.ids_ == ("s0", "s1", "s2")
    again.predict(ids=["s1"])
    again.predict(ids=["s1"])
    assert built == ["s1"]
    # given the training rows of every series (the CLI's predict --data train.csv --ids s1):
    # no row is newer, so no other member is built to recalibrate the pool
    again.predict(_panel(), ids=["s1"])
    assert built == ["s1"]
    # a series with newer rows builds its member: its windows since training join the pool
    longer = _panel(rows=84)
    out = again.predict(dataclasses.replace(longer, members=longer.members[:1], ids=("s0",)))
    assert built == ["s1", "s0"] and out.attrs["recalibrated_windows"] > 0


def test_a_damaged_member_is_named_when_its_series_is_predicted(tmp_path):
    """bad input: a --local model file with one member's network arguments cut -> exit 3 naming the series"""
    path = save_model(LocalForecaster(_local()).fit(_panel()), tmp_path / "local.fcst")
    rewrite_model(path, edit_meta=lambda meta: meta["members"][1].update(network={}))
    again = load_model(path)
    assert len(again.predict(ids=["s0"])) == again.horizon_
    with pytest.raises(ModelFileError, match="network for series 's1' is damaged") as caught:
        again.predict(ids=["s1"])
    assert caught.value.exit_code == ExitCode.MODEL_FILE


def test_members_calibration_errors_are_stacked_unpadded_and_come_back_per_member():
    """A long member's many validation windows must not pad every short member to its
    length (10,000 series x 2,000 windows would inflate to gigabytes)."""
    from forecast_cli.fitted_state import ERRORS, ERRORS_OFFSETS

    t = np.arange(400)
    frame = pd.DataFrame(
        {"unique_id": "long", "ds": pd.date_range("1990-01-01", periods=400, freq="MS"), "y": 50 + np.sin(t)}
    )
    both = pd.concat([frame.iloc[-48:].assign(unique_id="short"), frame])
    panel = prepare_panel(both, DataConfig())
    local = LocalForecaster(_local()).fit(panel)
    own = {sid: local.members_[sid].calibration_errors_ for sid in local.ids_}
    assert len(own["long"]) > 5 * len(own["short"])
    sizes = [len(own[sid]) for sid in local.ids_]
    _, arrays = local.state()
    assert arrays[ERRORS].shape == (sum(sizes), own["long"].shape[1])  # no padding rows
    assert arrays[ERRORS_OFFSETS].tolist() == [0, sizes[0], sum(sizes)]
    again = LocalForecaster.from_state(*local.state())
    for sid, errors in own.items():
        np.testing.assert_array_equal(again.members_[sid].calibration_errors_, errors)


def test_plan_fields_that_differ_between_members_are_tallied_not_taken_from_the_first(tmp_path):
    """Each member decides its transform and scaler from its own rows: a negative series takes
    none where the positive ones take log. The train line and `info` tallied nothing and
    showed the first member's plan as the model's."""
    from forecast_cli.cli.info_cmd import describe_local

    positive = _panel(3).members[1:]  # the first series of _panel dips below zero
    frame = pd.concat([m.frame.assign(unique_id=name) for name, m in zip(("a", "b"), positive, strict=True)])
    frame = frame.reset_index()
    frame.loc[frame["unique_id"] == "b", "y"] -= 500.0  # below zero: no log
    local = LocalForecaster(_local()).fit(prepare_panel(frame, DataConfig()))
    spread = local.plan_spread()
    assert spread["transform"] == "log (1 series), none (1 series)"
    meta = read_metadata(save_model(local, tmp_path / "m.fcst"))
    assert describe_local(meta)["transform"] == spread["transform"]
    same = LocalForecaster(_local()).fit(prepare_panel(frame[frame["unique_id"] == "a"], DataConfig()))
    assert same.plan_spread() == {}


@pytest.mark.parametrize("flag", ["static_cols", "id_embedding"])
def test_static_columns_or_an_embedding_with_local_are_refused(flag):
    """bad input: --local with --static-cols (or --id-embedding) -> exit 2 naming both; train crashed with exit 1 ("MNI10: KeyError: 'grp'") and backtest failed every series"""
    from forecast_cli.errors import UsageError

    cfg = _local()
    if flag == "static_cols":
        cfg = dataclasses.replace(cfg, data=dataclasses.replace(cfg.data, static_cols=("grp",)))
        said = "--static-cols"
    else:
        cfg = dataclasses.replace(cfg, model=dataclasses.replace(cfg.model, id_embedding=4))
        said = "--id-embedding"
    with pytest.raises(UsageError, match=f"drop {said} or --local"):
        cfg.validate()


def test_the_summary_counts_the_members_that_kept_their_starting_baseline():
    """Each member's training says whether no epoch beat its highway's baseline; the summary
    counts them (files from before it was stored count none), and medians stay medians."""
    from forecast_cli.local_reports import summary_metrics

    members = [
        {"best_epoch": 0, "kept_baseline": True},
        {"best_epoch": 7, "kept_baseline": False},
        {"best_epoch": 0, "kept_baseline": True},
        {"best_epoch": 3},  # an older member: never said
    ]
    out = summary_metrics(members, failed=0)
    assert out["kept_baseline"] == 2 and out["median_best_epoch"] == 1.5


def test_a_members_note_names_the_series_it_is_about():
    """Each member speaks of its own series: 'the training series were flat', said by the
    one flat member of three, was printed bare and read as the whole panel's. A note every
    member says (of the calibration they pool) is said once, bare."""
    assert named_for_series("the training series were flat", ["s1"], 3) == (
        "series 's1': the training series were flat"
    )
    assert named_for_series("step 12 had no error", ["s0", "s1", "s2"], 3) == "step 12 had no error"
    assert named_for_series("series 's1': 4 rows", ["s1"], 3) == "series 's1': 4 rows"


def test_a_flat_member_has_bands_of_no_width_in_the_pool():
    """A flat series' errors stay out of the pool (no scale to divide them by) and its bands
    have no width, as a panel's flat series' have; the others' bands are the pool's."""
    raw = pd.concat(
        [m.frame.assign(unique_id=sid) for sid, m in zip(_panel().ids, _panel().members, strict=True)]
    )
    raw.loc[raw["unique_id"] == "s1", "y"] = 5.0
    panel = prepare_panel(raw.rename_axis("ds").reset_index(), DataConfig())
    out = LocalForecaster(_local()).fit(panel).predict()
    flat = out.loc["s1"]
    assert (
        np.isclose(flat["y-lo-95"], 5.0, atol=0.01).all()
        and np.isclose(flat["y-hi-95"], 5.0, atol=0.01).all()
    )
    others = out.drop(index="s1")
    assert ((others["y-hi-80"] - others["y-lo-80"]) > 0.1).all()
    assert not any("flat" in n for n in out.attrs["notes"])


def test_info_tallies_the_baselines_the_members_highways_start_as(tmp_path):
    """Each member's highway starts as the baseline its own rows chose: info showed the
    first member's as the model's ('highway_start naive' for a file of eight networks,
    five of them seasonal_drift). A file whose members agree still shows the one."""
    from forecast_cli.cli.info_cmd import describe_local

    meta = read_metadata(save_model(LocalForecaster(_local()).fit(_panel()), tmp_path / "m.fcst"))
    starts = [m["network"]["highway_init"] for m in meta["members"]]
    shown = describe_local(meta)["highway_start"]
    if len(set(starts)) == 1:
        assert shown == starts[0]
    meta["members"][0]["network"]["highway_init"] = "naive"  # members that differ: tallied
    meta["members"][1]["network"]["highway_init"] = "seasonal"
    meta["members"][2]["network"]["highway_init"] = "seasonal"
    assert describe_local(meta)["highway_start"] == "seasonal (2 series), naive (1 series)"


def test_a_series_without_a_network_is_refused_with_the_fixes():
    local = LocalForecaster(_local()).fit(_panel(2))
    three = _panel(3)
    with pytest.raises(
        UsageError, match=r"series 's2': no network in this --local model; leave it out with --ids"
    ):
        local.predict(three)
    out = local.predict(three, ids=["s0", "s1"])  # the fix it names
    assert set(out.index.get_level_values(0)) == {"s0", "s1"}


def test_ids_are_matched_as_the_global_models_are():
    """--ids 'a, b' keeps the space (so ' b' can name a series written so): the --local
    model compared ids exactly and refused ' b'; and ids='s1' was read as its letters."""
    panel = _panel()
    local = LocalForecaster(_local(lookback=12)).fit(panel)
    both = local.predict(panel, ids=["s0", "s1"])
    pd.testing.assert_frame_equal(local.predict(panel, ids=["s0", " s1"]), both)
    pd.testing.assert_frame_equal(local.predict(ids=" s1"), local.predict(ids=["s1"]))
