"""The β-policy question (issue 16, item 3): GPTs trained under the ``sqrt_dk``,
``critical`` and ``fixed`` (β = 1) policies, each run snapshotted along the way;
on the final checkpoint the output-distribution transitions in sampling
temperature and in attention β (:func:`~isingformer.phases.api.detect`), on the
snapshots the TAP T_c(t) of the MLP spin map (as ``spin_study`` computes it).
One training pass per policy and seed feeds both analyses."""

from __future__ import annotations

import itertools
import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from isingformer.errors import InputError

__all__ = [
    "BETA_GRID",
    "POLICIES",
    "POLICY_CONFIG",
    "SNAPSHOTS",
    "T_GRID",
    "monte_carlo_tc",
    "policy_run",
    "summarize_policies",
    "train_series",
]

POLICIES = ("sqrt_dk", "critical", "fixed")
POLICY_KWARGS = {"fixed": {"beta": 1.0}}  # the unscaled dot product (4x sqrt_dk at d_head 16)
# docs/phases.md "The β-policy question at a larger size": 2 layers x 4 heads, width 64
POLICY_CONFIG = dict(
    n_layer=2, n_head=4, d_model=64, context=64, batch_size=16, eval_batches=2,
    eval_every=200, steps=400, warmup=20, recalibrate_every=100, calib_batch=4,
)  # fmt: skip
SNAPSHOTS = (25, 50, 100, 200, 400)
T_GRID = tuple(np.geomspace(0.1, 10, 21).tolist())
BETA_GRID = tuple(np.geomspace(1 / 16, 16, 17).tolist())


def train_series(
    policy: str,
    seed: int,
    workdir: str | Path,
    *,
    config: dict | None = None,
    snapshots: tuple[int, ...] = SNAPSHOTS,
    cache_dir: str | Path | None = None,
) -> tuple[Path, Path]:
    """Train one GPT (``config``, default :data:`POLICY_CONFIG`) under ``policy``
    with ``seed``, stopping and resuming at each of ``snapshots`` (the last one is
    the run's length; resuming is exact, so this is one uninterrupted run) and
    copying the checkpoint there. Returns ``(final checkpoint, directory of the
    snapshot checkpoints step?????.pt)``."""
    from isingformer.lm.config import TrainConfig
    from isingformer.lm.train import train

    if policy not in POLICIES:
        raise InputError(f"policy must be one of {', '.join(POLICIES)}, got {policy!r}")
    steps = [int(k) for k in snapshots]
    if not steps or steps[0] < 1 or any(b <= a for a, b in itertools.pairwise(steps)):
        raise InputError(f"snapshots must be increasing steps >= 1, got {snapshots}")
    cfg_kw = dict(POLICY_CONFIG if config is None else config)
    cfg_kw["steps"] = steps[-1]
    cfg = TrainConfig(
        **cfg_kw,
        policy=policy,
        policy_kwargs=dict(POLICY_KWARGS.get(policy, {})),
        seed=int(seed),
        cache_dir=None if cache_dir is None else str(cache_dir),
    )
    root = Path(workdir) / f"{policy}-{seed}"
    out, series = root / "run", root / "series"
    if series.exists():  # a fresh series: no stale snapshots of an earlier run
        shutil.rmtree(series)
    out.mkdir(parents=True, exist_ok=True)
    series.mkdir()
    ck = None
    for stop in steps:
        stop_after = stop if stop < cfg.steps else None
        ck = train(cfg, out=out, resume=ck, stop_after=stop_after, progress=False).checkpoint
        shutil.copy(ck, series / f"step{stop:05d}.pt")
    return Path(ck), series


def _peak(det: dict) -> dict:
    (p,) = det["peaks"]
    return {
        "value": p["value"],
        "ci": p["ci"],
        "at_edge": p["at_edge"],
        "max_linear": float(max(det["indicators"]["linear"])),
    }


def monte_carlo_tc(
    J: np.ndarray,
    t_tap: float,
    *,
    sweeps: int = 300,
    seeds: tuple[int, ...] = (0, 1, 2),
    n_temps: int = 16,
) -> dict:
    """The Monte Carlo T_c of a bond matrix ``J [N, N]`` with hidden order, as
    ``spin_study`` measures it: replica exchange (:func:`~isingformer.phases.
    spin_mc.spin_mc`, ``sweeps`` per seed, two replicas) on ``n_temps``
    temperatures geometric from 0.3 to 2 times its TAP T_c ``t_tap``, the
    maximum of the susceptibility of the magnetization along the hidden-order
    pattern (the signs of the TAP solution at ``t_tap``/2). Returns ``value``
    (mean over ``seeds``), ``err`` (standard error), ``ci`` (Student-t 95 %),
    ``n`` and ``m_cold`` (⟨m⟩ at the coldest temperature: ordered above 0.3)."""
    from isingformer.phases.spin_mc import hidden_order_direction, spin_mc
    from isingformer.phases.spin_study import ORDERED_M

    ladder = np.geomspace(0.3 * t_tap, 2.0 * t_tap, n_temps)
    xi = hidden_order_direction(J, 0.5 * t_tap)
    mc = spin_mc(J, ladder, t_overlap=float(ladder[0]), sweeps=sweeps, seeds=seeds, xi=xi)
    m_cold = float(mc["magnetization"][0])
    out = {k: mc["tc"][k] for k in ("value", "err", "ci", "n")}
    if m_cold <= ORDERED_M:  # no hidden order: no T_c
        out.update(value=None, err=None, ci=None)
    return {**out, "m_cold": m_cold, "sweeps": sweeps, "temperatures": ladder.tolist()}


def policy_run(
    policy: str,
    seed: int,
    workdir: str | Path,
    *,
    n_prompts: int = 16,
    tokens: int = 64,
    tap_tol: float = 1e-4,
    mc_sweeps: int = 300,
    **training: Any,
) -> dict:
    """One policy and seed: train (:func:`train_series` with ``training``:
    ``config``, ``snapshots``, ``cache_dir``), detect the output
    transitions of the final model over T (:data:`T_GRID`) and over the factor f
    on every head's own β (:data:`BETA_GRID`), log spacing, ``n_prompts``
    validation windows of ``tokens`` tokens; and the TAP T_c of the MLP bond
    matrix at every snapshot (the eigenvalue criterion ``tc_tap`` that
    ``spin_study`` reports as ``tc_tap``, to relative precision ``tap_tol``; the
    damped TAP iteration of ``spin_study`` is left out: at 704 spins it costs
    minutes per run); at the last snapshot also the Monte Carlo T_c
    (:func:`monte_carlo_tc`, ``mc_sweeps`` sweeps, 3 seeds).

    Returns ``policy``, ``seed``, ``temperature`` and ``beta`` (``value`` of the
    peak, its bootstrap ``ci`` over prompts, ``at_edge``, ``max_linear``),
    ``f1_inside`` (f = 1 in the β peak's interval), ``ratio`` (max of the linear
    indicator over T / over β), ``steps`` (the snapshots), ``tc_tap`` (per
    snapshot), ``tc_last``, ``tc_mc_last`` and ``powerlaw_tap`` (least-squares T_c^TAP ∝ t^α over
    the snapshots, :func:`~isingformer.phases.spin_study.powerlaw_fit`)."""
    from isingformer.lm.sample import load_trained
    from isingformer.phases.api import detect
    from isingformer.phases.spin import gpt_bond_matrix, tc_tap
    from isingformer.phases.spin_study import powerlaw_fit

    ck, series = train_series(policy, seed, workdir, **training)
    snapshots = sorted(int(p.stem.removeprefix("step")) for p in series.glob("step*.pt"))
    common = dict(checkpoint=ck, n_prompts=n_prompts, tokens=tokens, validate=False)
    t = _peak(detect(parameter="temperature", grid=np.asarray(T_GRID), spacing="log", **common))
    b = _peak(detect(parameter="beta", grid=np.asarray(BETA_GRID), spacing="log", **common))
    tc = []  # the TAP T_c of spin_study (eigenvalue criterion), per snapshot
    for stop in snapshots:
        J, _ = gpt_bond_matrix(load_trained(series / f"step{stop:05d}.pt").model)
        tc.append(float(tc_tap(J, tol=tap_tol)[0]))
    mc = monte_carlo_tc(J, tc[-1], sweeps=mc_sweeps)  # the last snapshot
    return {
        "policy": policy,
        "seed": int(seed),
        "temperature": t,
        "beta": b,
        "f1_inside": bool(b["ci"][0] <= 1.0 <= b["ci"][1]),
        "ratio": t["max_linear"] / b["max_linear"],
        "steps": snapshots,
        "tc_tap": tc,
        "tc_last": tc[-1],
        "tc_mc_last": mc,
        "powerlaw_tap": powerlaw_fit(list(snapshots), tc),
    }


def summarize_policies(runs: list[dict]) -> dict:
    """Per policy over its seeds (Student-t 95 % intervals via
    :func:`~isingformer.stats.mean_interval`, ``n`` the number of seeds; below 3
    seeds the values only): ``temperature`` (T peak), ``beta`` (the β peak as a
    geometric mean: the interval is taken on ln f and exponentiated),
    ``f1_inside`` (count), ``ratio`` (range), ``tc_last`` (TAP T_c at the last
    step), ``exponent`` (per-seed power-law exponents of T_c^TAP(t))."""
    from isingformer.stats import mean_interval

    out = {}
    for policy in dict.fromkeys(r["policy"] for r in runs):
        rs = [r for r in runs if r["policy"] == policy]
        lnf = mean_interval([math.log(r["beta"]["value"]) for r in rs])
        beta = {
            "mean": math.exp(lnf.mean),
            "ci": None if lnf.ci is None else [math.exp(c) for c in lnf.ci],
            "n": lnf.n,
            "values": [r["beta"]["value"] for r in rs],
            "method": "geometric mean, Student t 95 % on ln f",
        }
        ratios = [r["ratio"] for r in rs]
        out[policy] = {
            "seeds": [r["seed"] for r in rs],
            "temperature": mean_interval([r["temperature"]["value"] for r in rs]).to_dict(),
            "beta": beta,
            "f1_inside": sum(r["f1_inside"] for r in rs),
            "ratio": [min(ratios), max(ratios)],
            "tc_last": mean_interval([r["tc_last"] for r in rs]).to_dict(),
            "exponent": mean_interval([r["powerlaw_tap"]["exponent"] for r in rs]).to_dict(),
        }
    return out
