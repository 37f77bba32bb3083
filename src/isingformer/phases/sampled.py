"""The detector from sampled continuations, for output spaces that cannot be
enumerated (multi-token continuations), over sampling temperature.

With ``x(s) = p(s) / (p(s) + q(s))`` (the optimal predictor of Arnold et al.
2024) every indicator is an expectation under the two distributions being
compared, so it is estimated from samples of each, scored under both:

- total variation ``½ (E_p[sign(2x − 1)] − E_q[sign(2x − 1)])``;
- linear ``½ (E_p[2x − 1] − E_q[2x − 1])``;
- Jensen–Shannon (bits) ``½ (E_p[log₂ 2x] + E_q[log₂ 2(1 − x)])``.

For sampling temperature a continuation's log-probability at every grid
temperature comes from one scoring forward pass of the sampled sequence:
``ln p_T(s) = Σ_t [z_t(s_t)/T − ln Σ_v exp(z_t(v)/T)]`` with ``z_t`` the logits
given the prefix (the same at every T). At grid point j, ``n_samples``
continuations of ``length`` tokens per prompt are drawn at T_j; the terms at
interior point i compare the samples of T_{i−1} and T_{i+1}, each scored at
both temperatures.
"""

from __future__ import annotations

import numpy as np
import torch

from isingformer.errors import InputError

__all__ = ["sampled_temperature_terms", "sequence_logprobs"]


def _logits(model, x: torch.Tensor) -> torch.Tensor:
    out = model(x)
    return (out[0] if isinstance(out, tuple) else out.logits).double()


@torch.no_grad()
def sequence_logprobs(model, seqs: torch.Tensor, start: int, temperatures) -> torch.Tensor:
    """``ln p_T(seqs[:, start:] | seqs[:, :start])`` at every temperature: ``[G, B]``
    for ``seqs [B, start + L]`` (one forward pass)."""
    z = _logits(model, seqs)[:, start - 1 : -1]  # [B, L, V]: predicts tokens start…
    tok = seqs[:, start:]  # [B, L]
    inv = torch.as_tensor(1.0 / np.asarray(temperatures, dtype=np.float64)).view(-1, 1, 1)
    chosen = z.gather(2, tok[..., None])[..., 0]  # [B, L]
    lse = torch.logsumexp(z[None] * inv[..., None], dim=-1)  # [G, B, L]
    return (chosen[None] * inv - lse).sum(dim=-1)  # [G, B]


@torch.no_grad()
def _sample(model, idx: torch.Tensor, temperature: float, n: int, length: int, g) -> torch.Tensor:
    """``n`` continuations of ``length`` tokens per prompt at ``temperature``:
    ``[P·n, S + length]`` (prompt-major)."""
    x = idx.repeat_interleave(n, dim=0)
    for _ in range(length):
        z = _logits(model, x)[:, -1] / temperature
        nxt = torch.multinomial(torch.softmax(z, dim=-1), 1, generator=g)
        x = torch.cat([x, nxt], dim=1)
    return x


def sampled_temperature_terms(
    model,
    idx: torch.Tensor,
    temperatures,
    *,
    n_samples: int = 64,
    length: int = 4,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Per-prompt indicator estimates between the neighbours of every interior grid
    temperature (window 1) from sampled continuations.

    ``idx [P, S]`` prompts; returns ``{name: [G − 2, P]}`` for ``tv``, ``js``,
    ``linear`` (as :func:`~isingformer.phases.detector.window_terms`, so
    :func:`~isingformer.phases.detector.detect_from_terms` applies) and
    ``{name}_se`` (the standard error of each per-prompt estimate from the
    sample variances of the two expectations). Cost: per grid point ``length``
    sampling passes and one scoring pass over ``P · n_samples`` sequences.
    """
    T = np.asarray(temperatures, dtype=np.float64)
    if T.ndim != 1 or T.size < 3 or np.any(T <= 0):
        raise InputError("sampled continuations need at least 3 temperatures > 0")
    if n_samples < 2 or length < 1:
        raise InputError("sampled continuations need n_samples >= 2 and length >= 1")
    P, S = idx.shape
    g = torch.Generator().manual_seed(seed)
    lp = []  # per grid point j: [G, P, n] log-probabilities of its samples at every T
    for t in T:
        seqs = _sample(model, idx, float(t), n_samples, length, g)
        lp.append(sequence_logprobs(model, seqs, S, T).view(T.size, P, n_samples).numpy())
    out: dict[str, list] = {k: [] for k in ("tv", "js", "linear", "tv_se", "js_se", "linear_se")}
    for i in range(1, T.size - 1):
        a, b = lp[i - 1], lp[i + 1]  # samples of p = P(T_{i−1}) and q = P(T_{i+1})
        xa = 1.0 / (1.0 + np.exp(a[i + 1] - a[i - 1]))  # x = p/(p + q) at p's samples [P, n]
        xb = 1.0 / (1.0 + np.exp(b[i + 1] - b[i - 1]))
        with np.errstate(divide="ignore"):
            js_a = np.log2(2.0 * xa)
            js_b = np.log2(2.0 * (1.0 - xb))
        pairs = {
            "tv": (np.sign(2 * xa - 1), -np.sign(2 * xb - 1)),
            "linear": (2 * xa - 1, -(2 * xb - 1)),
            "js": (js_a, js_b),
        }
        for name, (fa, fb) in pairs.items():
            out[name].append(0.5 * (fa.mean(axis=1) + fb.mean(axis=1)))
            var = fa.var(axis=1, ddof=1) + fb.var(axis=1, ddof=1)
            out[f"{name}_se"].append(0.5 * np.sqrt(var / n_samples))
    return {k: np.stack(v) for k, v in out.items()}
