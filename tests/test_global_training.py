"""The panel training choices: MASE-weighted loss, the shared scaler, the spread head."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast_cli.forecaster import Forecaster
from forecast_cli.models import NetworkArgs, RecurrentNetwork
from forecast_cli.panel import prepare_panel
from forecast_cli.panel_arrays import scale_panel
from forecast_cli.panel_weights import MASE_LOSS_MIX, series_loss_weights
from forecast_cli.scaling import Scaler, share_target_scale

from .conftest import fast_config
from .test_panel import long_panel


def test_loss_weights_follow_each_series_seasonal_naive_error():
    """Series A changes by 1 per season-step, B by 4: MASE scales 1 and 4, median 2.5."""
    a = np.arange(10, dtype=float)
    b = 4.0 * np.arange(10, dtype=float)
    z = np.concatenate([a, b])
    offsets = np.array([0, 10, 20])
    w = series_loss_weights(z, offsets, np.array([8, 8]), season=1)
    median = np.median([1.0, 4.0])
    expect_a = (1 - MASE_LOSS_MIX) + MASE_LOSS_MIX * median / 1.0
    expect_b = (1 - MASE_LOSS_MIX) + MASE_LOSS_MIX * median / 4.0
    np.testing.assert_allclose(w, [expect_a, expect_b])


def test_loss_weights_ignore_validation_rows_and_clip_flat_series():
    calm = np.ones(12)  # flat: scale 0, clipped to a tenth of the median
    moving = np.arange(12, dtype=float)
    moving_late = moving.copy()
    moving_late[8:] *= 100  # rows after the training end must not matter
    offsets = np.array([0, 12, 24, 36])
    ends = np.array([8, 8, 8])
    w = series_loss_weights(np.concatenate([calm, moving, moving]), offsets, ends, 1)
    w2 = series_loss_weights(np.concatenate([calm, moving, moving_late]), offsets, ends, 1)
    np.testing.assert_array_equal(w, w2)
    assert w[0] == pytest.approx((1 - MASE_LOSS_MIX) + MASE_LOSS_MIX * 10.0)


def test_shared_scaler_is_standard_for_one_series_and_one_scale_for_a_panel():
    rng = np.random.default_rng(1)
    rows = [rng.normal(0, s, size=(50, 2)) for s in (1.0, 3.0, 9.0)]
    single = share_target_scale([Scaler("shared").fit(rows[0])])[0]
    standard = Scaler("standard").fit(rows[0])
    np.testing.assert_array_equal(single.scale, standard.scale)
    panel = share_target_scale([Scaler("shared").fit(r) for r in rows])
    typical = np.median([Scaler("standard").fit(r).scale[0] for r in rows])
    assert all(s.scale[0] == typical for s in panel)
    # features keep their own scales, centres stay per series
    assert len({s.scale[1] for s in panel}) == 3
    assert len({s.center[0] for s in panel}) == 3


@pytest.mark.parametrize("kind", ["shared", "standard", "robust"])
def test_scale_panel_equals_scaling_the_stacked_float64_panel(kind):
    """The one-series-at-a-time float32 build gives exactly the numbers of transforming,
    scaling and stacking in float64 first, constants included; scalers see training rows only."""
    rng = np.random.default_rng(3)
    lengths = np.array([30, 45, 12])
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    raw = [
        np.column_stack([rng.lognormal(3 + i, 0.5, n), rng.normal(0, 1, n)]) for i, n in enumerate(lengths)
    ]
    raw[1][5, 1] = np.nan  # a missing feature value
    ends = np.array([24, 36, 9])
    block = np.array([[1, 0], [0, 1], [1, 0]], dtype=np.float32)
    forward = np.log

    def build():  # reads ``raw`` as it is at the call
        return scale_panel(
            [lambda v=v: v for v in raw],
            [lambda v=v: forward(v[:, 0]) for v in raw],
            forward,
            kind,
            offsets,
            ends,
            0,
            block,
        )

    scaled, _, scalers, cal = build()
    logged = [np.column_stack([forward(v[:, 0]), v[:, 1]]) for v in raw]
    own = [Scaler(kind).fit(m[:e]) for m, e in zip(logged, ends, strict=True)]
    expect_scalers = share_target_scale(own) if kind == "shared" else own
    expect = np.nan_to_num(
        np.concatenate([s.transform(m) for s, m in zip(expect_scalers, logged, strict=True)])
    ).astype(np.float32)
    np.testing.assert_array_equal(scaled[:, :2], expect)
    np.testing.assert_array_equal(scaled[:, 2:], np.repeat(block, lengths, axis=0))
    assert scaled.dtype == np.float32
    for got, want in zip(scalers, expect_scalers, strict=True):
        np.testing.assert_array_equal(got.scale, want.scale)
    for values, end in zip(raw, ends, strict=True):  # from each series' own first validation row
        values[end:, 0] *= 50  # validation rows never reach a scaler or a calibration scale
    again = build()
    for got, want in zip(again[2], scalers, strict=True):
        np.testing.assert_array_equal(got.scale, want.scale)
    assert list(again[3]) == list(cal)


def test_auto_scaler_resolves_to_shared_for_a_log_target_and_serves_unseen_series():
    cfg = fast_config(lookback=12, horizon=6)
    fitted = Forecaster(cfg).fit(prepare_panel(long_panel(), cfg.data))
    assert fitted.plan_.scaler == "shared"
    assert len({s.scale[0] for s in fitted.scalers_}) == 1
    fresh = long_panel(lengths=(40,), seed=5).assign(unique_id="NEW")
    out = fitted.predict(prepare_panel(fresh, cfg.data))
    assert np.isfinite(out["y"]).all()


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    scale=st.floats(0.01, 100.0),
    outputs=st.integers(1, 6),
)
def test_spread_head_quantiles_never_cross(seed, scale, outputs):
    torch.manual_seed(seed)
    args = NetworkArgs("gru", 2, 8, 1, 0.0, lookback=6, outputs=outputs, spread=True)
    net = RecurrentNetwork(args)
    with torch.no_grad():
        for p in net.parameters():
            p.mul_(scale)  # random, large or small weights
        x = torch.randn(32, 6, 2) * scale
        point, lo, hi = net.forward_quantiles(x)
    assert torch.all(lo <= point) and torch.all(point <= hi)
    assert torch.equal(point, net(x))


def test_intervals_do_not_move_the_point_forecast(monthly_frame):
    """The spread head trains beside the point head without touching it, and it is
    trained whatever ``--level`` says: ``train --level none`` gave a model without it, whose
    bands (asked for at predict) differed from the default model's."""
    from forecast_cli.series import prepare_series

    with_bands = fast_config()
    without = fast_config()
    without.intervals.level = ("none",)
    series = prepare_series(monthly_frame, with_bands.data)
    a = Forecaster(with_bands).fit(series)
    b = Forecaster(without).fit(series)
    assert a.network_args_.spread and b.network_args_.spread
    assert list(b.predict().columns) == ["sales"]  # the model's --level is predict's default
    pd.testing.assert_frame_equal(a.predict(), b.predict(levels=(80, 95)))
    assert {"sales-lo-80", "sales-hi-95"} <= set(a.predict().columns)


def test_band_widths_follow_the_spread_head_and_survive_the_model_file(tmp_path, monthly_frame):
    from forecast_cli.modelfile import load_model, save_model
    from forecast_cli.series import prepare_series

    cfg = fast_config()
    fitted = Forecaster(cfg).fit(prepare_series(monthly_frame, cfg.data))
    assert fitted.width_ratio_ is not None
    path = tmp_path / "m.fcst"
    save_model(fitted, path)
    again = load_model(path)
    pd.testing.assert_frame_equal(fitted.predict(), again.predict())
    assert again.typical_share_ == fitted.typical_share_ == 1.0  # the calibration's units, stored
    widths = fitted.predict()
    spread = widths["sales-hi-80"] - widths["sales-lo-80"]
    assert spread.nunique() > 1  # widths differ by step, as the head and per-step calibration say
    # however sure the head, no half-band is narrower than the calibrated ratio times the
    # typical width that every error's divisor includes
    typical = fitted.cal_scales_[0] * fitted.width_ratio_[: len(spread)]
    floor = fitted.calibration_.band(80, len(spread)) * typical
    assert np.all(spread.to_numpy() / 2 >= floor * (1 - 1e-9))


def test_calendar_codes_give_the_same_windows_as_dense_calendar_columns():
    """Calendar columns kept as per-row codes and expanded per batch equal the columns
    scaled and stored per row, on every step a window's loss reads (the masked steps of a
    window that runs past its series may differ: they never count)."""
    from forecast_cli.window_batches import WindowBatches

    rng = np.random.default_rng(4)
    lengths = np.array([40, 25, 33])
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    stamps = [
        pd.date_range("2021-01-01", periods=n, freq="D") + pd.Timedelta(days=7 * i)
        for i, n in enumerate(lengths)
    ]
    raw = [
        np.column_stack(
            [rng.lognormal(2, 0.3, n), rng.normal(0, 1, n), t.day_of_week, (t.day == 1).astype(float)]
        )
        for n, t in zip(lengths, stamps, strict=True)
    ]
    ends = lengths - 8
    block = np.eye(3, dtype=np.float32)[:, :2]  # per-series constants after the inputs
    args = (
        [lambda v=v: v for v in raw],
        [lambda v=v: np.log(v[:, 0]) for v in raw],
        np.log,
        "standard",
        offsets,
        ends,
        0,
        block,
    )
    full, none, *_ = scale_panel(*args)
    dense, codes, *_ = scale_panel(*args, calendar=2)
    assert none is None and codes is not None and codes.position == 2
    assert dense.shape[1] == full.shape[1] - 2 and codes.codes.dtype == np.int16
    bounds = torch.as_tensor(offsets)
    want = WindowBatches(torch.as_tensor(full), 5, 3, bounds, future_cols=4)
    got = WindowBatches(torch.as_tensor(dense), 5, 3, bounds, future_cols=4, calendar=codes.to_torch("cpu"))
    origins = torch.tensor(
        [5, 20, 37, 39, 45, 64, 70, 97], dtype=torch.int32
    )  # 37, 39, 64: past their series' end
    (x0, y0, m0), (x1, y1, m1) = want.get(origins), got.get(origins)
    torch.testing.assert_close((y0, m0), (y1, m1), rtol=0, atol=0)
    read = torch.cat([torch.ones(len(m0), 5), m0], dim=1).bool()  # (windows, 5 + 3): steps that count
    torch.testing.assert_close(x0[read], x1[read], rtol=0, atol=0)
    assert not read.all()  # some windows did run past their series


def test_calendar_codes_widen_past_32767_distinct_rows_and_map_back_exactly():
    n = 40_000  # every row a distinct calendar value (as minute-of-day x weekday x month could be)
    offsets = np.array([0, 15_000, n])
    column = np.linspace(-1, 1, n)
    raw = [
        np.column_stack([np.full(b - a, 5.0) + np.arange(b - a), column[a:b]])
        for a, b in zip(offsets[:-1], offsets[1:], strict=True)
    ]
    codes = _calendar_codes(raw, np.array([10_000, 20_000]), calendar=1)
    assert codes.codes.dtype == np.int32
    np.testing.assert_array_equal(codes.values[codes.codes][:, 0], column)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(2, 9), st.integers(0, 2**16)), min_size=1, max_size=6))
def test_calendar_codes_of_series_that_repeat_the_last_ones_rows_map_back_exactly(series):
    """A series whose calendar rows equal the previous series' reuses its codes; any other
    (same length, other rows; or a repeat of an earlier, not the last) is coded afresh."""
    raw, previous = [], None
    for same, n, seed in series:
        if same and previous is not None:
            cal = previous
        else:
            cal = np.random.default_rng(seed).integers(0, 3, (n, 2)).astype(np.float64)
        raw.append(np.column_stack([np.arange(len(cal), dtype=np.float64) + 1, cal]))
        previous = cal
    codes = _calendar_codes(raw, np.array([len(v) for v in raw]), calendar=2)
    np.testing.assert_array_equal(codes.values[codes.codes], np.concatenate([v[:, 1:] for v in raw]))


def _calendar_codes(raw: list[np.ndarray], train_ends: np.ndarray, calendar: int):
    """The calendar codes ``scale_panel`` makes of series ``raw`` (target first, the last
    ``calendar`` columns calendar ones), unscaled and untransformed."""
    offsets = np.concatenate([[0], np.cumsum([len(v) for v in raw])])
    _, codes, *_ = scale_panel(
        [lambda v=v: v for v in raw],
        [lambda v=v: v[:, 0] for v in raw],
        lambda y: y,
        "none",
        offsets,
        train_ends,
        0,
        np.empty((len(raw), 0), dtype=np.float32),
        calendar=calendar,
    )
    return codes


def _counted_training(monkeypatch) -> tuple[list[int], list[list[int]]]:
    """(one entry per optimiser step, the origins each validation scored) of the fits that
    follow, recorded around training's own ``AdamW.step`` and ``evaluate_loss``."""
    from forecast_cli import training

    steps: list[int] = []
    scored: list[list[int]] = []
    real_step, real_eval = training.AdamW.step, training.evaluate_loss

    def step(self, *args, **kwargs):
        steps.append(1)
        return real_step(self, *args, **kwargs)

    def evaluate(model, data, origins, *args, **kwargs):
        scored.append(origins.tolist())
        return real_eval(model, data, origins, *args, **kwargs)

    monkeypatch.setattr(training.AdamW, "step", step)
    monkeypatch.setattr(training, "evaluate_loss", evaluate)
    return steps, scored


def test_an_epoch_draws_at_most_the_cap_and_validates_on_a_fixed_even_subset(monkeypatch):
    """Above ``EPOCH_WINDOWS`` an epoch is that many windows (steps per epoch = cap / batch),
    and validation scores at most ``VAL_WINDOWS`` windows, the same ones every epoch."""
    from forecast_cli import training

    steps, scored = _counted_training(monkeypatch)
    monkeypatch.setattr(training, "EPOCH_WINDOWS", 48)
    monkeypatch.setattr(training, "VAL_WINDOWS", 10)
    cfg = fast_config(lookback=12, horizon=6)  # batch 64: one step of 48 windows per epoch
    fitted = Forecaster(cfg).fit(prepare_panel(long_panel(), cfg.data))
    assert fitted.metrics_["train_windows"] > 48 and fitted.metrics_["val_windows"] > 10
    assert len(steps) == fitted.metrics_["epochs_run"]  # one step of 48 per epoch
    assert all(len(s) == 10 for s in scored) and all(s == scored[0] for s in scored)


def test_the_order_series_come_in_does_not_change_the_model():
    """A wide file's columns in one order and the same panel written long (ids sorted) gave
    other batches from one seed, and forecasts up to 2.8% apart; windows are now drawn by
    series id. Reversed columns, wide or long: the same numbers for every series."""
    from forecast_cli.config import DataConfig

    rng = np.random.default_rng(5)
    t = np.arange(72)
    names = ["store_2", "store_10", "store_1", "store_3"]  # not sorted, as a wide file may be
    wide = pd.DataFrame({"month": pd.date_range("2015-01-01", periods=72, freq="MS")})
    for k, name in enumerate(names):
        wide[name] = 100 + 20 * k + 10 * np.sin(2 * np.pi * t / 12 + k) + rng.normal(0, 2, 72)
    long = wide.melt(id_vars="month", var_name="store", value_name="sales")
    cfg = fast_config(lookback=12, horizon=6)
    forecasts = []
    for data in (
        prepare_panel(wide, DataConfig(target=",".join(names))),
        prepare_panel(wide[["month", *reversed(names)]], DataConfig(target="store_*")),
        prepare_panel(long, DataConfig(id_col="store")),
    ):
        out = Forecaster(cfg).fit(data).predict()
        forecasts.append(out.iloc[:, 0].sort_index(level=[0, 1]).to_numpy())
    assert forecasts[0].shape == (24,)
    np.testing.assert_array_equal(forecasts[0], forecasts[1])
    np.testing.assert_array_equal(forecasts[0], forecasts[2])


def test_long_windows_cap_an_epoch_by_the_rows_it_reads(monkeypatch):
    """A 5-minute window of two days and one reads 864 rows: 65,536 of them made an epoch
    of 10 series x 6 weeks take 14 s. Past ``WINDOW_ROWS`` rows a window, the caps count
    rows: here windows of 18 rows against 9, so half the windows an epoch and a validation."""
    from forecast_cli import training

    assert training.windows_per_epoch(100_000, 65_536, 128) == 65_536  # short windows: as before
    assert training.windows_per_epoch(100_000, 65_536, 864) == 65_536 * 128 // 864  # 9,709
    assert training.windows_per_epoch(500, 65_536, 864) == 500  # fewer than the cap: all
    steps, scored = _counted_training(monkeypatch)
    monkeypatch.setattr(training, "EPOCH_WINDOWS", 48)
    monkeypatch.setattr(training, "VAL_WINDOWS", 10)
    monkeypatch.setattr(training, "WINDOW_ROWS", 9)
    cfg = fast_config(lookback=12, horizon=6)
    cfg.train.batch_size = 24  # one step of the 24 windows an epoch now draws
    fitted = Forecaster(cfg).fit(prepare_panel(long_panel(), cfg.data))
    assert len(steps) == fitted.metrics_["epochs_run"] and {len(s) for s in scored} == {5}
