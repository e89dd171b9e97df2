"""A moving average of the network's weights: the model that is validated and kept.

Why: the weights after any one optimiser step are one noisy point of the region the
optimiser wanders in; their exponential moving average (Polyak and Juditsky's averaging;
stochastic weight averaging is its cousin) sits nearer the middle of that region, so its
forecasts vary less from seed to seed and generalise better. Measured on the M1 panels
(benchmarks/RESULTS.md, "Weight averaging", medians of three seeds, MASE): quarterly
1.722 -> 1.668 with the seed spread cut from 1.681-1.730 to 1.660-1.684, monthly 1.072 ->
1.064, and the GRU likewise; level on a second quarterly panel; on the single series
seven of eight backtests better, one 1.8% worse.

Why the average alone competes. Scoring the live weights beside the average and keeping
whichever validated best was tried first: on M1 quarterly it kept a live snapshot every
time and no figure moved, because the lowest of many noisy validation losses is nearly
always a snapshot that happened to fit the last rows, and that selection is what the
average is there to avoid. So validation, early stopping and the weights kept all see
the average (and the initial, baseline weights before any step, as before). It costs one
multiply-add per weight per step and nothing at prediction; the model file holds one
network as before.

The average is of the steps taken only, not of the initial weights: like Adam's moments
it starts at zero and is divided by 1 - decay**steps (the weights it has given), so after
a few steps it is their weighted mean rather than mostly the untrained start. The
initial weights compete on their own (epoch 0 in ``training``).

Half-life: ``HALF_LIFE_EPOCHS`` epochs' worth of steps, so the average spans the same
share of training on a panel of 800 windows an epoch and on one of 800,000; 1, 3 and 6
epochs gave the same accuracy on M1 quarterly (MASE 1.671, 1.667, 1.662, measured before
the division above, which moved 3 epochs to 1.668). Setting it to 0
keeps the live weights (decay 0: the average is the last step, exactly).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import torch

HALF_LIFE_EPOCHS = 3.0


class WeightAverage:
    """Exponential moving average of ``params`` over the steps taken; ``update`` after each."""

    def __init__(self, params: Sequence[torch.Tensor], half_life_steps: float):
        self.params = list(params)
        # After k updates a step's weight has shrunk by decay**k: halved at the half-life.
        self.decay = 0.5 ** (1.0 / half_life_steps) if half_life_steps > 0 else 0.0
        self.steps = 0
        self._sums = [torch.zeros_like(p) for p in self.params]  # decay-weighted, not yet divided

    @torch.no_grad()
    def update(self) -> None:
        """sums <- decay * sums + (1 - decay) * live."""
        self.steps += 1
        for acc, p in zip(self._sums, self.params, strict=True):
            acc.mul_(self.decay).add_(p.detach(), alpha=1.0 - self.decay)

    @property
    def average(self) -> list[torch.Tensor]:
        """The weighted mean of the live weights after each step so far (the live weights
        themselves before any step)."""
        if self.steps == 0:
            return [p.detach().clone() for p in self.params]
        given = 1.0 - self.decay**self.steps  # the total weight the steps have received
        return [acc / given for acc in self._sums]

    @contextmanager
    def swapped_in(self) -> Iterator[None]:
        """Inside the block the parameters hold the average; the live weights come back after,
        bit for bit, so training goes on exactly as if it had never looked."""
        with torch.no_grad():
            live = [p.detach().clone() for p in self.params]
            for p, avg in zip(self.params, self.average, strict=True):
                p.copy_(avg)
        try:
            yield
        finally:
            with torch.no_grad():
                for p, saved in zip(self.params, live, strict=True):
                    p.copy_(saved)
