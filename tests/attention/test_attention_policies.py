"""β policies: values, schedules, and the critical calibration against the
ensemble core and the REM."""

import math

import pytest
import torch

from isingformer.attention import BetaAttention, make_beta_policy, measure_critical_beta
from isingformer.ensemble import heat_capacity_peak
from isingformer.errors import InputError


def test_simple_policies():
    assert torch.allclose(make_beta_policy("sqrt_dk", 3, 16).beta(), torch.full((3,), 0.25))
    assert make_beta_policy("fixed", 3, 16, beta=0.7).beta().tolist() == pytest.approx([0.7] * 3)
    assert make_beta_policy("fixed", 3, 16, beta=[1, 2, 3]).beta().tolist() == [1, 2, 3]
    learned = make_beta_policy("learned", 2, 4, init=[0.5, 2.0])
    assert learned.beta().tolist() == pytest.approx([0.5, 2.0])
    assert learned._scalar() is None  # trainable: folded into q
    ll = make_beta_policy("log_length", 2, 16, max_len=256)
    assert ll.ref_len == 256 and ll.beta().tolist() == pytest.approx([0.25, 0.25])
    ll2 = make_beta_policy("log_length", 2, 16, s_init=0.43, ref_len=100)
    assert ll2.beta().tolist() == pytest.approx([0.43 * math.log(100) / 4] * 2, rel=1e-6)
    qk = make_beta_policy("qk_norm", 2, 16, max_len=64)
    assert qk.beta().tolist() == pytest.approx([math.log2(64 * 63)] * 2, rel=1e-6)
    for name in ("sqrt_dk", "fixed", "learned", "log_length", "qk_norm"):
        pol = make_beta_policy(name, 2, 16)
        before = pol.beta().detach().clone()
        pol.set_step(500)  # a no-op
        out = pol.calibrate(torch.randn(1, 2, 5, 16), torch.randn(1, 2, 5, 16))  # a no-op
        assert torch.equal(pol.beta().detach(), before) and torch.equal(out, before)


@pytest.mark.parametrize(
    ("name", "kw"),
    [
        ("fixed", {"beta": -1.0}),
        ("fixed", {"beta": [1.0, 2.0, 3.0]}),
        ("learned", {"init": 0.0}),
        ("critical", {"gamma": 0.0}),
        ("annealed", {"shape": "sawtooth"}),
        ("annealed", {"steps": 0}),
        ("annealed", {"target": "hot"}),
        ("sqrt_dk", {"beta": 1.0}),
        ("nope", {}),
    ],
)
def test_bad_policy_options(name, kw):
    with pytest.raises(InputError):
        make_beta_policy(name, 2, 16, **kw)


def test_annealed_schedules():
    target = 0.5
    lin = make_beta_policy("annealed", 2, 16, target=target, steps=100)
    assert lin.beta().tolist() == pytest.approx([0.05, 0.05])
    lin.set_step(50)
    assert lin.beta()[0].item() == pytest.approx(0.05 + 0.45 * 0.5)
    lin.set_step(10_000)
    assert lin.beta()[0].item() == pytest.approx(0.5)
    cos = make_beta_policy("annealed", 1, 16, target=target, start=0.1, steps=100, shape="cosine")
    cos.set_step(50)
    assert cos.beta()[0].item() == pytest.approx(0.3)
    geo = make_beta_policy("annealed", 1, 16, target=1.0, start=0.01, steps=100, shape="geometric")
    geo.set_step(50)
    assert geo.beta()[0].item() == pytest.approx(0.1)
    default = make_beta_policy("annealed", 1, 16)
    assert default.target.item() == pytest.approx(0.25)
    # in a module: the scalar β goes through SDPA's scale and follows the step
    m = BetaAttention(16, 1, policy="annealed", policy_kwargs={"target": 1.0, "steps": 10})
    x = torch.randn(2, 6, 16)
    y0 = m(x)
    m.policy.set_step(10)
    assert not torch.allclose(y0, m(x))
    sd = m.state_dict()
    assert int(sd["policy.step"]) == 10


def _rem_like(n_rows: int, n_keys: int, sigma: float, seed: int):
    """q_i = σ e_1 for every query, k_j ~ N(0, 1): every row of a batch item has
    the same i.i.d. Gaussian logits of spread σ — one REM sample per item."""
    g = torch.Generator().manual_seed(seed)
    d = 8
    k = torch.randn(n_rows, 1, n_keys, d, generator=g, dtype=torch.float64)
    q = torch.zeros(n_rows, 1, 1, d, dtype=torch.float64)
    q[..., 0] = sigma
    return q, k


def _pad_q(q, n_keys):
    return q.expand(-1, -1, n_keys, -1).contiguous()


def test_measure_critical_beta_matches_rem_peak():
    # REFERENCES: σ = 1, 200 rows, N = 64: mean-C peak ≈ 2.37 (β_c = 2.88)
    sigma, n = 2.0, 64
    found = []
    for seed in range(3):
        q, k = _rem_like(200, n, sigma, seed)
        crit = measure_critical_beta(_pad_q(q, n), k, causal=False, n_boot=40, seed=seed)
        found.append((crit.beta.item(), crit.beta_err.item()))
        assert crit.beta_c_rem.item() == pytest.approx(math.sqrt(2 * math.log(n)) / sigma, rel=0.05)
    for b, err in found:
        assert abs(b * sigma - 2.37) < 4 * err * sigma + 0.08


def test_calibrate_matches_core_directly():
    torch.manual_seed(0)
    B, H, L, d = 4, 3, 16, 8
    q = torch.randn(B, H, L, d)
    k = torch.randn(B, H, L, d) * torch.tensor([0.5, 1.0, 2.0])[None, :, None, None]
    pol = make_beta_policy("critical", H, d, gamma=0.8, measure_kwargs={"n_boot": 20})
    pol.causal = True
    kpm = torch.ones(B, L, dtype=torch.bool)
    kpm[0, 12:] = False
    new = pol.calibrate(q, k, kpm)
    assert torch.equal(new, pol.beta()) and int(pol.n_calibrations) == 1
    crit = pol.last_measurement
    E = -(q.double() @ k.double().transpose(-1, -2))  # [B, H, L, L]
    allowed = torch.ones(L, L, dtype=torch.bool).tril()[None] & kpm[:, None, :]  # [B, L, L]
    rows = kpm.reshape(-1)
    for h in range(H):
        Eh = E[:, h].reshape(B * L, L)[rows]
        Ah = allowed.reshape(B * L, L)[rows]
        bc = crit.beta_c_rem[h].item()
        grid = torch.linspace(0.02, 2.5, 64, dtype=torch.float64) * bc
        ref = heat_capacity_peak(Eh, grid, Ah, n_boot=20, refine=False)
        assert crit.beta[h].item() == pytest.approx(ref.beta, rel=1e-9)
        assert new[h].item() == pytest.approx(0.8 * ref.beta, rel=1e-9)
    # larger logit spread -> smaller β*
    assert crit.beta[0] > crit.beta[1] > crit.beta[2]


def test_critical_policy_in_module_and_state_dict():
    torch.manual_seed(1)
    m = BetaAttention(32, 4, policy="critical", policy_kwargs={"measure_kwargs": {"n_boot": 10}})
    assert m.policy.beta().tolist() == pytest.approx([1 / math.sqrt(8)] * 4)
    m.capture = True
    x = torch.randn(4, 20, 32)
    y0 = m(x)
    beta = m.policy.calibrate(m.last_q, m.last_k, m.last_mask)
    assert torch.isfinite(beta).all() and (beta > 0).all()
    assert not torch.allclose(beta, torch.full((4,), 1 / math.sqrt(8), dtype=beta.dtype))
    y1 = m(x)
    assert not torch.allclose(y0, y1)
    m2 = BetaAttention(32, 4, policy="critical")
    m2.load_state_dict(m.state_dict())
    assert torch.equal(m2.policy.beta(), m.policy.beta())
    assert torch.allclose(m2(x), y1)
    # per_head=False: one β (the median β*) for all heads, scalar fast path
    p = make_beta_policy("critical", 4, 8, per_head=False, measure_kwargs={"n_boot": 5})
    p.calibrate(m.last_q, m.last_k)
    assert p._scalar() is not None and len(set(p.beta().tolist())) == 1


def test_annealed_critical_target():
    torch.manual_seed(2)
    pol = make_beta_policy(
        "annealed", 2, 8, target="critical", steps=10, measure_kwargs={"n_boot": 5}
    )
    q, k = torch.randn(3, 2, 12, 8), torch.randn(3, 2, 12, 8)
    pol.calibrate(q, k)
    star = pol.last_measurement.beta
    assert torch.allclose(pol.target, star)
    pol.set_step(10)
    assert torch.allclose(pol.beta(), star)


def test_constant_logits_have_no_transition():
    q = torch.zeros(2, 1, 6, 4)
    k = torch.randn(2, 1, 6, 4)
    crit = measure_critical_beta(q, k)
    assert math.isinf(crit.beta.item())
    pol = make_beta_policy("critical", 1, 4)
    pol.calibrate(q, k)
    assert pol.beta().item() == pytest.approx(0.5)  # kept


@pytest.mark.parametrize("policy", ["log_length", "qk_norm"])
def test_zero_reference_length_is_refused_not_replaced(policy):
    """``max_len=0`` (or ``ref_len=0``) silently became the default 1024."""
    with pytest.raises(InputError, match="must be >= 2, got 0"):
        BetaAttention(8, 2, policy=policy, max_len=0)
    with pytest.raises(InputError, match="must be >= 2, got 0"):
        make_beta_policy(policy, 2, 4, ref_len=0)
    assert make_beta_policy(policy, 2, 4).ref_len == 1024
