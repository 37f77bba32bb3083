"""The Lorentz (hyperboloid) model: exact agreement with the Poincaré ball
under the standard isometry (float64), the κ → 0 limit, gradcheck, no NaN at
large norms, the midpoint, and the attention option."""

from __future__ import annotations

import math

import pytest
import torch

from isingformer.attention.hyperbolic import (
    HyperbolicAttention,
    einstein_midpoint,
    expmap0,
    lorentz_distance,
    lorentz_expmap0,
    lorentz_inner,
    lorentz_logmap0,
    lorentz_midpoint,
    lorentz_tangent_distance,
    lorentz_to_poincare,
    poincare_distance,
    poincare_to_lorentz,
)
from isingformer.errors import InputError

from .test_geometry import _pts, f64


@pytest.mark.parametrize("kappa", [-0.1, -1.0, -3.0])
def test_points_lie_on_the_hyperboloid_and_the_isometry_preserves_distance(kappa):
    c, s = -kappa, math.sqrt(-kappa)
    u, v = _pts(6, 4, 0), _pts(7, 4, 1)
    x, y = lorentz_expmap0(u, kappa), lorentz_expmap0(v, kappa)
    torch.testing.assert_close(lorentz_inner(x, x), torch.full((6,), -1 / c, dtype=f64))
    assert (x[..., 0] > 0).all()
    # the ball points of the isometry, and back
    p, q = lorentz_to_poincare(x, kappa), lorentz_to_poincare(y, kappa)
    assert float((s * p.norm(dim=-1)).max()) < 1
    torch.testing.assert_close(poincare_to_lorentz(p, kappa), x, rtol=1e-12, atol=1e-12)
    dl = lorentz_distance(x[:, None], y[None], kappa)
    dp = poincare_distance(p[:, None], q[None], kappa)
    torch.testing.assert_close(dl, dp, rtol=1e-10, atol=1e-10)
    # exp_o(u) is the ball point exp_0(u/2); the pairwise stable form agrees
    torch.testing.assert_close(p, expmap0(0.5 * u, kappa), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(lorentz_tangent_distance(u, v, kappa), dl, rtol=1e-10, atol=1e-10)
    # distance from the origin is the tangent norm; log inverts exp
    o = torch.zeros(1, 4, dtype=f64)
    torch.testing.assert_close(lorentz_tangent_distance(o, u, kappa)[0], u.norm(dim=-1))
    torch.testing.assert_close(lorentz_logmap0(x, kappa), u, rtol=1e-10, atol=1e-12)


def test_small_curvature_recovers_the_euclidean_distance():
    # d_L = |u − v| (1 + O(|κ| R²)), shrinking linearly in |κ| (the Poincaré
    # layer's limit is 2|u − v|: exp_0 has conformal factor 2 at the origin)
    u, v = _pts(8, 6, 3, 1.0), _pts(9, 6, 4, 1.0)
    R2 = float(torch.cat([u, v]).norm(dim=-1).max()) ** 2
    euclid = torch.cdist(u, v)
    errs = []
    for kappa in (-1e-2, -1e-4, -1e-6):
        rel = ((lorentz_tangent_distance(u, v, kappa) - euclid).abs() / euclid).max().item()
        assert rel <= abs(kappa) * R2
        errs.append(rel)
    assert errs[1] < errs[0] / 50 and errs[2] < errs[1] / 50


def test_gradcheck():
    u = _pts(4, 3, 7).requires_grad_()
    v = _pts(5, 3, 8).requires_grad_()
    kappa = torch.tensor(-0.7, dtype=f64, requires_grad=True)
    assert torch.autograd.gradcheck(lorentz_tangent_distance, (u, v, kappa))
    w = torch.softmax(_pts(4, 5, 9), dim=-1).requires_grad_()
    assert torch.autograd.gradcheck(lorentz_midpoint, (w, v, kappa))
    x = lorentz_expmap0(_pts(3, 3, 10)).detach().requires_grad_()
    y = lorentz_expmap0(_pts(3, 3, 11)).detach().requires_grad_()
    assert torch.autograd.gradcheck(lambda a, b: lorentz_distance(a, b, kappa), (x, y))
    assert torch.autograd.gradcheck(lambda a: lorentz_expmap0(a, kappa), (u,))


@pytest.mark.parametrize("dtype", [torch.float32, f64])
def test_no_nan_at_large_norms(dtype):
    g = torch.Generator().manual_seed(12)
    dirs = torch.nn.functional.normalize(torch.randn(6, 4, generator=g, dtype=dtype), dim=-1)
    # tangent norm 2 artanh(1 − 1e-7): the ball image sits at norm 1 − 1e-7
    for scale in (2 * math.atanh(1 - 1e-7), 40.0, 1e4):
        u = (scale * dirs).requires_grad_()
        d = lorentz_tangent_distance(u, u, -1.0)
        w = torch.softmax(-d, dim=-1)
        (d.sum() + lorentz_midpoint(w, u, -1.0).sum()).backward()
        assert torch.isfinite(d).all() and torch.isfinite(u.grad).all()
    x = lorentz_expmap0((16.0 * dirs).requires_grad_())  # x_0 ~ 4e6
    d = lorentz_distance(x[:, None], x[None], -1.0)
    assert torch.isfinite(d).all()


def test_midpoint_is_the_projected_minkowski_mean():
    # the Einstein midpoint of hyperboloid points is Σ w_j x_j projected back
    # onto the hyperboloid (same Klein coordinates), and it tends to w @ v
    kappa = -1.5
    v = _pts(5, 3, 14, 1.0)
    w = torch.softmax(_pts(4, 5, 15), dim=-1)
    y = w @ lorentz_expmap0(v, kappa)
    proj = y / torch.sqrt(kappa * lorentz_inner(y, y))[..., None]  # −c <y, y> with c = −κ
    torch.testing.assert_close(
        lorentz_midpoint(w, v, kappa), lorentz_logmap0(proj, kappa), rtol=1e-10, atol=1e-10
    )
    torch.testing.assert_close(lorentz_midpoint(w, v, -1e-9), w @ v, rtol=1e-6, atol=1e-8)
    torch.testing.assert_close(
        lorentz_midpoint(w, v, kappa), 2 * einstein_midpoint(w, 0.5 * v, kappa)
    )


def test_attention_option_is_the_poincare_layer_at_half_the_tangent_scale():
    torch.manual_seed(0)
    x = torch.randn(2, 7, 16, dtype=f64)
    for aggregate in ("tangent", "einstein"):
        lor = HyperbolicAttention(16, 2, curvature=-0.5, manifold="lorentz", aggregate=aggregate)
        poi = HyperbolicAttention(16, 2, curvature=-0.5, aggregate=aggregate)
        lor, poi = lor.double(), poi.double()
        poi.load_state_dict(lor.state_dict())
        d_l, _ = lor.distances(x)
        with torch.no_grad():  # halve the q, k projections of the Poincaré layer
            poi.qkv.weight[:32] *= 0.5
            poi.qkv.bias[:32] *= 0.5
        d_p, _ = poi.distances(x)
        torch.testing.assert_close(d_l, d_p, rtol=1e-12, atol=1e-12)
        y = lor(x)
        assert torch.isfinite(y).all() and "manifold=lorentz" in repr(lor)
    with pytest.raises(InputError, match="manifold"):
        HyperbolicAttention(16, 2, manifold="klein")


def test_train_records_the_manifold_and_resume_with_another_is_clean(tmp_path):
    from isingformer.errors import ModelLoadError
    from isingformer.hyperbolic.trees import tree_data
    from isingformer.lm.checkpoint import load_checkpoint
    from isingformer.lm.config import TrainConfig
    from isingformer.lm.train import train

    data, _ = tree_data(2, 2, 600, seed=0)
    cfg = TrainConfig(n_layer=1, n_head=2, d_model=16, context=8, batch_size=4, steps=3,
                      eval_every=3, eval_batches=1, warmup=1, attention="hyperbolic",
                      curvature=-1.0, manifold="lorentz")  # fmt: skip
    r = train(cfg, data=data, out=tmp_path / "l", stop_after=2)
    assert all(math.isfinite(x) for x in r.train_losses)
    ck = load_checkpoint(tmp_path / "l" / "checkpoint.pt")
    assert ck["config"]["manifold"] == "lorentz"
    with pytest.raises(ModelLoadError, match="manifold"):
        train(cfg.replace(manifold="poincare"), data=data,
              resume=tmp_path / "l" / "checkpoint.pt")  # fmt: skip
    with pytest.raises(InputError, match="manifold"):
        cfg.replace(manifold="klein")


def test_cli_manifold_option(tmp_path, capsys):
    from isingformer.cli import main

    argv = ["train", "--attention", "hyperbolic", "--manifold", "klein", "--steps", "1"]
    assert main([*argv, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "manifold" in err and len(err.strip().splitlines()) == 1
