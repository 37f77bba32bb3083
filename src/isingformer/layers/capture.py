"""Layer Hamiltonians of a real model: ``H⁽ˡ⁾ = Σ_h E⁽ˡ'ʰ⁾`` with
``E_ij = −q_i·k_j`` (eq. 5, the energies ``analyze`` uses: Q and K after the
positional rotation, no ``1/sqrt(d_k)``), one ``N x N`` matrix per layer and
passage over the passage's real tokens. For a model with soft-capping or a
position bias ``E = −logits/β_model``, the model's own logits, so that
``softmax(−β_model E)`` is its attention row exactly. Each layer keeps its own
mask of visible keys (causal, sliding window): pairs a query of that layer may
not see are zero in its operator and excluded from its softmax.

Sources: a local Hugging Face directory (default: the packaged MiniLM,
through :mod:`isingformer.probe`), or a GPT checkpoint of ``isingformer
train``; ``random_init`` gives the same shapes with fresh random weights
(the control).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from isingformer.attention.energies import attention_energies, logit_spread
from isingformer.errors import InputError

__all__ = ["LayerStack", "capture_layers"]


@dataclass
class LayerStack:
    """Layer Hamiltonians of one model on a set of passages.

    ``hamiltonians[p]`` is ``[L, n_p, n_p]`` (float64) and ``allowed[p]``
    ``[L, n_p, n_p]`` (bool, each layer's visible keys) for passage p; ``beta_heads [L, H]`` the model's own
    β of every head; ``sigma [L, H]`` each head's logit spread and
    ``n_keys [L, H]`` its mean number of visible keys; ``beta_star [L, H]`` the
    heat-capacity peak of each head (``analyze``'s critical β; NaN if not
    measured). If the heads' β differ, ``H⁽ˡ⁾ = Σ_h (β_h/β_model) E⁽ˡ'ʰ⁾``.
    ``head_scores[p]`` (float32 ``[L, H, n_p, n_p]``, the per-head scores
    ``−(β_h/β_model) E⁽ˡ'ʰ⁾``) is kept for the first ``head_passages`` passages.
    """

    model: str
    source: str
    hamiltonians: list[torch.Tensor]
    allowed: list[torch.Tensor]
    beta_heads: np.ndarray
    sigma: np.ndarray
    n_keys: np.ndarray
    beta_star: np.ndarray
    causal: bool
    head_scores: list[torch.Tensor] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def n_layers(self) -> int:
        return int(self.beta_heads.shape[0])

    @property
    def n_heads(self) -> int:
        return int(self.beta_heads.shape[1])

    @property
    def beta_model(self) -> float:
        return float(np.mean(self.beta_heads))


def _stack(energy, alloweds, token_mask, beta_heads, critical: bool, seed: int, head_passages=8):
    """Build the per-passage Hamiltonians and per-head statistics from the
    energies of every layer, ``energy(layer) -> [S, H, T, T]`` (float64: the
    model's logits over −β_model, ``−q·k`` without extra terms), and the
    per-layer ``allowed [S, 1|H, T, T]``."""
    from isingformer.attention.energies import critical_beta_of_energies, energy_rows

    L = len(alloweds)
    b_ref = float(np.mean(beta_heads))
    per_layer, heads, masks = [], [], []
    sigma, n_keys = np.zeros(beta_heads.shape), np.zeros(beta_heads.shape)
    beta_star = np.full(beta_heads.shape, np.nan)
    for layer in range(L):
        E = energy(layer)
        S, Hn, T, _ = E.shape
        a = alloweds[layer].to(torch.bool).expand(S, Hn, T, T)
        E0 = torch.where(a, E, torch.zeros((), dtype=E.dtype))  # invisible pairs zero
        w = torch.as_tensor(beta_heads[layer], dtype=torch.float64) / b_ref  # [H]
        Ew = E0 * w[None, :, None, None]
        per_layer.append(Ew.sum(1))  # [S, T, T]
        heads.append(-Ew[:head_passages].float())
        masks.append(a[:, 0])  # [S, T, T]: the heads share it (checked on capture)
        Er, Ar = energy_rows(E, alloweds[layer], max_rows=4096, seed=seed)
        s, n = logit_spread(Er, Ar)
        sigma[layer], n_keys[layer] = s.numpy(), n.numpy()
        if critical:
            cb = critical_beta_of_energies(
                E, alloweds[layer], n_grid=48, n_boot=20, max_rows=256, seed=seed + layer
            )
            beta_star[layer] = cb.beta.numpy()
    Hall = torch.stack(per_layer, dim=1)  # [S, L, T, T]
    Aall = torch.stack(masks, dim=1)  # [S, L, T, T]
    Sall = torch.stack(heads, dim=1)  # [min(S, head_passages), L, H, T, T]
    hams, allowed, scores = [], [], []
    for p in range(Hall.shape[0]):
        idx = torch.nonzero(token_mask[p]).reshape(-1)
        if idx.numel() < 2:
            continue
        hams.append(Hall[p][:, idx][:, :, idx].contiguous())
        allowed.append(Aall[p][:, idx][:, :, idx].contiguous())
        if p < Sall.shape[0] and len(scores) == len(hams) - 1:  # aligned with hams
            scores.append(Sall[p][..., idx, :][..., idx].contiguous())
    if not hams:
        raise InputError("no passage has 2 or more tokens; give longer --texts")
    return hams, allowed, sigma, n_keys, beta_star, scores


def _randomize_hf(model, seed: int) -> None:
    """BERT/GPT-2-style initialization: N(0, initializer_range) weights of
    linear layers (GPT-2's ``Conv1D`` included) and embeddings, zero biases,
    unit LayerNorm; every other parameter (RMSNorm scales, attention sinks,
    expert weights) as the architecture's own ``_init_weights`` sets it
    (seeded). Before, GPT-2's ``Conv1D`` attention and MLP weights and
    RMSNorm scales kept their trained values."""
    from torch import nn
    from transformers.pytorch_utils import Conv1D

    std = float(getattr(model.config, "initializer_range", 0.02))
    g = torch.Generator().manual_seed(seed)
    rest = []
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Linear | nn.Embedding | Conv1D):
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * std)
                if getattr(m, "bias", None) is not None:
                    m.bias.zero_()
            elif isinstance(m, nn.LayerNorm):
                if m.weight is not None:
                    m.weight.fill_(1.0)
                if m.bias is not None:
                    m.bias.zero_()
            elif any(True for _ in m.parameters(recurse=False)):
                rest.append(m)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            for m in rest:
                for p in m.parameters(recurse=False):
                    p._is_hf_initialized = False  # loaded weights are marked initialized
                model._init_weights(m)


def _check_supported(name: str, cap) -> None:
    """Refuse what the layer Hamiltonians cannot describe: attention sinks (a
    state outside the tokens: the rows sum to less than 1 over them, and the
    ``N x N`` operators of eq. 5 have no place for it) and heads of one layer
    that see different keys (the head sum of eq. 5 needs one mask per layer).
    Soft-capping, a position bias and per-layer masks are read exactly."""
    from isingformer.errors import ModelLoadError

    if any(r.sink is not None for r in cap.records):
        raise ModelLoadError(
            f"layers: {name} has attention sinks, a state outside the tokens that the N x N "
            "layer operators cannot hold (its rows sum to less than 1 over the tokens); not "
            "supported (isingformer analyze reads such models)"
        )
    differ = [layer for layer, a in enumerate(cap.allowed) if not bool((a == a[:, :1]).all())]
    if differ:
        raise ModelLoadError(
            f"layers: the heads of layers {differ} of {name} see different keys; the head sum "
            "H⁽ˡ⁾ = Σ_h E⁽ˡ'ʰ⁾ needs one mask per layer (isingformer analyze reads such models)"
        )


def _hf(model, texts, n_texts, max_tokens, random_init, critical, seed, device):
    from isingformer.probe import capture_qk, default_texts, load_model

    lm = load_model(model, device=device)
    if random_init:
        _randomize_hf(lm.model, seed)
    words = max(160, max_tokens)  # enough words for max_tokens tokens
    passages = texts if texts is not None else default_texts(n_texts, words=words, seed=seed)
    cap = capture_qk(lm, passages, max_tokens)
    _check_supported(lm.name, cap)
    beta_heads = np.array([[s] * int(q.shape[1]) for q, s in zip(cap.q, cap.scale, strict=True)])

    def energy(layer: int) -> torch.Tensor:  # −logits/β_model: soft-capping, bias included
        return cap.records[layer].energies()[0].cpu()

    parts = _stack(
        energy, [a.cpu() for a in cap.allowed], cap.token_mask.cpu(), beta_heads, critical, seed
    )
    name = lm.name + (" (random init)" if random_init else "")
    return name, str(lm.path), beta_heads, parts, False


def _gpt_windows(cfg, texts, n_texts, max_tokens, tok_data) -> torch.Tensor:
    T = min(max_tokens, cfg.context)
    if texts is not None:
        rows = [tok_data.tokenizer.encode(t)[:T] for t in texts]
        T = min(len(r) for r in rows)
        if T < 2:
            raise InputError("--texts: every passage needs at least 2 tokens for this model")
        return torch.as_tensor(np.stack([r[:T] for r in rows]).astype(np.int64))
    val = np.asarray(tok_data.val)
    if len(val) < T + 1:
        raise InputError("the checkpoint's validation text is shorter than --max-tokens")
    starts = np.linspace(0, len(val) - T - 1, n_texts).astype(np.int64)
    return torch.as_tensor(np.stack([val[s : s + T] for s in starts]).astype(np.int64))


def _gpt(checkpoint, texts, n_texts, max_tokens, random_init, critical, seed, device):
    from isingformer.lm import build_model, load_checkpoint, prepare_data_for, resume_config
    from isingformer.lm.dynamics import beta_matrix

    ckpt = load_checkpoint(checkpoint)
    cfg = resume_config(checkpoint)
    model = build_model(cfg, int(ckpt["vocab_size"]))
    if cfg.attention != "beta":
        raise InputError("--checkpoint: only β-attention GPTs (attention='beta') can be read")
    if not random_init:
        model.load_state_dict(ckpt["model"])
    model.eval().to(device)
    data = prepare_data_for(cfg)
    x = _gpt_windows(cfg, texts, n_texts, max_tokens, data).to(device)
    layers = model.attention_layers()
    for layer in layers:
        layer.capture = True
    try:
        with torch.no_grad():
            model(x)
        qs = [layer.last_q.cpu() for layer in layers]
        ks = [layer.last_k.cpu() for layer in layers]
    finally:
        for layer in layers:
            layer.capture = False
            layer.last_q = layer.last_k = layer.last_mask = None
    B, T = x.shape
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))[None, None].expand(B, 1, T, T)
    beta_heads = np.asarray(beta_matrix(model), dtype=np.float64)
    parts = _stack(
        lambda layer: attention_energies(qs[layer].double(), ks[layer].double()),
        [causal] * len(qs),
        torch.ones(B, T, dtype=torch.bool),
        beta_heads,
        critical,
        seed,
    )
    shape = f"GPT {cfg.n_layer}x{cfg.n_head}x{cfg.d_model}"
    where = Path(checkpoint).resolve().parent.name
    name = f"{shape} ({where}) step {int(ckpt['step'])}"
    if random_init:
        name = f"{shape} (random init)"
    return name, str(checkpoint), beta_heads, parts, True


def capture_layers(
    model: str | Path | None = None,
    texts: list[str] | None = None,
    *,
    checkpoint: str | Path | None = None,
    random_init: bool = False,
    n_texts: int = 16,
    max_tokens: int = 128,
    critical: bool = True,
    seed: int = 0,
    device: str = "cpu",
) -> LayerStack:
    """Capture the layer Hamiltonians of a Hugging Face model (``model``, default
    the packaged MiniLM) or of a GPT checkpoint (``checkpoint``) on ``texts``
    (default: ``n_texts`` fixed Shakespeare passages; for a GPT, windows of its
    own validation text). ``critical`` also measures every head's β*."""
    if model is not None and checkpoint is not None:
        raise InputError("give either --model or --checkpoint, not both")
    if n_texts < 1:
        raise InputError(f"--n-texts must be >= 1, got {n_texts}")
    if max_tokens < 2:
        raise InputError(f"--max-tokens must be >= 2, got {max_tokens}")
    fn = _hf if checkpoint is None else _gpt
    src = model if checkpoint is None else checkpoint
    name, source, beta_heads, parts, causal = fn(
        src, texts, n_texts, max_tokens, random_init, critical, seed, device
    )
    hams, allowed, sigma, n_keys, beta_star, scores = parts
    # e.g. a HF decoder: no layer lets a query see a later key (a bidirectional
    # window, as ModernBERT's local layers, is not causal)
    causal = causal or all(not bool(torch.triu(a, 1).any()) for a in allowed)
    notes = []
    spread = float(beta_heads.max() / beta_heads.min()) if beta_heads.min() > 0 else math.inf
    if spread > 1.0 + 1e-9:
        notes.append(
            f"the heads' β differ (max/min {spread:.3g}): H⁽ˡ⁾ weights each head by β_h/β_model"
        )
    return LayerStack(
        name, source, hams, allowed, beta_heads, sigma, n_keys, beta_star, causal, scores, notes
    )
