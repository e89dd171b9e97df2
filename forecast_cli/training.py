"""The training loop: AdamW, one-cycle learning rate, gradient clipping, early stopping
on a moving average of the weights, which is the model kept (``weight_average`` says why).

The optimiser lives in ``optim`` (a lean AdamW that avoids torch.optim's slow first import).

Kept lean for the CPU: the scaled series lives in one tensor, each batch is gathered by
window origin (``window_batches``: no window is materialised ahead of time), validation
is one batched pass per epoch, and the best averaged weights are restored at the end.

An epoch draws at most ``EPOCH_WINDOWS`` training windows and validates on at most
``VAL_WINDOWS`` (evenly spaced, the same every epoch), fewer where a window reads more
than ``WINDOW_ROWS`` rows (``windows_per_epoch``). Windows of one series overlap
almost entirely, so past some tens of thousands a full pass repeats what the network has
seen, and a panel of 300 daily series x 700 days (168,000 windows) ran its 60 epochs in
267 s. With the caps an epoch costs the same on any larger panel, so training time is
bounded by the epoch limit, as neuralforecast bounds it by steps. Every sample set and
both M1 panels are under the caps and train exactly as before (M1 monthly, the largest:
25,982 training and 8,421 validation windows).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from . import weight_average
from .config import TrainConfig
from .models import SPREAD_PROBS
from .optim import AdamW, clip_grad_norm, one_cycle
from .panel_arrays import CalendarCodes
from .window_batches import WindowBatches
from .windows import evenly_spaced

EPOCH_WINDOWS = 65_536  # training windows drawn per epoch, at most (see the module docstring)
VAL_WINDOWS = 32_768  # validation windows scored per epoch, at most, evenly spaced
# The same caps counted in rows a window reads (lookback + horizon), for windows longer than
# 128 rows: a 5-minute window of two days and one reads 864, and 65,536 of them made an epoch
# of 10 series x 6 weeks take 14 s (a fit over 300 s); windows of 128 rows or fewer (every
# daily, weekly or coarser default, and every sample set's fit) are bound by the window caps alone.
WINDOW_ROWS = 128


def windows_per_epoch(available: int, cap: int, window_rows: int) -> int:
    """How many of ``available`` windows an epoch reads: at most ``cap``, and at most as many
    as ``cap`` windows of ``WINDOW_ROWS`` rows hold (at least one)."""
    return max(1, min(available, cap, cap * WINDOW_ROWS // max(window_rows, 1)))


@dataclass
class EpochReport:
    """One epoch for the progress bar: ``train_loss`` is the live weights' mean loss over the
    epoch's batches, ``val_loss`` the weight average's on the validation windows (the model
    that would be kept; see ``weight_average``)."""

    epoch: int
    epochs: int
    train_loss: float
    val_loss: float
    best_val_loss: float
    seconds: float


@dataclass
class TrainResult:
    """``best_epoch``: the epoch whose weight average was kept (0: the initial weights);
    ``kept_baseline``: no epoch beat the initial weights, so the network forecasts the
    highway's baseline alone (``_baseline_only``); ``history``: (train, validation) loss
    per epoch, measured as in ``EpochReport``."""

    best_epoch: int
    epochs_run: int
    train_loss: float
    val_loss: float
    seconds: float
    stopped_early: bool
    kept_baseline: bool = False
    history: list[tuple[float, float]] = field(default_factory=list)


def seed_everything(seed: int) -> None:
    """Seed python, numpy and torch so the same data and seed give the same model."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        from .errors import UsageError

        raise UsageError("--device cuda was asked for but no CUDA GPU is available; use --device cpu")
    return torch.device(name)


def _loss_fn(name: str) -> nn.Module:
    return {"mse": nn.MSELoss, "mae": nn.L1Loss, "huber": nn.HuberLoss}[name](reduction="none")


def train_network(
    model: nn.Module,
    series: np.ndarray,
    train_origins: np.ndarray,
    val_origins: np.ndarray,
    lookback: int,
    horizon: int,
    cfg: TrainConfig,
    on_epoch: Callable[[EpochReport], None] | None = None,
    bounds: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    loss_weights: np.ndarray | None = None,
    future_cols: int = 0,
    calendar: CalendarCodes | None = None,
    drift_rows: int = 0,
    drift_horizon: int = 0,
    profile: tuple[int, int] = (1, 0),
) -> TrainResult:
    """Fit ``model`` on windows of the scaled ``series`` (rows, features); restore the averaged
    weights (``weight_average``) of the lowest validation loss, or the initial ones if none beat them.

    ``bounds`` (series + 1,): where each stacked series starts, then the total rows, for
    panels (validation windows are scored only on their own series' steps). ``weights``
    (train windows,): sampling weights; each epoch then draws as many windows as there
    are (at most ``EPOCH_WINDOWS``), with replacement, in proportion to them. Without
    weights an epoch is a permutation (its first ``EPOCH_WINDOWS``).
    ``loss_weights`` (series,): how much each series' errors count (see
    ``panel_weights.series_loss_weights``); training and validation losses both use them, so
    early stopping judges what training optimises.
    ``future_cols``: trailing columns known over the horizon (see ``WindowBatches``).
    ``calendar``: calendar input columns kept as codes beside ``series`` (see panel_arrays).
    ``drift_rows``/``drift_horizon``: the long-run drift input (see ``drift``; 0: none).
    ``profile``: (season, columns) of the seasonal profile input (see ``season_profile``).
    ``cfg.batch_size`` is the plan's (``plan_choices.choose_batch_size``): training decides no default.
    """
    if cfg.batch_size is None:
        raise ValueError("train_network needs a batch size: the plan's (Plan.batch_size)")
    seed_everything(cfg.seed)
    device = resolve_device(cfg.device)
    model.to(device)
    edges = None if bounds is None else torch.as_tensor(bounds, dtype=torch.int64, device=device)
    data = WindowBatches(
        torch.as_tensor(series, dtype=torch.float32, device=device),
        lookback,
        horizon,
        edges,
        future_cols,
        None if calendar is None else calendar.to_torch(device),
        drift_rows,
        drift_horizon,
        profile,
    )
    draw = None if weights is None else torch.as_tensor(weights, dtype=torch.float64)
    series_w = (  # per series
        None if loss_weights is None else torch.as_tensor(loss_weights, dtype=torch.float32, device=device)
    )
    # int32 origins: 4 bytes per window, half of int64, on million-window series
    train_idx = torch.as_tensor(train_origins, dtype=torch.int32, device=device)
    val_idx = torch.as_tensor(
        val_origins[
            evenly_spaced(
                len(val_origins), windows_per_epoch(len(val_origins), VAL_WINDOWS, lookback + horizon)
            )
        ],
        dtype=torch.int32,
        device=device,
    )
    loss_fn = _loss_fn(cfg.loss)
    drawn = windows_per_epoch(len(train_idx), EPOCH_WINDOWS, lookback + horizon)  # windows per epoch
    batch = min(cfg.batch_size, drawn)
    steps = (drawn + batch - 1) // batch
    opt = AdamW(
        model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay, schedule=one_cycle(cfg.epochs * steps)
    )
    gen = torch.Generator(device="cpu").manual_seed(cfg.seed)
    # The spread head (models.py) trains on pinball loss beside the point forecast; its
    # gradients never reach the rest and are clipped on their own, so the point forecast
    # trains exactly as without it.
    spread = getattr(model, "spread_head", None)
    spread_params = [] if spread is None else list(spread.parameters())
    point_params = [p for p in opt.params if all(p is not q for q in spread_params)]
    best_val, best_epoch, best_state, bad_epochs = float("inf"), 0, None, 0
    average = weight_average.WeightAverage(opt.params, weight_average.HALF_LIFE_EPOCHS * steps)
    history: list[tuple[float, float]] = []
    start = time.perf_counter()
    # The initial weights compete too: the highway's baseline plus the head's small random
    # correction (the head is not zeroed). A training that cannot improve on them keeps the
    # baseline alone (``_baseline_only``).
    best_val = evaluate_loss(model, data, val_idx, loss_fn, series_w)
    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    epoch = 0
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        if draw is None:
            pick = torch.randperm(len(train_idx), generator=gen, dtype=torch.int32)[:drawn]
        else:
            pick = torch.multinomial(draw, drawn, replacement=True, generator=gen)
        order = train_idx[pick.to(device)]
        total = torch.zeros((), device=device)
        for b in range(steps):
            chunk = order[b * batch : (b + 1) * batch]
            x, y, _ = data.get(chunk)
            w = None if series_w is None else series_w[data.series_of(chunk)]  # (batch,)
            if spread is None:
                loss = _weighted(loss_fn(model(x), y), w)
                extra = None
            else:
                point, q_lo, q_hi = model.forward_quantiles(x)  # type: ignore[operator]  # (batch, outputs) each
                loss = _weighted(loss_fn(point, y), w)
                extra = _weighted(
                    pinball_loss(y, q_lo, SPREAD_PROBS[0]) + pinball_loss(y, q_hi, SPREAD_PROBS[1]), w
                )
            opt.zero_grad()
            (loss if extra is None else loss + extra).backward()
            if cfg.clip > 0:
                clip_grad_norm(point_params, cfg.clip)
                if spread_params:
                    clip_grad_norm(spread_params, cfg.clip)
            opt.step()
            average.update()
            total += loss.detach()
        train_loss = float(total) / steps
        with average.swapped_in():
            val_loss = evaluate_loss(model, data, val_idx, loss_fn, series_w)
            if val_loss < best_val - 1e-9:
                best_val, best_epoch, bad_epochs = val_loss, epoch, 0
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                bad_epochs += 1
        history.append((train_loss, val_loss))
        if on_epoch is not None:
            on_epoch(
                EpochReport(epoch, cfg.epochs, train_loss, val_loss, best_val, time.perf_counter() - start)
            )
        if bad_epochs >= cfg.patience:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    kept_baseline = best_epoch == 0 and _baseline_only(model)
    if kept_baseline:
        best_val = evaluate_loss(model, data, val_idx, loss_fn, series_w)  # what is kept, scored
    model.eval()
    return TrainResult(
        best_epoch=best_epoch,
        epochs_run=epoch,
        train_loss=history[best_epoch - 1][0] if best_epoch else float("nan"),  # epoch 0: untrained
        val_loss=best_val,
        seconds=time.perf_counter() - start,
        stopped_early=epoch < cfg.epochs,
        kept_baseline=kept_baseline,
        history=history,
    )


def _baseline_only(model: nn.Module) -> bool:
    """No epoch beat the initial weights: keep the baseline they start from (the highway's
    naive, seasonal or seasonal-with-drift forecast, ``models.highway_weights``) without the
    recurrent head's random initial correction, which is noise around it. False when there
    is no highway to keep."""
    head, highway = getattr(model, "head", None), getattr(model, "highway", None)
    if head is None or highway is None:
        return False
    with torch.no_grad():
        head.weight.zero_()
        head.bias.zero_()
    return True


def _weighted(errors: torch.Tensor, w: torch.Tensor | None) -> torch.Tensor:
    """Mean of (batch, outputs) errors, each window weighted by ``w`` (batch,) when given."""
    return errors.mean() if w is None else (errors.mean(dim=1) * w).mean()


def pinball_loss(y: torch.Tensor, q: torch.Tensor, prob: float) -> torch.Tensor:
    """Elementwise pinball (quantile) loss of forecasts ``q`` at probability ``prob``."""
    diff = y - q
    return torch.maximum(prob * diff, (prob - 1.0) * diff)


@torch.inference_mode()
def evaluate_loss(
    model: nn.Module,
    data: WindowBatches,
    origins: torch.Tensor,
    loss_fn: nn.Module,
    series_w: torch.Tensor | None = None,
) -> float:
    """Mean loss over the existing steps of every window (weighted by ``series_w`` of the
    window's series when given), in one batched pass per 1024 windows (a pass holds
    about 7 KB per window; 4096 cost 28 MB more on a 5,000-series panel, for no speed)."""
    was_training = model.training
    model.eval()
    total, count = 0.0, 0.0
    for chunk in origins.split(1024):
        x, y, mask = data.get(chunk)
        if series_w is not None:
            mask = mask * series_w[data.series_of(chunk)][:, None]  # (batch, horizon)
        losses = loss_fn(model(x)[:, : y.shape[1]], y) * mask
        total += float(losses.sum())
        count += float(mask.sum())
    model.train(was_training)
    return total / max(count, 1.0)
