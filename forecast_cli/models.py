"""Recurrent networks: LSTM, GRU and vanilla RNN with a many-to-many or many-to-one head.

- LSTM: forget, input and output gates around a cell state; long memory, most parameters.
- GRU: update and reset gates, no separate cell; lighter, often as accurate.
- RNN: a plain tanh recurrence; kept for comparison, it suffers vanishing and exploding
  gradients (training clips gradients for all three).

Three additions make these networks forecast well and train fast on a CPU:
- *segment-wise recurrence* (as in SegRNN, Lin et al. 2023): the cell reads the lookback in
  non-overlapping patches (24 steps of 4 values instead of 96 steps of 1 value), so the
  sequential part of training is several times shorter; ``--patch 1`` turns it off;
- *level normalisation*: each window's last target value is subtracted from its target
  inputs and added back to the outputs, so the network learns changes from the current
  level and extrapolates past the training range (reversible instance normalisation);
- an *autoregressive highway* (as in LSTNet): a linear map from the lookback's target
  values to the horizon, added to the recurrent head. It starts as the better of the
  naive and seasonal-naive forecasts on the training rows, so an untrained model already
  makes that forecast; training learns the corrections (linear ones in the highway, the
  rest in the recurrent part), as ES-RNN does with its seasonal priors.

Known-future inputs (calendar features, ``--future-features``) are the last
``future_inputs`` columns. The network then reads (batch, lookback + steps, features):
the lookback as always, and those columns over the forecast steps, where a small MLP
shared across steps maps [last hidden state, the step's known-future values] to a
correction of that step (zero at the start, so the baseline still holds). Per step, not
flattened over the horizon, so a shorter forecast needs only its own steps' values and
the recursive strategy reads the next step's. Without such columns nothing changes.

The *spread head* (``spread=True``; every network ``forecast`` trains has one) gives the
uncertainty of each forecast: a linear head on the last hidden state emits the 10% and
90% quantiles per step as the point forecast minus and plus a softplus, so they are
monotone around the point by construction (never sorted afterwards). It is trained with
pinball loss on a *detached* hidden state and clipped apart from the rest, so the point
forecast trains exactly as without it (tested: same predictions without it). Its
quantiles are not trusted as they are: ``intervals`` divides each held-out error by the
predicted 10-90% width and calibrates those ratios conformally, so bands widen where the
network is unsure (a volatile window, a far step) and narrow where it is sure, while the
conformal ranks keep their coverage (normalised conformal prediction, Papadopoulos et
al., 2008; the quantile head makes it conformalised quantile regression in spirit,
Romano et al., 2019).

A series embedding (``id_embedding`` N > 0, off by default) gives each series of a panel
N learned numbers, read beside every recurrent step; the series index arrives as the
last input column and is removed before anything else reads the inputs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

_CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


@dataclass(frozen=True)
class NetworkArgs:
    """Everything needed to rebuild the module from a model file."""

    kind: str
    n_inputs: int
    hidden: int
    layers: int
    dropout: float
    lookback: int
    outputs: int  # horizon for the direct strategy, 1 for recursive
    level_norm: bool = True
    highway: bool = True
    highway_init: str = "naive"  # the baseline the highway starts as (see highway_weights)
    season: int = 1
    patch: int = 1  # lookback steps the cell reads at once (segment-wise recurrence)
    future_inputs: int = 0  # trailing columns known over the forecast steps too
    id_embedding: int = 0  # learned numbers per series (0: none)
    n_series: int = 0  # rows of that embedding
    spread: bool = False  # a 10%/90% quantile head beside the point head (see the module doc)
    profile: int = 0  # long-run seasonal profile columns among the inputs (see season_profile)

    def to_dict(self) -> dict:
        return asdict(self)


class RecurrentNetwork(nn.Module):
    """(batch, lookback, features) -> (batch, outputs), in scaled units."""

    def __init__(self, args: NetworkArgs):
        super().__init__()
        self.args = args
        self.rnn = _CELLS[args.kind](
            input_size=args.n_inputs * args.patch + args.id_embedding,
            hidden_size=args.hidden,
            num_layers=args.layers,
            dropout=args.dropout if args.layers > 1 else 0.0,
            batch_first=True,
        )
        self.dropout = nn.Dropout(args.dropout)
        self.head = nn.Linear(args.hidden, args.outputs)
        self.highway = nn.Linear(args.lookback, args.outputs) if args.highway else None
        if self.highway is not None:
            weights = highway_weights(args.highway_init, args.season, args.lookback, args.outputs)
            with torch.no_grad():
                self.highway.weight.copy_(torch.from_numpy(weights))
                nn.init.zeros_(self.highway.bias)
        self.future = FutureHead(args.hidden, 2 * args.future_inputs) if args.future_inputs else None
        self.embed = nn.Embedding(args.n_series, args.id_embedding) if args.id_embedding else None
        # Created last, so every other weight starts exactly as in a model without it.
        self.spread_head = nn.Linear(args.hidden, 2 * args.outputs) if args.spread else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, lookback, features), or (batch, lookback + steps, features) with
        known-future columns, whose other columns over the steps are never read."""
        return self._point(x)[0]

    def forward_quantiles(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(point, q10, q90), each (batch, steps); q10 <= point <= q90 by construction."""
        y, hidden = self._point(x)
        assert self.spread_head is not None, "built without a spread head"
        gaps = nn.functional.softplus(self.spread_head(hidden.detach()))  # (batch, 2 * outputs)
        below, above = gaps.chunk(2, dim=1)  # (batch, outputs) each
        steps = y.shape[1]  # fewer than outputs when known-future values cover fewer steps
        centre = y.detach()  # the pinball loss must not move the point forecast
        return y, centre - below[:, :steps], centre + above[:, :steps]

    def _point(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(point forecasts (batch, steps), last hidden state (batch, hidden))."""
        ahead, series = None, None
        if self.embed is not None:
            series = self.embed(x[:, 0, -1].round().long())  # (batch, id_embedding)
            x = x[..., :-1]  # (batch, rows, features)
        if self.future is not None:
            lookback = self.args.lookback
            k = self.args.future_inputs
            ahead = x[:, lookback:, -k:]  # (batch, steps, k)
            ahead = torch.cat(
                [ahead, ahead - x[:, lookback - 1 : lookback, -k:]], dim=-1
            )  # (batch, steps, 2k)
            x = x[:, :lookback]  # (batch, lookback, features)
        target = x[..., 0]  # (batch, lookback)
        if self.args.level_norm:
            level = target[:, -1:]  # (batch, 1)
            target = target - level
            x = torch.cat([target.unsqueeze(-1), x[..., 1:]], dim=-1)  # (batch, lookback, features)
        if self.args.patch > 1:
            x = to_patches(x, self.args.patch)  # (batch, ceil(lookback / patch), patch * features)
        if series is not None:
            x = torch.cat(
                [x, series.unsqueeze(1).expand(-1, x.shape[1], -1)], dim=-1
            )  # (batch, steps, in + N)
        out, _ = self.rnn(x)  # (batch, steps, hidden)
        y = self.head(self.dropout(out[:, -1]))  # (batch, outputs)
        if self.highway is not None:
            y = y + self.highway(target)  # (batch, outputs)
        if self.future is not None and ahead is not None:
            steps = min(ahead.shape[1], y.shape[1])
            y = y[:, :steps] + self.future(out[:, -1], ahead[:, :steps])  # (batch, steps)
        if self.args.level_norm:
            y = y + level
        return y, out[:, -1]


class FutureHead(nn.Module):
    """Per-step correction from known-future values: (batch, hidden), (batch, steps, k) ->
    (batch, steps). One MLP shared by all steps; its last layer starts at zero."""

    def __init__(self, hidden: int, inputs: int, width: int = 32):
        super().__init__()
        self.inner = nn.Linear(hidden + inputs, width)
        self.out = nn.Linear(width, 1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, state: torch.Tensor, ahead: torch.Tensor) -> torch.Tensor:
        steps = ahead.shape[1]
        both = torch.cat(
            [state.unsqueeze(1).expand(-1, steps, -1), ahead], dim=-1
        )  # (batch, steps, hidden + k)
        return self.out(torch.relu(self.inner(both)))[..., 0]  # (batch, steps)


def to_patches(x: torch.Tensor, patch: int) -> torch.Tensor:
    """(batch, lookback, features) -> (batch, steps, patch * features), non-overlapping segments
    in time order; the oldest segment is zero-padded in front when lookback % patch != 0."""
    batch, lookback, features = x.shape
    pad = (-lookback) % patch
    if pad:
        x = torch.cat([x.new_zeros(batch, pad, features), x], dim=1)  # (batch, lookback + pad, features)
    return x.reshape(batch, (lookback + pad) // patch, patch * features)


HIGHWAY_INITS = ("naive", "seasonal", "seasonal_drift")


def highway_weights(kind: str, season: int, lookback: int, horizon: int) -> np.ndarray:
    """(horizon, lookback) weights that make the highway a baseline on level-normalised inputs.

    With inputs x relative to the last value (x[L-1] = 0) and the level added back:
    - ``naive``: all zeros, f_h = y_last;
    - ``seasonal``: f_h = y[L - m + (h mod m)], the value one season before step h;
    - ``seasonal_drift``: seasonal plus (h div m + 1) times the change between the means of
      the last two seasons (needs L >= 2m): seasonality with a trend.
    Kinds that need more lookback than there is fall back to the next simpler one.
    """
    w = np.zeros((horizon, lookback), dtype=np.float32)
    m = season
    if kind == "naive" or m <= 1 or m > lookback:
        return w
    for h in range(horizon):
        w[h, lookback - m + (h % m)] = 1.0
        if kind == "seasonal_drift" and 2 * m <= lookback:
            k = h // m + 1
            w[h, lookback - m :] += k / m
            w[h, lookback - 2 * m : lookback - m] -= k / m
    return w


def build_network(args: NetworkArgs) -> RecurrentNetwork:
    return RecurrentNetwork(args)


SPREAD_PROBS = (0.1, 0.9)  # the quantiles the spread head emits


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def settle_untrained_embeddings(network: nn.Module, trained: np.ndarray) -> int:
    """Give every series no training window reached (``trained`` False: a series shorter
    than a window, or one a backtest keeps from the weights) the mean embedding of the
    series that trained; returns how many. Its own row was never updated, so it held its
    random start, and its forecasts and bands read noise (a retrain on other values of that
    series gave bit-identical weights). The mean is the embedding of a typical series,
    which is what the network can say of a series it never learned."""
    embed = getattr(network, "embed", None)
    untrained = ~np.asarray(trained, dtype=bool)
    if embed is None or untrained.all() or not untrained.any():
        return 0
    rows = torch.as_tensor(untrained)
    with torch.no_grad():
        embed.weight[rows] = embed.weight[~rows].mean(dim=0)  # (untrained, id_embedding)
    return int(untrained.sum())
