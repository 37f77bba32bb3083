"""The spin map over a training run's checkpoints: T_c(t), the bond spectrum and a
power-law fit T_c ∝ t^α (``isingformer phases spin``)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from isingformer.errors import InputError
from isingformer.phases.spin import gpt_bond_matrix, tc_layered, tc_squared_bonds, tc_tap

__all__ = ["powerlaw_fit", "spin_study"]


def powerlaw_fit(t, y) -> dict:
    """Least-squares ``ln y = a + α ln t`` over ``t > 0``: ``exponent``, ``ci`` (95 %
    Student-t, n − 2 degrees of freedom), ``n``; None values with fewer than 3 points."""
    from scipy import stats

    t, y = np.asarray(t, dtype=np.float64), np.asarray(y, dtype=np.float64)
    keep = (t > 0) & (y > 0)
    x, z = np.log(t[keep]), np.log(y[keep])
    n = int(x.size)
    if n < 3:
        return {"exponent": None, "ci": None, "n": n, "method": "too few points"}
    fit = stats.linregress(x, z)
    half = float(stats.t.ppf(0.975, n - 2) * fit.stderr)
    return {
        "exponent": float(fit.slope),
        "ci": [float(fit.slope - half), float(fit.slope + half)],
        "n": n,
        "method": "least squares in log-log, Student-t 95 % CI (n − 2 dof)",
    }


def spin_study(checkpoints: str | Path, top: int = 8) -> dict:
    """Every ``*.pt`` GPT checkpoint in a directory, ordered by training step.

    Returns ``steps``, ``tc`` (per step ``value``: the TAP instability
    temperature of the MLP bond matrix, ``err``: None — a property of the
    given weights, no sampling), ``tc_rs`` (ρ(J∘J)^½), ``tap_lambda``,
    ``spectrum`` (the ``top`` largest eigenvalues of J per step),
    ``tc_init_theory`` (the closed-form layered T_c of the GPT-2
    initialization of this architecture) and ``powerlaw`` (T_c(t) ∝ t^α).
    """
    from isingformer.lm.sample import load_trained

    d = Path(checkpoints)
    if not d.is_dir():
        raise InputError(f"--checkpoints: {d} is not a directory")
    paths = sorted(d.glob("*.pt"))
    if not paths:
        raise InputError(f"--checkpoints: no *.pt checkpoint in {d}")
    rows = []
    for p in paths:
        tm = load_trained(p)
        J, sizes = gpt_bond_matrix(tm.model)
        t_tap, lam = tc_tap(J)
        ev = np.linalg.eigvalsh(J)[::-1][:top]
        rows.append(
            (tm.step, t_tap, lam, tc_squared_bonds(J), ev.tolist(), tm.config.n_layer, sizes)
        )
    rows.sort(key=lambda r: r[0])
    n_layer, sizes = rows[0][5], rows[0][6]
    std_proj = 0.02 / math.sqrt(2 * n_layer)  # GPT-2 initialization (lm.model)
    steps = [r[0] for r in rows]
    tc = [r[1] for r in rows]
    return {
        "checkpoints": [str(p) for p in paths],
        "steps": steps,
        "tc": [{"value": v, "err": None} for v in tc],
        "tc_rs": [r[3] for r in rows],
        "tap_lambda": [r[2] for r in rows],
        "spectrum": [r[4] for r in rows],
        "layer_sizes": sizes,
        "tc_init_theory": tc_layered(sizes, [0.02**2, std_proj**2] * n_layer),
        "powerlaw": powerlaw_fit(steps, tc),
    }
