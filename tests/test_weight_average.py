"""The moving average of the weights: its arithmetic, the swap, and that training keeps it."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from forecast_cli import optim, training
from forecast_cli.config import TrainConfig
from forecast_cli.models import NetworkArgs, RecurrentNetwork
from forecast_cli.training import _loss_fn, evaluate_loss, train_network
from forecast_cli.weight_average import HALF_LIFE_EPOCHS, WeightAverage
from forecast_cli.window_batches import WindowBatches
from forecast_cli.windows import window_origins


def test_the_average_weighs_the_steps_taken_by_their_age_by_hand():
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    avg = WeightAverage([p], half_life_steps=1)  # decay 0.5: each older step counts half
    assert avg.average[0].tolist() == [1.0, 2.0]  # before any step: the live weights
    with torch.no_grad():
        p.copy_(torch.tensor([3.0, 6.0]))
    avg.update()
    assert avg.average[0].tolist() == [3.0, 6.0]  # the one step taken, not the initial weights
    with torch.no_grad():
        p.copy_(torch.tensor([6.0, 12.0]))
    avg.update()
    # weights 0.5 and 1 on the two steps: (0.5 * 3 + 6) / 1.5 = 5
    torch.testing.assert_close(avg.average[0], torch.tensor([5.0, 10.0]))
    # a half-life of k steps: a weight seen k updates ago counts half as much as it did then
    assert WeightAverage([p], half_life_steps=7).decay ** 7 == pytest.approx(0.5)
    off = WeightAverage([p], half_life_steps=0)  # no averaging: the live weights, exactly
    with torch.no_grad():
        p.copy_(torch.tensor([0.1, 1e-7]))
    off.update()
    assert torch.equal(off.average[0], p.detach())


def test_swap_shows_the_average_and_restores_the_live_weights_bit_for_bit():
    net = torch.nn.Linear(3, 2)
    live = [q.detach().clone() for q in net.parameters()]
    avg = WeightAverage(list(net.parameters()), half_life_steps=2)
    with torch.no_grad():
        for q in avg.average:
            q.add_(1.0)
    with pytest.raises(RuntimeError), avg.swapped_in():
        for q, a in zip(net.parameters(), avg.average, strict=True):
            assert torch.equal(q, a)
        raise RuntimeError("the live weights come back even when the block fails")
    for q, saved in zip(net.parameters(), live, strict=True):
        assert torch.equal(q, saved)


def test_training_keeps_the_average_of_the_best_epoch_not_the_live_weights(monkeypatch):
    """Replays the optimiser's steps: the model returned is the age-weighted mean of the live
    weights after each step up to the best epoch's last, computed here from every iterate
    (the initial weights take no part), not the live weights themselves."""
    rng = np.random.default_rng(0)
    t = np.arange(240)
    series = (np.sin(2 * np.pi * t / 12) + 0.3 * rng.standard_normal(240)).astype(np.float32)[:, None]
    lookback, horizon = 12, 3
    train = window_origins(200, lookback, horizon)
    val = np.arange(200, 240 - horizon + 1)
    model = RecurrentNetwork(NetworkArgs("gru", 1, 8, 1, 0.0, lookback=lookback, outputs=horizon))
    initial = [p.detach().clone() for p in model.parameters()]
    iterates: list[list[torch.Tensor]] = []
    step = optim.AdamW.step

    def recording_step(self):
        step(self)
        iterates.append([p.detach().clone() for p in self.params])

    monkeypatch.setattr(optim.AdamW, "step", recording_step)
    cfg = TrainConfig(epochs=6, patience=10, batch_size=32, seed=0, lr=0.01)
    result = train_network(model, series, train, val, lookback, horizon, cfg)
    steps = math.ceil(len(train) / 32)
    assert len(iterates) == 6 * steps
    assert result.best_epoch > 0, "the fixture must train past the initial weights"
    decay = 0.5 ** (1 / (HALF_LIFE_EPOCHS * steps))
    taken = iterates[: result.best_epoch * steps]
    ages = torch.arange(len(taken) - 1, -1, -1, dtype=torch.float64)  # newest step: age 0
    w = decay**ages  # (steps taken,)
    average = [
        (sum(wk * live[i].double() for wk, live in zip(w, taken, strict=True)) / w.sum()).float()
        for i in range(len(initial))
    ]
    kept = [p.detach() for p in model.parameters()]
    for k, a in zip(kept, average, strict=True):
        torch.testing.assert_close(k, a, rtol=1e-5, atol=1e-6)
    last_live = iterates[result.best_epoch * steps - 1]
    assert any(not torch.allclose(k, p, atol=1e-4) for k, p in zip(kept, last_live, strict=True))
    # the loss reported is the kept model's
    data = WindowBatches(torch.as_tensor(series), lookback, horizon)
    loss = evaluate_loss(model, data, torch.as_tensor(val, dtype=torch.int32), _loss_fn(cfg.loss))
    assert loss == pytest.approx(result.val_loss, rel=1e-6)


def test_when_no_epoch_beats_the_initial_weights_the_model_is_its_baseline():
    """Nothing can improve (lr 0): the initial weights win, and the model kept forecasts the
    highway's baseline exactly (naive: the last value), not that plus the head's random
    initial correction; a model whose training improves keeps its trained head."""
    rng = np.random.default_rng(1)
    series = np.cumsum(rng.standard_normal(200)).astype(np.float32)[:, None]
    lookback, horizon = 8, 4
    train = window_origins(160, lookback, horizon)
    val = np.arange(160, 200 - horizon + 1)
    x = torch.as_tensor(series[None, 150:158])  # (1, lookback, 1)
    for lr, untrained in ((0.0, True), (0.01, False)):
        torch.manual_seed(0)
        model = RecurrentNetwork(NetworkArgs("gru", 1, 8, 1, 0.0, lookback=lookback, outputs=horizon))
        assert model(x).detach().numpy().tolist()[0] != [float(series[157, 0])] * horizon  # head's noise
        cfg = TrainConfig(epochs=3, patience=10, batch_size=32, seed=0, lr=lr)
        result = train_network(model, series, train, val, lookback, horizon, cfg)
        assert (result.best_epoch == 0) == untrained
        assert result.kept_baseline == untrained
        naive = np.full(horizon, series[157, 0])
        assert np.array_equal(model(x).detach().numpy()[0], naive) == untrained


def test_training_stops_after_patience_epochs_without_a_better_validation_loss(monkeypatch):
    """Validation losses 1.0 (untrained), 0.5, then 0.6, 0.7, ...: the best is epoch 1, and
    --patience 2 stops after epochs 2 and 3 fail to beat it: 3 of 10 epochs run."""
    losses = iter([1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5])
    monkeypatch.setattr(training, "evaluate_loss", lambda *a, **k: next(losses))
    rng = np.random.default_rng(0)
    series = rng.standard_normal(120).astype(np.float32)[:, None]
    model = RecurrentNetwork(NetworkArgs("gru", 1, 8, 1, 0.0, lookback=12, outputs=3))
    cfg = TrainConfig(epochs=10, patience=2, batch_size=32, seed=0)
    result = train_network(model, series, window_origins(100, 12, 3), np.arange(100, 118), 12, 3, cfg)
    assert (result.best_epoch, result.epochs_run, result.stopped_early) == (1, 3, True)
