"""The spin map over a training run's checkpoints: T_c(t), the bond spectrum and a
power-law fit T_c ∝ t^α (``isingformer phases spin``)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from isingformer.errors import InputError
from isingformer.phases.spin import (
    _check_bonds,
    gpt_bond_matrix,
    gpt_layer_graph,
    tc_layered,
    tc_squared_bonds,
    tc_tap,
)

__all__ = ["ORDERED_M", "powerlaw_fit", "spin_study"]

ORDERED_M = 0.3  # ⟨m⟩ at t_ref above which a checkpoint has hidden order (glass: ~N^-½)


def _known(t: list, y: list) -> tuple[list, list]:
    keep = [i for i, v in enumerate(y) if v is not None]
    return [t[i] for i in keep], [y[i] for i in keep]


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
        "method": "least squares in log-log, Student-t 95 % CI (n − 2 dof; the points "
        "of one run treated as independent: the scatter about a power law, not the "
        "variation between runs, which the t-interval over seeds gives)",
    }


def _gpt2_init_tc(d_model: int, n_layer: int, bonds: str) -> float:
    """The closed-form layered T_c of the GPT-2 initialization (:mod:`isingformer.lm.model`):
    weights N(0, 0.02²), the residual projections ``out`` and ``proj`` N(0, 0.02²/(2 n_layer))."""
    sizes, edges, names = gpt_layer_graph(d_model, n_layer, bonds)
    std_proj = 0.02 / math.sqrt(2 * n_layer)
    var = [std_proj**2 if n in ("out", "proj") else 0.02**2 for n in names]
    return tc_layered(sizes, var, edges)


def spin_study(
    checkpoints: str | Path,
    top: int = 8,
    *,
    sweeps: int = 600,
    seeds: tuple[int, ...] = (0, 1, 2),
    n_temps: int = 24,
    bonds: str = "mlp",
) -> dict:
    """Every ``*.pt`` GPT checkpoint in a directory, ordered by training step, after
    step 0: the initialization, rebuilt from the run's config and seed (unless a
    step-0 checkpoint is there).

    Per checkpoint, from the bond matrix J (``bonds``: ``"mlp"``, the MLP blocks;
    ``"mlp+attention"``, with the attention projections,
    :func:`~isingformer.phases.spin.gpt_bond_matrix`): replica-exchange Monte Carlo
    (:func:`~isingformer.phases.spin_mc.spin_mc`, ``sweeps`` sweeps per seed, two
    real replicas, ``n_temps`` temperatures geometric from half the closed-form
    T_c at initialization, ``t_ref``, to twice the largest TAP T_c of the run)
    gives ``tc`` (``value``: the maximum of the hidden-order susceptibility,
    mean over ``seeds``; ``err``: its standard error; ``ci``: Student-t 95 %;
    None where there is no hidden order: ``ordered`` is ⟨m⟩ at ``t_ref`` >
    ``ORDERED_M``),
    ``magnetization`` (⟨m⟩ along the hidden-order pattern, the signs of the TAP
    solution at half the TAP-iteration T_c, per temperature)
    and ``overlap`` (the histogram of q of two replicas at ``t_ref``: the glass
    of the initialization has a broad P(q), an ordered phase peaks at ±q).
    Also: ``tc_tap`` (the TAP instability of m = 0, eigenvalue criterion),
    ``tc_tap_iteration`` (the damped TAP iteration on the same ladder), ``tc_rs``
    (ρ(J∘J)^½), ``tap_lambda``, ``spectrum`` (the ``top`` largest eigenvalues of
    J), ``tc_init_theory`` (the closed-form layered T_c of the GPT-2
    initialization of this architecture and these bonds), ``bonds``,
    ``powerlaw`` (fit of the Monte Carlo T_c(t) ∝ t^α) and ``powerlaw_tap`` (of
    the TAP T_c). Pattern-free, from the overlap of the two replicas:
    ``tc_overlap`` (per checkpoint, including the initialization: where the
    Binder parameter of the overlap falls below ½ from the cold end,
    :func:`~isingformer.phases.spin_mc.overlap_tc`; ``value``, ``err``, ``ci``,
    ``n``, ``at_edge``, ``method``), ``overlap_rms`` and ``binder_overlap`` (per
    checkpoint, over ``temperatures``) and ``powerlaw_overlap`` (fit of
    ``tc_overlap`` over the trained checkpoints, t > 0). ``sweeps = 0``: no
    Monte Carlo (``tc`` is then the TAP T_c with ``err`` None; ``overlap``,
    ``tc_overlap`` empty).
    """
    from isingformer.lm.sample import load_trained
    from isingformer.phases.spin_mc import hidden_order_direction, spin_mc, tc_tap_iteration

    _check_bonds(bonds)
    from isingformer.phases.series import checkpoint_files

    d = Path(checkpoints)
    paths = checkpoint_files(d)
    from isingformer.lm.train import build_model

    def row(step: int, model, n_layer: int, source: str) -> tuple:
        J, sizes = gpt_bond_matrix(model, bonds)
        t_tap, lam = tc_tap(J)
        ev = np.linalg.eigvalsh(J)[::-1][:top].tolist()
        return (step, J, t_tap, lam, tc_squared_bonds(J), ev, n_layer, sizes, source)

    rows = []
    for p in paths:
        tm = load_trained(p)
        rows.append(row(tm.step, tm.model, tm.config.n_layer, str(p)))
    rows.sort(key=lambda r: r[0])
    seen = [r[0] for r in rows]
    if len(set(seen)) < len(seen):  # copies: a T_c(t) series needs distinct steps
        dup = min(s for s in seen if seen.count(s) > 1)
        raise InputError(f"--checkpoints: several checkpoints at step {dup} in {d}")
    if rows[0][0] > 0:  # the initialization of the run: the same config and seed
        tm = load_trained(rows[0][8])
        init = build_model(tm.config, int(tm.model.wte.weight.shape[0]))
        rows.insert(0, row(0, init, tm.config.n_layer, "initialization (rebuilt from the seed)"))
    n_layer, sizes = rows[0][6], rows[0][7]
    tc_init = _gpt2_init_tc(sizes[0], n_layer, bonds)
    steps = [r[0] for r in rows]
    tc_tap_values = [r[2] for r in rows]
    t_ref = 0.5 * tc_init
    ladder = np.geomspace(t_ref, 2.0 * max([*tc_tap_values, tc_init]), n_temps)
    mc, tap_iter = [], []
    for r in rows:
        t_it = tc_tap_iteration(r[1], ladder, iters=3000, refine=4)["value"]
        tap_iter.append(t_it)
        if sweeps > 0:
            xi = hidden_order_direction(r[1], None if t_it is None else 0.5 * t_it)
            mc.append(spin_mc(r[1], ladder, t_overlap=t_ref, sweeps=sweeps, seeds=seeds, xi=xi))
    ordered = [m["magnetization"][0] > ORDERED_M for m in mc]
    if mc:
        tc = [
            m["tc"] if o else {"value": None, "err": None, "ci": None, "n": m["tc"]["n"]}
            for m, o in zip(mc, ordered, strict=True)
        ]
    else:
        tc = [{"value": v, "err": None} for v in tc_tap_values]
    tc_overlap = [m["tc_overlap"] for m in mc]
    return {
        "checkpoints": [r[8] for r in rows],
        "steps": steps,
        "tc": tc,
        "tc_method": mc[0]["tc"]["method"] if mc else "TAP instability of m = 0 (eigenvalue)",
        "tc_tap": tc_tap_values,
        "tc_tap_iteration": tap_iter,
        "tc_rs": [r[4] for r in rows],
        "tap_lambda": [r[3] for r in rows],
        "spectrum": [r[5] for r in rows],
        "bonds": bonds,
        "layer_sizes": sizes,
        "tc_init_theory": tc_init,
        "t_ref": t_ref,
        "temperatures": ladder.tolist(),
        "magnetization": [m["magnetization"] for m in mc],
        "susceptibility": [m["susceptibility"] for m in mc],
        "overlap": [m["overlap"] for m in mc],
        "ordered": ordered,
        "sweeps": sweeps,
        "seeds": list(seeds),
        "powerlaw": powerlaw_fit(*_known(steps, [t["value"] for t in tc])),
        "powerlaw_tap": powerlaw_fit(steps, tc_tap_values),
        "tc_overlap": tc_overlap,
        "overlap_rms": [m["overlap_rms"] for m in mc],
        "binder_overlap": [m["binder_overlap"] for m in mc],
        "powerlaw_overlap": powerlaw_fit(
            *_known(steps[: len(tc_overlap)], [t["value"] for t in tc_overlap])
        ),
    }
