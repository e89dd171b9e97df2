"""Recurrent networks: LSTM, GRU and vanilla RNN with a many-to-many or many-to-one head.

- LSTM: forget, input and output gates around a cell state; long memory, most parameters.
- GRU: update and reset gates, no separate cell; lighter, often as accurate.
- RNN: a plain tanh recurrence; kept for comparison, it suffers vanishing and exploding
  gradients (training clips gradients for all three).

Two additions make these networks forecast well on small and trending series:
- *level normalisation*: each window's last target value is subtracted from its target
  inputs and added back to the outputs, so the network learns changes from the current
  level and extrapolates past the training range (reversible instance normalisation);
- an *autoregressive highway* (as in LSTNet): a linear map from the lookback's target
  values to the horizon, added to the recurrent head. It starts at zero, so an untrained
  model forecasts the last value (the naive forecast), and it can learn seasonal
  repetition directly, leaving the recurrent part to learn what is not linear.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

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

    def to_dict(self) -> dict:
        return asdict(self)


class RecurrentNetwork(nn.Module):
    """(batch, lookback, features) -> (batch, outputs), in scaled units."""

    def __init__(self, args: NetworkArgs):
        super().__init__()
        self.args = args
        self.rnn = _CELLS[args.kind](
            input_size=args.n_inputs,
            hidden_size=args.hidden,
            num_layers=args.layers,
            dropout=args.dropout if args.layers > 1 else 0.0,
            batch_first=True,
        )
        self.dropout = nn.Dropout(args.dropout)
        self.head = nn.Linear(args.hidden, args.outputs)
        self.highway = nn.Linear(args.lookback, args.outputs) if args.highway else None
        if self.highway is not None:
            nn.init.zeros_(self.highway.weight)
            nn.init.zeros_(self.highway.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        target = x[..., 0]  # (batch, lookback)
        if self.args.level_norm:
            level = target[:, -1:]  # (batch, 1)
            target = target - level
            x = torch.cat([target.unsqueeze(-1), x[..., 1:]], dim=-1)  # (batch, lookback, features)
        out, _ = self.rnn(x)  # (batch, lookback, hidden)
        y = self.head(self.dropout(out[:, -1]))  # (batch, outputs)
        if self.highway is not None:
            y = y + self.highway(target)  # (batch, outputs)
        if self.args.level_norm:
            y = y + level
        return y


def build_network(args: NetworkArgs) -> RecurrentNetwork:
    return RecurrentNetwork(args)


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
