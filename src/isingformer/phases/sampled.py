"""The detector from sampled continuations, for output spaces that cannot be
enumerated (multi-token continuations), over any control parameter λ.

With ``x(s) = p(s) / (p(s) + q(s))`` (the optimal predictor of Arnold et al.
2024) every indicator is an expectation under the two distributions being
compared, so it is estimated from samples of each, scored under both:

- total variation ``½ (E_p[sign(2x − 1)] − E_q[sign(2x − 1)])``;
- linear ``½ (E_p[2x − 1] − E_q[2x − 1])``;
- Jensen–Shannon (bits) ``½ (E_p[log₂ 2x] + E_q[log₂ 2(1 − x)])``.

At grid point j, ``n_samples`` continuations of ``length`` tokens per prompt
are drawn from the model at λ_j; the terms at interior point i compare the
samples of λ_{i−1} and λ_{i+1}, each scored at both. The estimator
(:func:`sampled_terms`) sees the model only through a *scorer*
(:class:`Scorer`): ``sample(j, …)`` draws from λ_j and ``score(seqs, start,
js)`` gives ``ln p_λ(seqs[:, start:] | seqs[:, :start])`` at the grid points
``js``. Two scorers:

- :class:`TemperatureScorer`: one scoring forward pass gives every grid
  temperature, ``ln p_T(s) = Σ_t [z_t(s_t)/T − ln Σ_v exp(z_t(v)/T)]`` with
  ``z_t`` the logits given the prefix (the same at every T);
- :class:`ConfigurationScorer`: each grid point is a different model or
  configuration (attention β, a checkpoint of a series, …), entered through a
  context manager ``at(j)`` that yields the model; one scoring forward pass per
  (sample set, grid point). :func:`beta_scorer` builds it for every head's β
  times a factor, on our GPT and on a Hugging Face model through the
  isingformer attention adapter.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager as ContextManager
from typing import Protocol

import numpy as np
import torch

from isingformer.errors import InputError

__all__ = [
    "ConfigurationScorer",
    "Scorer",
    "TemperatureScorer",
    "beta_scorer",
    "checkpoint_scorer",
    "indicator_errors",
    "sampled_temperature_terms",
    "sampled_terms",
    "sequence_logprobs",
]

_ELEMENTS = 1 << 26  # logits entries per forward pass at most (as phases.lm.lm_logits)
_FIRST = 8  # rows of the first block, which tells the vocabulary size


def _blocks(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, then) -> list:
    """``then(fn(block))`` over row blocks of ``x [B, t]``: the first of ``_FIRST``
    rows, the others as large as ``_ELEMENTS`` entries of ``[rows, t, V]`` allow."""
    z = fn(x[:_FIRST])
    rows = max(1, _ELEMENTS // (x.shape[1] * z.shape[-1]))
    out = [then(z)]
    for a in range(_FIRST, x.shape[0], rows):
        out.append(then(fn(x[a : a + rows])))
    return out


def _logits(model, x: torch.Tensor, positions: slice) -> torch.Tensor:
    """The model's logits at ``positions`` of ``x [B, t]``: ``[B, ·, V]`` (float64)."""
    out = model(x)
    return (out[0] if isinstance(out, tuple) else out.logits)[:, positions].double()


def _continuation_logits(model, seqs: torch.Tensor, start: int) -> torch.Tensor:
    """Logits predicting ``seqs[:, start:]``: ``[B, L, V]`` (float64), in blocks."""
    keep = slice(start - 1, -1)
    return torch.cat(_blocks(lambda x: _logits(model, x, keep), seqs, lambda z: z))


@torch.no_grad()
def sequence_logprobs(model, seqs: torch.Tensor, start: int, temperatures) -> torch.Tensor:
    """``ln p_T(seqs[:, start:] | seqs[:, :start])`` at every temperature: ``[G, B]``
    for ``seqs [B, start + L]`` (one forward pass)."""
    z = _continuation_logits(model, seqs, start)  # [B, L, V]
    tok = seqs[:, start:].to(z.device)  # [B, L]
    inv = torch.as_tensor(1.0 / np.asarray(temperatures, dtype=np.float64)).to(z.device)
    inv = inv.view(-1, 1, 1)
    chosen = z.gather(2, tok[..., None])[..., 0]  # [B, L]
    lse = torch.logsumexp(z[None] * inv[..., None], dim=-1)  # [G, B, L]
    return (chosen[None] * inv - lse).sum(dim=-1).cpu()  # [G, B]


@torch.no_grad()
def _sample(
    next_logits: Callable[[torch.Tensor], torch.Tensor],
    idx: torch.Tensor,
    n: int,
    length: int,
    g: torch.Generator,
) -> torch.Tensor:
    """``n`` continuations of ``length`` tokens per prompt ``idx [P, S]``, with
    ``next_logits(x [B, t]) -> [B, V]`` the logits of the next token:
    ``[P·n, S + length]`` (prompt-major)."""
    x = idx.repeat_interleave(n, dim=0)

    def draw(z: torch.Tensor) -> torch.Tensor:
        return torch.multinomial(torch.softmax(z, dim=-1).cpu(), 1, generator=g)

    for _ in range(length):
        x = torch.cat([x, torch.cat(_blocks(next_logits, x, draw)).to(x.device)], dim=1)
    return x


class Scorer(Protocol):
    """A family of causal LMs over a grid λ_0 … λ_{G−1} (``size`` = G)."""

    size: int

    def sample(
        self, j: int, idx: torch.Tensor, n: int, length: int, g: torch.Generator
    ) -> torch.Tensor:
        """``n`` continuations of ``length`` tokens per prompt ``idx [P, S]`` drawn
        at λ_j: ``[P·n, S + length]`` (prompt-major)."""
        ...

    def score(self, seqs: torch.Tensor, start: int, js: Sequence[int]) -> torch.Tensor:
        """``ln p_{λ_j}(seqs[:, start:] | seqs[:, :start])`` for ``j`` in ``js``: ``[len(js), B]``."""
        ...


class TemperatureScorer:
    """Sampling temperature ``temperatures[j]`` of one model: sampling divides the
    logits by T_j; one forward pass scores a sample set at every temperature."""

    def __init__(self, model, temperatures) -> None:
        self.model = model
        self.temperatures = np.asarray(temperatures, dtype=np.float64)
        self.size = self.temperatures.size

    def sample(self, j, idx, n, length, g):
        t = float(self.temperatures[j])
        return _sample(
            lambda x: _logits(self.model, x, slice(-1, None))[:, 0] / t, idx, n, length, g
        )

    def score(self, seqs, start, js):
        return sequence_logprobs(self.model, seqs, start, self.temperatures[list(js)])


class ConfigurationScorer:
    """Grid point j is the model yielded by the context manager ``at(j)`` (set up
    on entry, restored on exit); one forward pass per (sample set, grid point)."""

    def __init__(self, at: Callable[[int], ContextManager], size: int) -> None:
        self.at, self.size = at, int(size)

    def sample(self, j, idx, n, length, g):
        with self.at(j) as model:
            return _sample(lambda x: _logits(model, x, slice(-1, None))[:, 0], idx, n, length, g)

    def score(self, seqs, start, js):
        rows = []
        for j in js:
            with self.at(j) as model:
                rows.append(sequence_logprobs(model, seqs, start, [1.0])[0])
        return torch.stack(rows)


def beta_scorer(model, factors, source: str) -> ConfigurationScorer:
    """Every head's β times ``factors[j]`` at grid point j: ``source="gpt"`` (our
    GPT: the query rows of ``W_q, b_q`` scaled in place and restored, exact for
    every policy but ``qk_norm``) or ``"hf"`` (a Hugging Face model loaded with
    ``attn_implementation="isingformer"``: the adapter's β at ``f_j · β_model``
    of each layer). The same configurations as
    :func:`~isingformer.phases.lm.gpt_beta_distributions` and
    :func:`~isingformer.phases.lm.hf_beta_distributions`."""
    f = np.asarray(factors, dtype=np.float64)
    if source == "gpt":
        at = _gpt_beta_at(model, f)
    elif source == "hf":
        at = _hf_beta_at(model, f)
    else:
        raise InputError(f"beta_scorer: source must be gpt or hf, got {source!r}")
    return ConfigurationScorer(at, f.size)


def checkpoint_scorer(paths: Sequence, device: str = "cpu", keep: int = 4) -> ConfigurationScorer:
    """Grid point j is the GPT checkpoint ``paths[j]`` (e.g. the training steps of
    :func:`~isingformer.phases.series.checkpoint_series`): loaded when first
    entered, the last ``keep`` loaded models kept in memory."""
    from functools import lru_cache

    from isingformer.lm.sample import load_trained

    @lru_cache(maxsize=keep)
    def load(j: int):
        return load_trained(paths[j], device=device).model

    return ConfigurationScorer(lambda j: contextlib.nullcontext(load(j)), len(paths))


def _gpt_beta_at(model, f: np.ndarray) -> Callable[[int], ContextManager]:
    layers = [a for a in model.attention_layers() if hasattr(a, "qkv")]
    if not layers:
        raise InputError("--parameter beta: this model has no β-attention layers")
    if any(getattr(getattr(a, "policy", None), "name", "") == "qk_norm" for a in layers):
        raise InputError("--parameter beta: qk_norm normalizes q, so β cannot be scaled")
    d = model.blocks[0].ln1.normalized_shape[0]

    @contextlib.contextmanager
    def at(j: int) -> Iterator:
        saved = [(a.qkv.weight[:d].clone(), a.qkv.bias[:d].clone()) for a in layers]
        try:
            with torch.no_grad():
                for a in layers:
                    a.qkv.weight[:d].mul_(float(f[j]))
                    a.qkv.bias[:d].mul_(float(f[j]))
            yield model
        finally:
            with torch.no_grad():
                for a, (w, b) in zip(layers, saved, strict=True):
                    a.qkv.weight[:d].copy_(w)
                    a.qkv.bias[:d].copy_(b)

    return at


def _hf_beta_at(model, f: np.ndarray) -> Callable[[int], ContextManager]:
    from isingformer.attention import QKCapture, beta_scope

    device = next(model.parameters()).device
    with torch.no_grad(), QKCapture() as cap:
        model(torch.zeros((1, 2), dtype=torch.long, device=device))
    if not cap.records:
        raise InputError("--model: no attention layer ran through the isingformer adapter")
    scales = torch.tensor([r.scale for r in cap.records], dtype=torch.float32)  # [L]
    heads = max(int(r.q.shape[1]) for r in cap.records)
    beta = scales[:, None].expand(len(scales), heads)  # [L, H]: the model's own β

    @contextlib.contextmanager
    def at(j: int) -> Iterator:
        with beta_scope(float(f[j]) * beta):
            yield model

    return at


def sampled_terms(
    scorer: Scorer,
    idx: torch.Tensor,
    *,
    n_samples: int = 64,
    length: int = 4,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Per-prompt indicator estimates between the neighbours of every interior grid
    point (window 1) from sampled continuations.

    ``idx [P, S]`` prompts; returns ``{name: [G − 2, P]}`` for ``tv``, ``js``,
    ``linear`` (as :func:`~isingformer.phases.detector.window_terms`, so
    :func:`~isingformer.phases.detector.detect_from_terms` applies) and
    ``{name}_se`` (the standard error of each per-prompt estimate from the
    sample variances of the two expectations). Cost: per grid point ``length``
    sampling passes over ``P · n_samples`` sequences, and the scorer's passes
    for the grid points ``j − 2, j, j + 2`` that use its samples (one pass for
    temperature, up to three for a configuration).
    """
    G = scorer.size
    if G < 3:
        raise InputError("sampled continuations need at least 3 grid points")
    if n_samples < 2 or length < 1:
        raise InputError("sampled continuations need n_samples >= 2 and length >= 1")
    P, S = idx.shape
    g = torch.Generator().manual_seed(seed)
    lp: list[dict[int, np.ndarray]] = []  # lp[j][k]: [P, n] ln p_k of the samples of j
    for j in range(G):  # the samples of j are compared with those of j ± 2 (window 1)
        partners = [k for k in (j - 2, j + 2) if 0 <= k < G]
        ks = sorted([j, *partners]) if partners else []  # G = 3: the middle is not used
        if ks:
            seqs = scorer.sample(j, idx, n_samples, length, g)
            rows = scorer.score(seqs, S, ks).view(len(ks), P, n_samples).numpy()
        lp.append(dict(zip(ks, rows, strict=True)) if ks else {})
    out: dict[str, list] = {k: [] for k in ("tv", "js", "linear", "tv_se", "js_se", "linear_se")}
    ln2 = np.log(2.0)
    for i in range(1, G - 1):
        # d = ln q − ln p, p = P(λ_{i−1}), q = P(λ_{i+1}); x = p/(p + q) = 1/(1 + e^d)
        da = lp[i - 1][i + 1] - lp[i - 1][i - 1]  # at p's samples [P, n]
        db = lp[i + 1][i + 1] - lp[i + 1][i - 1]  # at q's samples
        pairs = {
            "tv": (-np.sign(da), np.sign(db)),
            "linear": (np.tanh(-da / 2), np.tanh(db / 2)),  # 2x − 1 = tanh(−d/2)
            # log₂ 2x = (ln 2 − ln(1 + e^d)) / ln 2, finite for any d
            "js": ((ln2 - np.logaddexp(0, da)) / ln2, (ln2 - np.logaddexp(0, -db)) / ln2),
        }
        for name, (fa, fb) in pairs.items():
            out[name].append(0.5 * (fa.mean(axis=1) + fb.mean(axis=1)))
            var = fa.var(axis=1, ddof=1) + fb.var(axis=1, ddof=1)
            out[f"{name}_se"].append(0.5 * np.sqrt(var / n_samples))
    return {k: np.stack(v) for k, v in out.items()}


def sampled_temperature_terms(
    model,
    idx: torch.Tensor,
    temperatures,
    *,
    n_samples: int = 64,
    length: int = 4,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """:func:`sampled_terms` over sampling temperature (one scoring pass per grid point)."""
    T = np.asarray(temperatures, dtype=np.float64)
    if T.ndim != 1 or T.size < 3 or np.any(T <= 0):
        raise InputError("sampled continuations need at least 3 temperatures > 0")
    return sampled_terms(
        TemperatureScorer(model, T), idx, n_samples=n_samples, length=length, seed=seed
    )


def indicator_errors(terms: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The sampling standard error of each indicator (the mean over prompts of the
    per-prompt estimates of :func:`sampled_terms`, independent samples per prompt):
    ``{name: [G − 2]}``. The bands over prompts (Student-t) contain this noise as
    well as the prompts' spread."""
    return {
        k: np.sqrt((terms[f"{k}_se"] ** 2).sum(axis=1)) / terms[k].shape[1]
        for k in ("tv", "js", "linear")
    }
