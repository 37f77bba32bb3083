"""BetaAttention against torch.nn.MultiheadAttention, HF eager attention and a
slow explicit reference, for every policy and bias."""

import math

import pytest
import torch

from isingformer.attention import (
    BETA_POLICIES,
    POSITIONAL_BIASES,
    BetaAttention,
    circular_distance,
    make_beta_policy,
)
from isingformer.errors import InputError

B, L, D, H = 3, 12, 32, 4


def _x(seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(B, L, D, generator=g, dtype=torch.float64)


def _padding():
    kpm = torch.ones(B, L, dtype=torch.bool)
    kpm[1, 9:] = False  # right padding
    kpm[2, :3] = False  # left padding
    return kpm


def _mha_from(m: BetaAttention) -> torch.nn.MultiheadAttention:
    mha = torch.nn.MultiheadAttention(D, H, batch_first=True).double()
    with torch.no_grad():
        mha.in_proj_weight.copy_(m.qkv.weight)
        mha.in_proj_bias.copy_(m.qkv.bias)
        mha.out_proj.weight.copy_(m.out.weight)
        mha.out_proj.bias.copy_(m.out.bias)
    return mha


@pytest.mark.parametrize("causal", [True, False])
@pytest.mark.parametrize("padding", [False, True])
def test_equals_multihead_attention(causal, padding):
    torch.manual_seed(1)
    m = BetaAttention(D, H, causal=causal).double().eval()
    x = _x()
    kpm = _padding() if padding else None
    y = m(x, kpm)
    am = torch.ones(L, L, dtype=torch.bool).triu(1) if causal else None
    ref, _ = _mha_from(m)(x, x, x, key_padding_mask=None if kpm is None else ~kpm, attn_mask=am)
    if kpm is None:
        assert torch.allclose(y, ref, atol=1e-12)
    else:
        # MHA's padded rows are undefined (NaN or anything); compare real positions
        real = kpm & (kpm.cumsum(-1) > 0)
        assert torch.allclose(y[real], ref[real], atol=1e-12)
        assert (y[~kpm] == 0).all()


def _reference(m: BetaAttention, x, kpm, beta_rows):
    """Explicit softmax: logits = beta_rows * q·k + bias, masked; beta_rows [B|1, H, L, 1]."""
    q, k, v = m.qkv(x).split(D, dim=-1)
    d = D // H
    q, k, v = (t.view(B, L, H, d).transpose(1, 2) for t in (q, k, v))
    logits = beta_rows * (q @ k.transpose(-1, -2))
    bias = m.pos_bias(L, dtype=x.dtype)
    if bias is not None:
        logits = logits + bias[None]
    allowed = torch.ones(L, L, dtype=torch.bool)
    if m.causal:
        allowed = allowed.tril()
    allowed = allowed[None, None]
    if kpm is not None:
        allowed = allowed & kpm[:, None, None, :]
    logits = logits.masked_fill(~allowed, float("-inf"))
    w = torch.softmax(logits, -1).nan_to_num(0.0)
    y = m.out((w @ v).transpose(1, 2).reshape(B, L, D))
    return y if kpm is None else y * kpm[..., None]


@pytest.mark.parametrize("bias", sorted(POSITIONAL_BIASES))
@pytest.mark.parametrize("causal", [True, False])
def test_per_head_beta_and_bias_match_reference(bias, causal):
    torch.manual_seed(2)
    betas = [0.1, 0.3, 0.7, 1.5]
    m = BetaAttention(
        D, H, policy="fixed", policy_kwargs={"beta": betas}, bias=bias, causal=causal
    ).double()
    x, kpm = _x(3), _padding()
    y = m(x, kpm)
    ref = _reference(m, x, kpm, m.policy.beta().double()[None, :, None, None])
    real = kpm & (kpm.cumsum(-1) > 0) if causal else kpm
    assert torch.allclose(y[real], ref[real], atol=1e-12)


def test_scalar_fixed_beta_equals_sqrt_dk_at_standard_value():
    torch.manual_seed(3)
    a = BetaAttention(D, H).double()
    b = BetaAttention(D, H, policy="fixed", policy_kwargs={"beta": 1 / math.sqrt(D // H)}).double()
    b.load_state_dict(a.state_dict(), strict=False)
    x = _x(4)
    assert torch.equal(a(x), b(x))


def test_log_length_counts_visible_keys():
    torch.manual_seed(4)
    m = BetaAttention(D, H, policy="log_length", causal=True, max_len=64).double()
    x, kpm = _x(5), _padding()
    s = m.policy.s.detach().double()
    n = kpm.double().cumsum(-1).clamp_min(1)  # keys visible to each query (causal)
    rows = s[None, :, None, None] * n.log()[:, None, :, None] / math.sqrt(D // H)
    ref = _reference(m, x, kpm, rows)
    real = kpm & (kpm.cumsum(-1) > 0)
    assert torch.allclose(m(x, kpm)[real], ref[real], atol=1e-12)
    # beta() is β at the reference length: equals 1/sqrt(d) at init
    assert torch.allclose(
        m.policy.beta().double(), torch.full((H,), 1 / math.sqrt(D // H), dtype=torch.float64)
    )
    m2 = BetaAttention(D, H, policy="log_length", causal=False).double()
    n2 = kpm.double().sum(-1)[:, None, None, None]
    ref2 = _reference(
        m2,
        x,
        kpm,
        m2.policy.s.detach().double()[None, :, None, None] * n2.log() / math.sqrt(D // H),
    )
    assert torch.allclose(m2(x, kpm)[kpm], ref2[kpm], atol=1e-12)


def test_qk_norm_reference_and_init():
    torch.manual_seed(5)
    m = BetaAttention(D, H, policy="qk_norm", max_len=128, causal=False).double()
    assert m.policy.g.detach()[0].item() == pytest.approx(math.log2(128**2 - 128))
    x = _x(6)
    q, k, v = m.qkv(x).split(D, dim=-1)
    d = D // H
    q, k, v = (t.view(B, L, H, d).transpose(1, 2) for t in (q, k, v))
    qn, kn = q / q.norm(dim=-1, keepdim=True), k / k.norm(dim=-1, keepdim=True)
    w = torch.softmax(m.policy.g.double()[None, :, None, None] * qn @ kn.transpose(-1, -2), -1)
    ref = m.out((w @ v).transpose(1, 2).reshape(B, L, D))
    assert torch.allclose(m(x), ref, atol=1e-12)


@pytest.mark.parametrize("name", sorted(BETA_POLICIES))
def test_every_policy_backward_and_finite(name):
    torch.manual_seed(6)
    m = BetaAttention(D, H, policy=name, bias="periodic", dropout=0.1)
    m.train()
    x = torch.randn(B, L, D, requires_grad=True)
    y = m(x, _padding())
    y.square().sum().backward()
    assert torch.isfinite(y).all() and torch.isfinite(x.grad).all()
    assert m.policy.beta().shape == (H,)
    assert m.policy.current_beta().shape == (H,)
    for p in m.policy.parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0


def test_dropout_only_in_training():
    torch.manual_seed(7)
    m = BetaAttention(D, H, dropout=0.5)
    x = torch.randn(B, L, D)
    m.eval()
    assert torch.equal(m(x), m(x))
    m.train()
    torch.manual_seed(0)
    a = m(x)
    torch.manual_seed(1)
    b = m(x)
    assert not torch.allclose(a, b)


def test_capture_stores_raw_q_k():
    torch.manual_seed(8)
    m = BetaAttention(D, H, policy="qk_norm")
    x = torch.randn(B, L, D)
    m(x)
    assert m.last_q is None
    m.capture = True
    kpm = _padding()
    m(x, kpm)
    q, k, _ = m.qkv(x).split(D, dim=-1)
    assert m.last_q.shape == (B, H, L, D // H) and not m.last_q.requires_grad
    assert torch.allclose(m.last_q, q.view(B, L, H, -1).transpose(1, 2))
    assert torch.allclose(m.last_k, k.view(B, L, H, -1).transpose(1, 2))
    assert torch.equal(m.last_mask, kpm)


def test_equals_hf_eager_attention_function():
    from transformers.models.bert.modeling_bert import eager_attention_forward

    torch.manual_seed(9)
    m = BetaAttention(D, H, causal=False).double().eval()
    x = _x(10)
    q, k, v = m.qkv(x).split(D, dim=-1)
    q, k, v = (t.view(B, L, H, -1).transpose(1, 2) for t in (q, k, v))
    out, _ = eager_attention_forward(m, q, k, v, None, scaling=(D // H) ** -0.5)
    ref = m.out(out.reshape(B, L, D))
    assert torch.allclose(m(x), ref, atol=1e-12)


def test_policy_object_and_errors():
    pol = make_beta_policy("learned", H, D // H, init=0.2)
    m = BetaAttention(D, H, policy=pol)
    assert m.policy is pol and m.policy.causal is True
    with pytest.raises(InputError):
        BetaAttention(30, 4)
    with pytest.raises(InputError):
        BetaAttention(D, H, policy="hot")
    with pytest.raises(InputError):
        BetaAttention(D, H, dropout=1.0)
    with pytest.raises(InputError):
        BetaAttention(D, H, policy=make_beta_policy("sqrt_dk", 2, 16))
    with pytest.raises(InputError):
        m(torch.randn(2, 5, D + 1))


def test_periodic_bias_wraps_causal_far_pairs():
    # with a huge slope, a causal query attends only to keys at circular distance 0..1
    m = BetaAttention(
        D,
        H,
        policy="fixed",
        policy_kwargs={"beta": 1e-9},
        bias="periodic",
        bias_kwargs={"slopes": 30.0},
    ).double()
    m.capture = True
    x = _x(11)
    d = circular_distance(L)
    # the last query (i = L-1) sees key 0 at circular distance 1: it should get weight ~ 1/3
    # (keys L-2, L-1 and 0 are the nearest), checked through the explicit reference
    ref = _reference(m, x, None, torch.full((1, H, 1, 1), 1e-9, dtype=torch.float64))
    assert torch.allclose(m(x), ref, atol=1e-10)
    assert d[L - 1, 0] == 1
