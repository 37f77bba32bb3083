"""What ``isingformer quantum example|run|verify`` compute, as importable functions
returning JSON-able dicts (the CLI only parses options and prints)."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from isingformer.quantum.backends import make_backend
from isingformer.quantum.classical import autoregressive_joint
from isingformer.quantum.measurement import JointDistribution, sequential_measurement
from isingformer.quantum.spec import TransformerSpec, example_spec, random_spec, spec_from_dict
from isingformer.quantum.verify import (
    JOINT_TOL,
    check_cptp,
    chi_square,
    example_closed_form,
    verify_spec,
)
from isingformer.validate import check_int, check_seed

BETA_NOTE = (
    "The document's formula scales scores by 1/sqrt(d); its worked Example only comes out "
    "with unscaled dot products, so the example spec sets beta = 1 in both blocks. "
    "A spec block without 'beta' uses 1/sqrt(d)."
)


def _dim(spec: TransformerSpec) -> int:
    return sum(spec.n_tokens**k for k in range(spec.M + 1))


def _joint_diff(jd: JointDistribution, ref: dict[tuple[int, ...], float]) -> float:
    keys = set(jd.joint) | set(ref)
    return max(abs(jd.joint.get(k, 0.0) - ref.get(k, 0.0)) for k in keys)


def _marginals(jd: JointDistribution) -> list[dict[str, float]]:
    return [jd.marginal(step) for step in range(jd.spec.L)]


def _cptp_dict(report) -> dict[str, Any]:
    return {
        "cptp": report.cptp,
        "full_space": report.full_space,
        "checks": [dataclasses.asdict(c) for c in report.checks],
    }


def evolved_first_step(spec: TransformerSpec, mode: str = "auto") -> dict[str, float]:
    """Diagonal of E(t_1, t_0) ρ_T, by basis string (space-separated names): eq. (3)."""
    backend = make_backend(spec, mode)
    state = backend.evolve(backend.initial(), 0)
    out: dict[str, float] = {}
    if backend.name == "sparse":
        items = [(wr, v.real) for (wr, wc), v in state.items() if wr == wc]
    else:
        diag = state.diagonal().real
        items = [
            (backend.space.string(i), float(diag[i])) for i in range(diag.size) if diag[i] != 0
        ]
    for w, p in sorted(items):
        out[" ".join(spec.names(w))] = float(p)
    return out


def example_summary(mode: str = "auto", cptp_report=None) -> dict[str, Any]:
    """The document's worked Example, computed on the Fock space and compared with its closed form.

    ``cptp_report``: a :class:`CPTPReport` of the example already computed (reused).
    """
    t0 = time.perf_counter()
    spec = example_spec()
    jd = sequential_measurement(spec, mode)
    closed = example_closed_form()
    joint = jd.named()
    conditional = {
        spec.token_names[prefix[0]]: {spec.token_names[x]: p for x, p in node.children.items()}
        for prefix, node in sorted(jd.tree.items())
        if len(prefix) == 1
    }
    errs = [abs(joint[k] - v) for k, v in closed["joint"].items()]
    errs += [abs(jd.marginal(0)[k] - v) for k, v in closed["marginal"].items()]
    errs += [
        abs(conditional[a][b] - v) for a, d in closed["conditional"].items() for b, v in d.items()
    ]
    ref = autoregressive_joint(spec)
    cptp = check_cptp(spec, mode, joint=jd) if cptp_report is None else cptp_report
    # what the document's own formula (beta = 1/sqrt(d)) would give instead
    raw = spec.to_dict()
    for b in raw["blocks"]:
        b.pop("beta")
    scaled = sequential_measurement(spec_from_dict(raw), mode).named()
    return {
        "spec": "paper_example",
        "mode": jd.mode,
        "M": spec.M,
        "dim": _dim(spec),
        "text": spec.names(spec.text),
        "betas": [b.beta for b in spec.blocks],
        "beta_note": BETA_NOTE,
        "joint": joint,
        "marginals": jd.marginal(0),
        "conditional": conditional,
        "closed_form": closed,
        "max_abs_error": max(errs),
        "classical_joint_max_abs_diff": _joint_diff(jd, ref),
        "evolved_state_t1": evolved_first_step(spec, mode),
        "joint_beta_1_over_sqrt_d": scaled,
        "cptp": cptp.cptp,
        "cptp_checks": _cptp_dict(cptp),
        "seconds": time.perf_counter() - t0,
    }


def run_summary(
    spec: TransformerSpec, mode: str = "auto", samples: int = 0, seed: int = 0
) -> dict[str, Any]:
    """Exact joint distribution of a spec by sequential measurement, its CPTP checks, the
    agreement with the autoregressive sampler and, with ``samples`` > 0, sampled frequencies."""
    from isingformer.quantum.measurement import sample_by_measurement

    samples, seed = check_int(samples, "samples", ge=0), check_seed(seed)
    t0 = time.perf_counter()
    jd = sequential_measurement(spec, mode)
    t_joint = time.perf_counter() - t0
    ref = autoregressive_joint(spec)
    cptp = check_cptp(spec, mode, joint=jd)
    out: dict[str, Any] = {
        "mode": jd.mode,
        "n": spec.n,
        "L": spec.L,
        "M": spec.M,
        "n_tokens": spec.n_tokens,
        "dim": _dim(spec),
        "betas": [b.beta for b in spec.blocks],
        "beta_source": [
            "explicit" if b.beta_explicit else "default 1/sqrt(d)" for b in spec.blocks
        ],
        "joint": jd.named(),
        "n_outcomes": len(jd.joint),
        "n_branches": len(jd.tree),
        "marginals": _marginals(jd),
        "classical_joint_max_abs_diff": _joint_diff(jd, ref),
        "agrees_with_autoregressive": _joint_diff(jd, ref) <= JOINT_TOL
        and set(ref) == set(jd.joint),
        "cptp": cptp.cptp,
        "cptp_checks": _cptp_dict(cptp),
        "seconds_joint": t_joint,
    }
    if samples > 0:
        draws = sample_by_measurement(spec, samples, seed, mode)
        stat, dof, p = chi_square(draws, jd.joint)
        counts: dict[str, int] = {}
        for row in draws.tolist():
            key = ",".join(spec.names(row))
            counts[key] = counts.get(key, 0) + 1
        out["sampling"] = {  # "samples" is a count everywhere (docs/cli.md)
            "n": samples,
            "seed": seed,
            "counts": dict(sorted(counts.items())),
            "chi2": stat,
            "dof": dof,
            "p_value": p,
        }
    out["seconds"] = time.perf_counter() - t0
    return out


def _verification_dict(name: str, spec: TransformerSpec, v) -> dict[str, Any]:
    d = dataclasses.asdict(v)
    d["cptp"] = v.cptp.cptp
    d["cptp_checks"] = _cptp_dict(v.cptp)
    if len(d["joint"]) > 64:  # keep the JSON readable for big specs
        d.pop("joint")
        d.pop("classical_joint")
    d["n_outcomes"] = len(v.joint)
    return {"name": name, "n_tokens": spec.n_tokens, "n": spec.n, "L": spec.L, "M": spec.M, **d}


def default_verification_specs(quick: bool = False) -> list[tuple[str, TransformerSpec]]:
    """The example, a tiny random spec checked on all of F^(M)(h), and a vocabulary-50 one."""
    specs = [
        ("paper_example", example_spec()),
        ("random_N2_n2_L2_full_space", random_spec(2, 2, 2, M=4, seed=7)),
        ("random_N3_n3_L2", random_spec(3, 3, 2, seed=11)),
    ]
    if not quick:
        specs.append(("random_N50_n8_L4_sparse", random_spec(50, 8, 4, injective=True, seed=1)))
    return specs


def verify_summary(
    spec: TransformerSpec | None = None,
    *,
    mode: str = "auto",
    seeds: tuple[int, ...] | list[int] = (0, 1, 2, 3, 4),
    n_samples: int = 20000,
    quick: bool = False,
) -> dict[str, Any]:
    """All checks on ``spec`` (or on :func:`default_verification_specs`), plus the Example's
    closed form when no spec is given. ``passed`` is their conjunction."""
    t0 = time.perf_counter()
    items = [("spec", spec)] if spec is not None else default_verification_specs(quick)
    results = []
    for name, s in items:
        m = mode
        results.append(
            _verification_dict(name, s, verify_spec(s, mode=m, seeds=seeds, n_samples=n_samples))
        )
    out: dict[str, Any] = {"specs": results}
    passed = all(r["passed"] for r in results)
    if spec is None:
        ex = example_summary(mode)
        out["example_max_abs_error"] = ex["max_abs_error"]
        out["example_closed_form_ok"] = ex["max_abs_error"] <= JOINT_TOL
        passed = passed and out["example_closed_form_ok"]
    out["passed"] = passed
    out["seconds"] = time.perf_counter() - t0
    return out
