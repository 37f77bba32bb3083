"""Mutation-strength tests of the attention β policies (exact factors)."""

from __future__ import annotations

import math

import torch

from isingformer.attention import LogLengthBeta


def test_log_length_scales_query_i_by_log_of_visible_keys():
    """SSMax: with causal attention query i (0-based) sees i + 1 keys, so its
    logits are scaled by s·ln(i + 1)/sqrt(d); without the mask every query
    sees L keys. Default s = 1/ln(ref_len)."""
    L, d, ref = 6, 4, 16
    pol = LogLengthBeta(2, d, ref_len=ref)
    q = torch.ones(1, 2, L, d, dtype=torch.float64)
    qc, _, scale = pol.apply(q, q, causal=True)
    assert scale == 1.0
    want = torch.tensor([math.log(i + 1) for i in range(L)], dtype=torch.float64)
    want = want / math.log(ref) / math.sqrt(d)
    torch.testing.assert_close(qc[0, 0, :, 0], want, rtol=1e-6, atol=1e-12)
    qf, _, _ = pol.apply(q, q, causal=False)
    full = torch.full((L,), math.log(L) / math.log(ref) / math.sqrt(d), dtype=torch.float64)
    torch.testing.assert_close(qf[0, 1, :, 0], full, rtol=1e-6, atol=1e-12)


def test_shared_critical_beta_is_the_median_head():
    """per_head=False: every head gets γ times the median of the measured
    β*_h; with logit spreads 0.5, 1, 2 the β* are ordered, so the median is
    the middle head's (the mean would differ by ~15 %)."""
    from isingformer.attention import make_beta_policy

    torch.manual_seed(0)
    B, H, L, d = 4, 3, 16, 8
    q = torch.randn(B, H, L, d)
    k = torch.randn(B, H, L, d) * torch.tensor([0.5, 1.0, 2.0])[None, :, None, None]
    pol = make_beta_policy(
        "critical", H, d, gamma=0.8, per_head=False, measure_kwargs={"n_boot": 0}
    )
    new = pol.calibrate(q, k)
    star = pol.last_measurement.beta
    assert star[0] > star[1] > star[2]
    assert abs(star.mean().item() - star[1].item()) > 0.05 * star[1].item()  # not vacuous
    torch.testing.assert_close(new, torch.full_like(new, 0.8 * star[1].item()))
