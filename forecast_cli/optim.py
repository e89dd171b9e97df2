"""AdamW with a one-cycle learning rate, small enough to read and quick to start.

Why not ``torch.optim.AdamW``: building any ``torch.optim`` optimiser imports
``torch._dynamo`` (about 1.2 s on a 2-core machine), which is most of the wall time of
training a small forecaster from the command line. This is the same decoupled-weight-decay
Adam (Loshchilov & Hutter, 2019), using torch's multi-tensor ``_foreach`` kernels;
``tests/test_optim.py`` checks it step for step against ``torch.optim.AdamW``.

    m_t = b1 m + (1 - b1) g          v_t = b2 v + (1 - b2) g^2
    p  <- p (1 - lr wd) - lr (m_t / (1 - b1^t)) / (sqrt(v_t / (1 - b2^t)) + eps)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import torch


class AdamW:
    def __init__(
        self,
        params: Iterable[torch.nn.Parameter],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        schedule: Callable[[int], float] | None = None,
    ):
        self.params = [p for p in params if p.requires_grad]
        self.base_lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay
        self.schedule = schedule or (lambda step: 1.0)
        self.exp_avg = [torch.zeros_like(p) for p in self.params]
        self.exp_avg_sq = [torch.zeros_like(p) for p in self.params]
        self.steps = 0

    @property
    def lr(self) -> float:
        """The learning rate the next step uses: base rate times the schedule's factor."""
        return self.base_lr * self.schedule(self.steps)

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        pairs = [
            (p, m, v)
            for p, m, v in zip(self.params, self.exp_avg, self.exp_avg_sq, strict=True)
            if p.grad is not None
        ]
        if not pairs:
            return
        params, avgs, sqs = (list(t) for t in zip(*pairs, strict=True))
        grads = [p.grad for p in params]
        lr = self.lr
        self.steps += 1
        b1, b2 = self.betas
        torch._foreach_mul_(params, 1.0 - lr * self.weight_decay)
        torch._foreach_lerp_(avgs, grads, 1.0 - b1)
        torch._foreach_mul_(sqs, b2)
        torch._foreach_addcmul_(sqs, grads, grads, 1.0 - b2)
        bias1 = 1.0 - b1**self.steps
        bias2_sqrt = math.sqrt(1.0 - b2**self.steps)
        denom = torch._foreach_sqrt(sqs)
        torch._foreach_div_(denom, bias2_sqrt)
        torch._foreach_add_(denom, self.eps)
        torch._foreach_addcdiv_(params, avgs, denom, -lr / bias1)


def one_cycle(total_steps: int, warmup: float = 0.25) -> Callable[[int], float]:
    """Learning-rate factor: linear warm-up from 4% to 100% over the first quarter of the
    steps, then cosine decay to 0.1%. Works for any number of steps, even one."""
    warm = max(1, int(total_steps * warmup))

    def factor(step: int) -> float:
        if step < warm:
            return 0.04 + 0.96 * step / warm
        progress = min(1.0, (step - warm) / max(1, total_steps - warm))
        return 1e-3 + (1 - 1e-3) * 0.5 * (1.0 + math.cos(math.pi * progress))

    return factor


def clip_grad_norm(params: list[torch.nn.Parameter], max_norm: float) -> None:
    """Scale gradients so their global L2 norm is at most ``max_norm`` (exploding-gradient guard)."""
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return
    total = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
    scale = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    torch._foreach_mul_(grads, scale)
