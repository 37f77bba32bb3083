"""Systems with known transitions on which the detector is validated.

- :func:`ising_validation`: configurations of the 2D Ising model on an L x L
  torus over temperature (our Monte Carlo, Wolff). The energy is a sufficient
  statistic of a Boltzmann distribution, so every f-divergence between the
  configuration distributions at two temperatures equals the one between
  their energy distributions: the detector runs on energy histograms (shared
  bins) of independent chains (the "prompts"). Expected: the maximum over T of
  the exact Fisher information ``F_T = N c(T) / T²`` of the finite torus
  (Kaufman), which lies in the finite-size window of Onsager's T_c.
- :func:`rem_validation`: the random energy model over β, exact Gibbs
  distributions over its 2^N states, disorder samples as prompts; on a
  geometric β grid (parameter ln β) the Fisher information is
  ``β² Var(E) = C``, so the expected peak is the finite-N heat-capacity peak.
- :func:`toy_validation`: a two-phase toy language model (:class:`TwoPhaseLM`)
  run through the same temperature path as a GPT: one token of logit ``a_p``
  against ``M`` tokens of logit 0, which condenses onto the single token below
  ``T* ≈ a_p / ln M``. Expected: the maximum of its exact Fisher information.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch
from torch import nn

from isingformer.errors import InputError
from isingformer.phases.detector import detect_from_terms, window_terms
from isingformer.validate import check_float, check_int, check_seed

__all__ = [
    "ONSAGER_TC",
    "TwoPhaseLM",
    "ising_validation",
    "rem_validation",
    "toy_validation",
    "validation_summary",
]

ONSAGER_TC = 2.0 / math.log(1.0 + math.sqrt(2.0))


class TwoPhaseLM(nn.Module):
    """A causal toy LM with a condensation transition in sampling temperature.

    Vocabulary ``M + 1``; at every position the logit of token 0 is
    ``a · (1 + spread · u(last token))`` (``u`` in ``[-1, 1]``, fixed per
    token) and all others are 0: ``forward(idx [B, T]) -> (logits [B, T, M + 1], None)``.
    """

    def __init__(self, m: int = 4096, a: float = 8.0, spread: float = 0.1, seed: int = 0):
        super().__init__()
        m, seed = check_int(m, "m", ge=1), check_seed(seed)
        a, spread = check_float(a, "a"), check_float(spread, "spread")
        g = torch.Generator().manual_seed(seed)
        self.context = 1 << 16
        self.m, self.a = m, a
        u = torch.rand(m + 1, generator=g, dtype=torch.float64) * 2 - 1
        self.register_buffer("gap", a * (1 + spread * u))  # [V]

    def forward(self, idx: torch.Tensor, targets=None):
        gap = self.gap[idx]  # [B, T]
        logits = torch.zeros(*idx.shape, self.m + 1, dtype=torch.float64)
        logits[..., 0] = gap
        return logits, None


def _exact_argmax(fn, lo: float, hi: float, num: int = 4001) -> float:
    x = np.linspace(lo, hi, num)
    return float(x[int(np.argmax(fn(x)))])


def toy_validation(
    temperatures=None, *, m: int = 4096, a: float = 8.0, prompts: int = 32, n_boot: int = 200
) -> dict:
    """Detector on :class:`TwoPhaseLM` over sampling temperature (exact next-token distributions)."""
    from isingformer.phases.lm import lm_logits, temperature_terms

    T = np.linspace(0.5, 1.5, 21) if temperatures is None else np.asarray(temperatures, float)
    model = TwoPhaseLM(m=m, a=a)
    prompts = check_int(prompts, "prompts", ge=1)
    g = torch.Generator().manual_seed(1)
    idx = torch.randint(0, m + 1, (prompts, 4), generator=g)
    logits = lm_logits(model, idx)  # [P, S, V]
    det = detect_from_terms(T, temperature_terms(logits, T))  # the path `detect` takes
    z = logits.reshape(-1, logits.shape[-1])[:, 0].numpy()  # gaps [P·S]

    def fisher(t):  # mean over contexts of Var(z)/T⁴, Var = gap² p (1 − p)
        p = 1.0 / (1.0 + m * np.exp(-z[None, :] / t[:, None]))
        return (z[None, :] ** 2 * p * (1 - p)).mean(axis=1) / t**4

    expected = _exact_argmax(fisher, T[0], T[-1])
    return _summary("two-phase toy LM (sampling temperature)", expected, det, a / math.log(m))


def rem_validation(
    betas=None, *, n_states: int = 4096, samples: int = 32, seed: int = 0, n_boot: int = 200
) -> dict:
    """Detector on the REM over β (geometric grid; exact Gibbs distributions)."""
    from isingformer.ensemble import rem_beta_c, rem_energies

    bc = rem_beta_c(n_states)
    b = np.geomspace(0.3 * bc, 1.5 * bc, 31) if betas is None else np.asarray(betas, float)
    E = rem_energies(n_states, samples, seed=seed).numpy()  # [P, n]

    def gibbs(beta: float) -> np.ndarray:
        w = -beta * E
        w = np.exp(w - w.max(axis=1, keepdims=True))
        return w / w.sum(axis=1, keepdims=True)

    lnb = np.log(b)
    det = detect_from_terms(lnb, window_terms(lambda j: gibbs(b[j]), b.size), n_boot=n_boot)

    def heat_capacity(bb):  # disorder mean of β² Var_β(E)
        out = []
        for x in bb:
            p = gibbs(x)
            m1 = (p * E).sum(axis=1)
            out.append((x * x * ((p * E * E).sum(axis=1) - m1**2)).mean())
        return np.array(out)

    expected = _exact_argmax(heat_capacity, b[0], b[-1], 801)
    res = _summary("REM over beta (ln beta grid)", expected, det, bc, transform=np.exp)
    return res


def ising_validation(
    size: int = 16,
    temperatures=None,
    *,
    chains: int = 8,
    sweeps: int = 1000,
    bins: int = 24,
    seed: int = 0,
    n_boot: int = 200,
) -> dict:
    """Detector on 2D Ising energy histograms over T (Wolff Monte Carlo, ``chains`` prompts)."""
    from isingformer.physics import Sampler, square_ising, wolff

    if size < 4 or size > 128:
        raise InputError(f"--size must be in 4..128, got {size}")
    T = np.linspace(2.0, 2.7, 15) if temperatures is None else np.asarray(temperatures, float)
    model = square_ising(size)
    sampler = Sampler(model, wolff())
    state = sampler.init_state(np.repeat(1.0 / T, chains), seed=seed, start="ordered")
    state = sampler.sweep(state, max(1, sweeps // 5))
    state, smp = sampler.sample(state, sweeps)
    e = smp.energy.reshape(T.size, chains, sweeps) / model.n_spins  # [G, P, n]
    edges = np.linspace(e.min(), e.max() + 1e-9, bins + 1)
    idx = np.clip(np.searchsorted(edges, e, side="right") - 1, 0, bins - 1)
    hist = np.zeros((T.size, chains, bins))
    np.add.at(hist, (*np.indices(idx.shape)[:2], idx), 1.0)
    hist /= sweeps
    det = detect_from_terms(T, window_terms(lambda j: hist[j], T.size), n_boot=n_boot, seed=seed)
    expected = exact_fisher_peak(size, float(T[0]), float(T[-1]))
    return _summary(f"2D Ising L={size} (temperature)", expected, det, ONSAGER_TC)


@functools.lru_cache(maxsize=16)
def exact_fisher_peak(size: int, t_lo: float, t_hi: float) -> float:
    """Position of the maximum over T of the exact ``F_T = N c(T) / T²`` of the
    L x L torus (Kaufman) in ``[t_lo, t_hi]``: a grid of step 0.05, then step
    0.005 around its maximum, then a parabola (resolution well below 0.005)."""
    from isingformer.ensemble import parabolic_peak
    from isingformer.physics import torus_thermodynamics

    def f(t):
        return torus_thermodynamics(size, temperatures=t).specific_heat_per_spin / t**2

    coarse = np.arange(t_lo, t_hi + 1e-9, 0.05)
    t0 = coarse[int(np.argmax(f(coarse)))]
    fine = np.arange(max(t_lo, t0 - 0.05), min(t_hi, t0 + 0.05) + 1e-9, 0.005)
    return float(parabolic_peak(fine, f(fine))[0])


def _summary(system: str, expected: float, det, reference: float, transform=None) -> dict:
    tr = (lambda v: v) if transform is None else transform
    peak = det.peaks[0]
    lo, hi = peak["ci"]
    step = float(np.max(np.diff(det.grid)))
    found = float(tr(peak["value"]))
    return {
        "system": system,
        "expected": float(expected),
        "found": found,
        "ci": [float(tr(lo)), float(tr(hi))],
        "reference": float(reference),
        "grid_step": step,
        # the CI widened by one grid step: the parabolic refinement's resolution
        "agrees": bool(float(tr(lo - step)) <= expected <= float(tr(hi + step))),
        "detection": det.to_dict(),
    }


def validation_summary(results: list[dict]) -> list[dict]:
    """The contract's ``validated_on``: ``system``, ``expected``, ``found``, ``ci``, ``agrees``."""
    keys = ("system", "expected", "found", "ci", "reference", "agrees")
    return [{k: r[k] for k in keys} for r in results]
