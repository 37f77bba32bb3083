"""Geometry of the Poincaré ball: closed forms in float64, the κ → 0 limit,
gradcheck, and finiteness at the boundary."""

from __future__ import annotations

import math

import pytest
import torch

from isingformer.attention.hyperbolic import (
    einstein_midpoint,
    expmap0,
    logmap0,
    mobius_add,
    poincare_distance,
    tangent_distance,
)
from isingformer.errors import InputError

f64 = torch.float64


def _pts(n, d, seed, scale=0.5):
    g = torch.Generator().manual_seed(seed)
    return scale * torch.randn(n, d, dtype=f64, generator=g)


@pytest.mark.parametrize("kappa", [-0.1, -1.0, -3.0])
def test_tangent_distance_matches_ball_and_mobius_forms(kappa):
    u, v = _pts(6, 5, 0), _pts(7, 5, 1)
    d = tangent_distance(u, v, kappa)  # [6, 7]
    x, y = expmap0(u, kappa)[:, None], expmap0(v, kappa)[None]
    s = math.sqrt(-kappa)
    mob = 2 / s * torch.atanh(s * mobius_add(-x, y, kappa).norm(dim=-1))
    torch.testing.assert_close(d, poincare_distance(x, y, kappa), rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(d, mob, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("kappa", [-0.5, -1.0, -4.0])
def test_distance_on_a_diameter_is_the_log_cross_ratio(kappa):
    # on a diameter: d(a, b) = (1/s) |ln((1+s b)/(1-s b)) - ln((1+s a)/(1-s a))|
    s = math.sqrt(-kappa)
    a, b = 0.3 / s, -0.9 / s
    x = torch.tensor([[a, 0.0]], dtype=f64)
    y = torch.tensor([[b, 0.0]], dtype=f64)
    exact = abs(math.log((1 + s * b) / (1 - s * b)) - math.log((1 + s * a) / (1 - s * a))) / s
    assert float(poincare_distance(x, y, kappa)) == pytest.approx(exact, rel=1e-12)
    u, v = logmap0(x, kappa), logmap0(y, kappa)
    assert float(tangent_distance(u, v, kappa)) == pytest.approx(exact, rel=1e-12)
    # distance from the origin is twice the tangent norm
    assert float(tangent_distance(torch.zeros(1, 2, dtype=f64), u, kappa)) == pytest.approx(
        2 * float(u.norm()), rel=1e-12
    )


def test_expmap_logmap_round_trip():
    u = _pts(20, 4, 2)
    torch.testing.assert_close(logmap0(expmap0(u, -2.0), -2.0), u, rtol=1e-10, atol=1e-12)


def test_small_curvature_recovers_twice_the_euclidean_distance():
    # d = 2|u - v| (1 + O(|κ| R²)), R the largest tangent norm: the stated
    # tolerance is |κ| R² relative, and the error must shrink linearly with |κ|
    u, v = _pts(8, 6, 3, 1.0), _pts(9, 6, 4, 1.0)
    R2 = float(torch.cat([u, v]).norm(dim=-1).max()) ** 2
    euclid = 2 * torch.cdist(u, v)
    errs = []
    for kappa in (-1e-2, -1e-4, -1e-6):
        rel = ((tangent_distance(u, v, kappa) - euclid).abs() / euclid).max().item()
        assert rel <= abs(kappa) * R2
        errs.append(rel)
    assert errs[1] < errs[0] / 50 and errs[2] < errs[1] / 50


def test_float32_small_curvature_still_finite_and_close():
    u, v = _pts(8, 6, 5, 1.0).float(), _pts(8, 6, 6, 1.0).float()
    d = tangent_distance(u, v, -1e-8)
    torch.testing.assert_close(d, 2 * torch.cdist(u, v), rtol=1e-4, atol=1e-4)


def test_gradcheck_distance_and_midpoint():
    u = _pts(4, 3, 7).requires_grad_()
    v = _pts(5, 3, 8).requires_grad_()
    kappa = torch.tensor(-0.7, dtype=f64, requires_grad=True)
    assert torch.autograd.gradcheck(tangent_distance, (u, v, kappa))
    w = torch.softmax(_pts(4, 5, 9), dim=-1).requires_grad_()
    assert torch.autograd.gradcheck(einstein_midpoint, (w, v, kappa))
    x = (0.4 * _pts(3, 3, 10)).requires_grad_()
    y = (0.4 * _pts(3, 3, 11)).requires_grad_()
    assert torch.autograd.gradcheck(poincare_distance, (x, y, kappa))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_no_nan_at_the_boundary(dtype):
    g = torch.Generator().manual_seed(12)
    dirs = torch.nn.functional.normalize(torch.randn(6, 4, generator=g, dtype=dtype), dim=-1)
    x = (1 - 1e-7) * dirs  # ball norm 1 - 1e-7 (κ = -1)
    x.requires_grad_()
    d = poincare_distance(x[:, None], x[None], -1.0)
    d.sum().backward()
    assert torch.isfinite(d).all() and torch.isfinite(x.grad).all()
    # the same points as tangent vectors (s|u| = artanh(1 - 1e-7) ≈ 8.4), and far beyond
    for scale in (math.atanh(1 - 1e-7), 1e4):
        u = (scale * dirs).detach().requires_grad_()
        d = tangent_distance(u, u, -1.0)
        w = torch.softmax(-d, dim=-1)
        (d.sum() + einstein_midpoint(w, u, -1.0).sum()).backward()
        assert torch.isfinite(d).all() and torch.isfinite(u.grad).all()
    # coincident points: zero distance, finite gradient
    z = torch.zeros(3, 4, dtype=dtype, requires_grad=True)
    dz = tangent_distance(z, z, -1.0)
    dz.sum().backward()
    assert float(dz.detach().max()) < 1e-6 and torch.isfinite(z.grad).all()


def test_distance_is_a_metric_on_samples():
    u = _pts(10, 3, 13, 1.5)
    d = tangent_distance(u, u, -1.0)
    torch.testing.assert_close(d, d.T)
    assert float(d.diagonal().abs().max()) < 1e-7
    tri = d[:, :, None] + d[None, :, :] - d[:, None, :].transpose(0, 1)
    assert float(tri.min()) > -1e-9  # d(i,j) + d(j,k) >= d(i,k)


def test_einstein_midpoint_limits():
    v = _pts(5, 3, 14)
    w = torch.softmax(_pts(4, 5, 15), dim=-1)
    torch.testing.assert_close(einstein_midpoint(w, v, -1e-9), w @ v, rtol=1e-6, atol=1e-8)
    one = torch.eye(5, dtype=f64)  # a point is its own midpoint
    torch.testing.assert_close(einstein_midpoint(one, v, -2.0), v, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("kappa", [0.0, 1.0, float("nan")])
def test_non_negative_curvature_is_an_input_error(kappa):
    with pytest.raises(InputError, match="curvature"):
        tangent_distance(_pts(2, 2, 0), _pts(2, 2, 1), kappa)


def _reference_logits(q, k, kappa, beta):
    # the textbook composition through autograd: ball points, arccosh form
    x, y = expmap0(q, kappa)[..., :, None, :], expmap0(k, kappa)[..., None, :, :]
    return -beta * poincare_distance(x, y, kappa)


def test_fused_logits_match_the_ball_form_with_gradients():
    # hyperbolic_logits (fused pass, analytic backward) against autograd on
    # the arccosh form, per-head κ and β, batch dims broadcast, float64
    from isingformer.attention.hyperbolic import hyperbolic_logits

    g = torch.Generator().manual_seed(21)
    q = torch.randn(2, 3, 5, 4, dtype=f64, generator=g).requires_grad_()
    k = torch.randn(2, 3, 6, 4, dtype=f64, generator=g).requires_grad_()
    kappa = torch.tensor([-0.3, -1.0, -4.0], dtype=f64)[:, None, None]
    beta = torch.tensor([0.5, 1.0, 2.0], dtype=f64)[:, None, None]
    out = hyperbolic_logits(q, k, kappa, beta)
    ref = _reference_logits(q, k, kappa, beta)
    torch.testing.assert_close(out, ref, rtol=1e-10, atol=1e-10)
    w = torch.randn(out.shape, dtype=f64, generator=g)
    ga = torch.autograd.grad((out * w).sum(), (q, k))
    gb = torch.autograd.grad((ref * w).sum(), (q, k))
    for x, y in zip(ga, gb, strict=True):
        torch.testing.assert_close(x, y, rtol=1e-8, atol=1e-10)
    assert torch.autograd.gradcheck(
        lambda a, b: hyperbolic_logits(a, b, kappa, beta), (q[:1, :, :3], k[:1, :, :4])
    )
    # one query set against a broadcast key set
    assert torch.autograd.gradcheck(
        lambda a, b: hyperbolic_logits(a, b, -0.7, 1.5), (q[0, 0], k[:, :, :3])
    )


def test_fused_logits_at_the_boundary_and_for_coincident_points():
    from isingformer.attention.hyperbolic import hyperbolic_logits

    g = torch.Generator().manual_seed(22)
    for dtype in (torch.float32, f64):
        dirs = torch.nn.functional.normalize(torch.randn(5, 3, generator=g, dtype=dtype), dim=-1)
        for scale in (0.0, math.atanh(1 - 1e-7), 30.0, 1e4):
            u = (scale * dirs).requires_grad_()
            out = hyperbolic_logits(u, u, -1.0, 1.0)
            out.sum().backward()
            assert torch.isfinite(out).all() and torch.isfinite(u.grad).all()
            diag = float(out.detach().diagonal().abs().max())
            assert diag < (1e-6 if dtype == f64 else 5e-3)
