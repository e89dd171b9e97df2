"""Our AdamW matches torch.optim.AdamW step for step; clipping bounds the gradient norm."""

from __future__ import annotations

import torch
from torch import nn

from forecast_cli.optim import AdamW, clip_grad_norm, one_cycle


def test_adamw_matches_torch_step_for_step():
    torch.manual_seed(0)
    ours_net = nn.LSTM(2, 6, batch_first=True)
    ref_net = nn.LSTM(2, 6, batch_first=True)
    ref_net.load_state_dict(ours_net.state_dict())
    ours = AdamW(ours_net.parameters(), lr=1e-2, weight_decay=0.1)
    ref = torch.optim.AdamW(ref_net.parameters(), lr=1e-2, weight_decay=0.1)
    x = torch.randn(8, 5, 2)
    for _ in range(5):
        for net, opt in ((ours_net, ours), (ref_net, ref)):
            opt.zero_grad()
            net(x)[0].pow(2).mean().backward()
            opt.step()
    for a, b in zip(ours_net.parameters(), ref_net.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_clipping_bounds_the_global_norm():
    params = [nn.Parameter(torch.zeros(3)), nn.Parameter(torch.zeros(4))]
    params[0].grad, params[1].grad = torch.full((3,), 10.0), torch.full((4,), -10.0)
    clip_grad_norm(params, 1.0)
    total = torch.linalg.vector_norm(torch.cat([p.grad for p in params]))
    assert abs(float(total) - 1.0) < 1e-4
    params[0].grad, params[1].grad = torch.full((3,), 0.01), torch.full((4,), 0.01)
    clip_grad_norm(params, 1.0)
    assert torch.equal(params[0].grad, torch.full((3,), 0.01))  # small gradients pass unchanged


def test_one_cycle_warms_up_then_decays():
    factor = one_cycle(100)
    assert factor(0) == 0.04 and factor(25) == 1.0
    assert factor(99) < 0.01 and factor(60) < factor(40)
    assert one_cycle(1)(0) == 0.04  # a single step works
