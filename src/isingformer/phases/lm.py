"""Exact next-token distributions of a causal LM along a control parameter.

Every function returns ``dist(j) -> [P, S, V]`` (prompts, positions,
vocabulary; float64 numpy) for :func:`~isingformer.phases.detector.window_terms`:

- sampling temperature: one forward pass, then ``softmax(logits / T_j)`` for
  the whole ``[P, S, V]`` block at once (no loop over tokens);
- attention β: one forward pass per grid point with every head's β multiplied
  by the factor ``f_j`` (our GPT: the query rows of ``W_q, b_q`` scaled, which
  is exact for every policy but ``qk_norm``; a Hugging Face model: the
  adapter's ``beta=`` at ``f_j · β_model`` of each layer).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from isingformer.errors import InputError

__all__ = [
    "gpt_beta_distributions",
    "hf_beta_distributions",
    "lm_logits",
    "temperature_distributions",
    "temperature_terms",
]


def _logits_of(out) -> torch.Tensor:
    return out[0] if isinstance(out, tuple) else out.logits


@torch.no_grad()
def lm_logits(model, idx: torch.Tensor, batch: int = 16) -> torch.Tensor:
    """Next-token logits ``[P, S, V]`` (float64, CPU) of ``idx [P, S]``, in batches of prompts."""
    parts = [_logits_of(model(idx[i : i + batch])) for i in range(0, idx.shape[0], batch)]
    return torch.cat(parts).double().cpu()


def temperature_distributions(
    logits: torch.Tensor, temperatures: np.ndarray
) -> Callable[[int], np.ndarray]:
    """``dist(j) = softmax(logits / T_j)`` over the last axis: ``[P, S, V]``."""
    temps = np.asarray(temperatures, dtype=np.float64)
    if np.any(temps <= 0):
        raise InputError("--grid: temperatures must be > 0")

    def dist(j: int) -> np.ndarray:
        return torch.softmax(logits / float(temps[j]), dim=-1).numpy()

    return dist


@torch.no_grad()
def temperature_terms(logits: torch.Tensor, temperatures: np.ndarray) -> dict[str, np.ndarray]:
    """Per-prompt divergences between the neighbours of every interior temperature
    (window 1), straight from one forward pass's ``logits [P, S, V]``.

    The same numbers as :func:`~isingformer.phases.detector.window_terms` of
    :func:`temperature_distributions` (to about 1e-7 relative, float32
    probabilities; tested against that float64 path), without a Python loop over
    grid points or tokens and without a ``[G, P, S, V]`` tensor: one compiled pass
    per position computes ``softmax(z / T)`` at every grid temperature and TV, the
    linear divergence and JS of every pair ``(T_{i−1}, T_{i+1})``
    (:mod:`isingformer.phases._kernels`; positions split over torch's thread
    count, the same numbers on any count). Returns ``{name: [G − 2, P]}``.
    """
    temps = np.asarray(temperatures, dtype=np.float64)
    if np.any(temps <= 0):
        raise InputError("--grid: temperatures must be > 0")
    if temps.size < 3:
        raise InputError("temperature_terms needs at least 3 grid points")
    from isingformer.phases._kernels import temperature_pair_divergences

    P, S, V = logits.shape
    z = np.ascontiguousarray(logits.detach().cpu().reshape(P * S, V).double().numpy())
    G = temps.size
    N = P * S
    tv, lin, js = (np.empty((G - 2, N)) for _ in range(3))
    args = (z, (1.0 / temps).astype(np.float32), tv, lin, js)
    threads = max(1, torch.get_num_threads())  # set by isingformer.threads.set_threads
    if threads == 1 or N < 2:
        temperature_pair_divergences(*args, 0, N)
    else:  # row ranges handed out dynamically (a loaded machine deschedules threads)
        from concurrent.futures import ThreadPoolExecutor

        step = max(1, N // (8 * threads))
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda r: temperature_pair_divergences(*args, r, min(N, r + step)),
                          range(0, N, step)))  # fmt: skip
    js = np.clip(js / np.log(2.0), 0.0, 1.0)  # bits
    pairs = (("tv", tv), ("js", js), ("linear", lin))
    return {k: v.reshape(G - 2, P, S).mean(axis=2) for k, v in pairs}


def gpt_beta_distributions(
    model, idx: torch.Tensor, factors: np.ndarray
) -> Callable[[int], np.ndarray]:
    """Our GPT with every head's β multiplied by ``factors[j]`` (weights restored after each call)."""
    layers = [a for a in model.attention_layers() if hasattr(a, "qkv")]
    if not layers:
        raise InputError("--parameter beta: this model has no β-attention layers")
    for a in layers:
        if getattr(getattr(a, "policy", None), "name", "") == "qk_norm":
            raise InputError("--parameter beta: qk_norm normalizes q, so β cannot be scaled")
    d = model.blocks[0].ln1.normalized_shape[0]

    @torch.no_grad()
    def dist(j: int) -> np.ndarray:
        f = float(factors[j])
        saved = [(a.qkv.weight[:d].clone(), a.qkv.bias[:d].clone()) for a in layers]
        try:
            for a in layers:
                a.qkv.weight[:d].mul_(f)
                a.qkv.bias[:d].mul_(f)
            logits = lm_logits(model, idx)
        finally:
            for a, (w, b) in zip(layers, saved, strict=True):
                a.qkv.weight[:d].copy_(w)
                a.qkv.bias[:d].copy_(b)
        return torch.softmax(logits, dim=-1).numpy()

    return dist


def hf_beta_distributions(
    model, idx: torch.Tensor, factors: np.ndarray
) -> Callable[[int], np.ndarray]:
    """A Hugging Face causal LM (loaded with ``attn_implementation="isingformer"``)
    with every head at ``f_j · β_model`` of its layer."""
    from isingformer.attention import QKCapture, beta_scope

    with torch.no_grad(), QKCapture() as cap:
        model(idx[:1])
    scales = torch.tensor([r.scale for r in cap.records], dtype=torch.float64)  # [L]
    heads = [int(r.q.shape[1]) for r in cap.records]
    if not heads:
        raise InputError("--model: no attention layer ran through the isingformer adapter")

    def dist(j: int) -> np.ndarray:
        beta = float(factors[j]) * scales[:, None].expand(len(heads), max(heads))
        with beta_scope(beta.float()):
            logits = lm_logits(model, idx)
        return torch.softmax(logits, dim=-1).numpy()

    return dist
