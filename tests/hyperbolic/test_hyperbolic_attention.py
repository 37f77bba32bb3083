"""HyperbolicAttention: the Euclidean limit, masks, policies (critical on the
hyperbolic energies), the GPT kind, checkpoints and resume errors."""

from __future__ import annotations

import pytest
import torch

from isingformer.attention.energies import attention_energies
from isingformer.attention.hyperbolic import HyperbolicAttention, tangent_distance
from isingformer.errors import InputError, ModelLoadError


def _x(B=2, L=6, D=16, seed=0):
    return torch.randn(B, L, D, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def _euclid_attention(m: HyperbolicAttention, x: torch.Tensor, beta: float) -> torch.Tensor:
    """Reference: softmax(−β |q − k|) V with a causal mask, written directly."""
    B, L, _ = x.shape
    q, k, v = m.qkv(x).split(m.d_model, -1)
    q, k, v = (t.view(B, L, m.n_heads, m.d_head).transpose(1, 2) for t in (q, k, v))
    logits = -beta * torch.cdist(q, k)
    logits = logits.masked_fill(torch.ones(L, L, dtype=torch.bool).triu(1), float("-inf"))
    y = torch.softmax(logits, -1) @ v
    return m.out(y.transpose(1, 2).reshape(B, L, m.d_model))


@pytest.mark.parametrize("aggregate", ["tangent", "einstein"])
def test_small_curvature_is_euclidean_distance_attention(aggregate):
    torch.manual_seed(0)
    m = HyperbolicAttention(
        16, 2, curvature=-1e-9, aggregate=aggregate, policy="fixed", policy_kwargs={"beta": 0.7}
    ).double()
    x = _x()
    # d_H -> 2|q - k|: hyperbolic at β equals Euclidean-distance attention at 2β
    torch.testing.assert_close(m(x), _euclid_attention(m, x, 1.4), rtol=1e-6, atol=1e-7)


def test_causal_and_curvature_per_head():
    torch.manual_seed(1)
    m = HyperbolicAttention(16, 2, curvature=[-0.5, -4.0]).double()
    x = _x()
    y = m(x)
    x2 = x.clone()
    x2[:, -1] += 1.0  # the future does not change earlier outputs
    torch.testing.assert_close(m(x2)[:, :-1], y[:, :-1])
    assert m.curvature().tolist() == pytest.approx([-0.5, -4.0], rel=1e-6)
    assert torch.isfinite(y).all()


def test_learnable_curvature_gets_a_gradient():
    m = HyperbolicAttention(16, 2, curvature=-1.0, learn_curvature=True, policy="learned")
    m(_x().float()).pow(2).sum().backward()
    assert m.log_c.grad is not None and torch.isfinite(m.log_c.grad).all()
    assert float(m.log_c.grad.abs().sum()) > 0


@pytest.mark.parametrize("bad", [0.0, 2.0, [-1.0, 1.0], [-1.0, -1.0, -1.0]])
def test_bad_curvature_is_an_input_error(bad):
    with pytest.raises(InputError, match="curvature"):
        HyperbolicAttention(16, 2, curvature=bad)


def test_capture_factorises_the_hyperbolic_energies():
    torch.manual_seed(2)
    m = HyperbolicAttention(16, 2, curvature=-2.0).double()
    x = _x()
    m.capture = True
    m(x)
    dist, _ = m.distances(x)
    torch.testing.assert_close(attention_energies(m.last_q, m.last_k), dist)


def test_critical_policy_measures_the_hyperbolic_ensemble():
    from isingformer.lm.dynamics import calibrate_critical
    from isingformer.lm.model import GPT

    model = GPT(
        20,
        n_layer=1,
        n_head=2,
        d_model=16,
        context=12,
        policy="critical",
        attention="hyperbolic",
        curvature=-1.0,
        seed=0,
    )
    x = torch.randint(0, 20, (4, 12), generator=torch.Generator().manual_seed(3))
    betas = calibrate_critical(model, x)
    layer = model.attention_layers()[0]
    assert int(layer.policy.n_calibrations) == 1
    # the measured β* is the heat-capacity peak of rows p ∝ exp(−β d_H): the
    # same as measuring directly on the distance matrix
    from isingformer.attention.energies import measure_critical_beta

    layer.capture = True
    with torch.no_grad():
        model.eval()
        model(x)
    direct = measure_critical_beta(layer.last_q, layer.last_k, causal=True)
    torch.testing.assert_close(
        torch.tensor(betas[0], dtype=torch.float64), direct.beta.double(), rtol=1e-5, atol=0
    )


def _tree_cfg(**kw):
    from isingformer.lm.config import TrainConfig

    base = dict(
        corpus="tree",
        n_layer=1,
        n_head=2,
        d_model=16,
        context=8,
        batch_size=4,
        steps=4,
        eval_every=2,
        eval_batches=1,
        warmup=1,
        recalibrate_every=2,
    )
    return TrainConfig(**{**base, **kw})


@pytest.mark.parametrize(
    "policy", ["sqrt_dk", "fixed", "learned", "critical", "log_length", "qk_norm", "annealed"]
)
def test_gpt_trains_with_every_policy(policy):
    from isingformer.hyperbolic.trees import tree_data
    from isingformer.lm.train import train

    data, _ = tree_data(2, 2, 600, seed=0)
    cfg = _tree_cfg(attention="hyperbolic", curvature=-0.5, policy=policy, steps=2)
    r = train(cfg, data=data)
    assert r.steps == 2 and all(torch.isfinite(torch.tensor(r.train_losses)))


def test_checkpoint_records_kind_and_resume_mismatch_is_clean(tmp_path):
    from isingformer.hyperbolic.trees import tree_data
    from isingformer.lm.checkpoint import load_checkpoint
    from isingformer.lm.train import train

    data, _ = tree_data(2, 2, 600, seed=0)
    hyp = _tree_cfg(attention="hyperbolic", curvature=-3.0)
    train(hyp, data=data, out=tmp_path / "h", stop_after=2)
    ck = load_checkpoint(tmp_path / "h" / "checkpoint.pt")
    assert ck["config"]["attention"] == "hyperbolic" and ck["config"]["curvature"] == -3.0
    assert "blocks.0.attn.log_c" in ck["model"]
    # the hyperbolic run resumes exactly
    r = train(hyp, data=data, out=tmp_path / "h", resume=tmp_path / "h" / "checkpoint.pt")
    full = train(hyp, data=data)
    assert r.train_losses == full.train_losses
    # a Euclidean checkpoint resumed as hyperbolic (or another κ) is a clean error
    train(_tree_cfg(), data=data, out=tmp_path / "e", stop_after=2)
    with pytest.raises(ModelLoadError, match="attention"):
        train(hyp, data=data, resume=tmp_path / "e" / "checkpoint.pt")
    with pytest.raises(ModelLoadError, match="curvature"):
        train(hyp.replace(curvature=-1.0), data=data, resume=tmp_path / "h" / "checkpoint.pt")


def test_config_refuses_non_negative_curvature():
    with pytest.raises(InputError, match="curvature"):
        _tree_cfg(attention="hyperbolic", curvature=0.0)


def test_distance_matrix_matches_module():
    m = HyperbolicAttention(8, 1, curvature=-0.3).double()
    x = _x(1, 4, 8)
    q, k, _ = m.qkv(x).split(8, -1)
    d, _ = m.distances(x)
    torch.testing.assert_close(d[:, 0], tangent_distance(q, k, -0.3))
