"""The report section and the main job's section (at a patched tiny size)."""

from __future__ import annotations

from isingformer.hyperbolic import report
from isingformer.hyperbolic.conjecture import fit_scaling, verdict


def _fake_result():
    cells = []
    for k in (-0.1, -1.0, -10.0):
        for b, lam in ((2, 1.9), (4, 3.7)):
            v = 2.0 / ((-k) ** 0.5 * lam)
            cells.append({
                "curvature": k, "branching": b, "lambda": lam,
                "beta_opt": {"value": v, "ci": [v / 2, v * 2], "n": 3},
                "at_edge": False,
                "beta_critical": {"value": 1.5, "ci": None, "n": 2},
                "loss_mean": [1.0, 0.9, 1.1],
            })  # fmt: skip
    fit = fit_scaling(
        [c["curvature"] for c in cells],
        [c["lambda"] for c in cells],
        [c["beta_opt"]["value"] for c in cells],
    )
    return {
        "cells": cells, "betas": [0.3, 1.0, 3.0], "fit": fit, "verdict": verdict(fit),
        "fit_critical": None, "verdict_critical": "inconclusive", "n_interior": 6,
        "config": {"steps": 5, "n_seeds": 3, "depth": 2, "model": {"n_layer": 1, "d_model": 8}},
    }  # fmt: skip


def test_section_has_the_three_figures_and_the_table():
    r = _fake_result()
    assert r["fit"]["p"] > 0.99 and r["fit"]["q"] > 0.99  # exact power law
    sec = report.conjecture_section(r)
    assert len(sec.figures) == 3 and len(sec.tables[0].rows) == 6
    assert "p = 1.00" in sec.text and "β*" in sec.text


def test_job_section_runs_at_a_tiny_size(tmp_path, monkeypatch):
    from isingformer.hyperbolic import conjecture
    from isingformer.jobs import JobContext
    from isingformer.runs import ResultsStore

    monkeypatch.setattr(
        report, "JOB_GRID", {"curvatures": [-1.0], "branchings": [2], "betas": [0.5, 1.0, 2.0]}
    )
    monkeypatch.setattr(report, "JOB_STEPS", {True: 2, False: 2})
    monkeypatch.setattr(report, "JOB_SEEDS", {True: 1, False: 1})
    monkeypatch.setattr(report, "JOB_EXECUTOR", "serial")
    monkeypatch.setattr(
        conjecture, "MODEL",
        {"n_layer": 1, "n_head": 1, "d_model": 8, "context": 8, "batch_size": 4,
         "lr": 1e-2, "warmup": 1, "eval_batches": 1},
    )  # fmt: skip
    with ResultsStore.open(None) as st:
        ctx = JobContext(out=tmp_path, store=st, quick=True)
        sec = report.hyperbolic_job_section(ctx)
    assert sec.title.startswith("Hyperbolic") and sec.figures
