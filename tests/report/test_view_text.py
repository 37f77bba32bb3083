"""Captions and page text as a reader sees them: what a band is, over how many seeds,
which estimator; readable log ticks (synthetic inputs)."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import isingformer.lm.report as lm_report
import isingformer.numbers.report as numbers_report

from ._figures import unrendered


def test_comparison_captions_state_band_seeds_and_estimator(monkeypatch) -> None:
    monkeypatch.setattr(lm_report, "figure", unrendered)
    evals = [{"step": s, "val_loss": 3.0 - s / 100, "train_seconds": s / 10} for s in (0, 50, 100)]
    runs = [{"name": n, "policy": n, "seed": i, "evals": evals, "beta_log": []}
            for n in ("sqrt_dk", "critical") for i in range(3)]  # fmt: skip
    stt = {"values": [50, 60, None], "mean": 55.0, "ci": None, "reached": 2}
    policies = [{"name": n, "n_seeds": 3, "steps_to_target": stt} for n in ("sqrt_dk", "critical")]
    c = SimpleNamespace(policies=policies, runs=runs, target_loss=2.5,
                        scale={"steps": 100, "d_model": 16, "n_head": 2})  # fmt: skip
    curves, steps = lm_report.comparison_figures(c)
    assert "mean over the 3 seeds" in curves.caption and "minimum to maximum" in curves.caption
    assert "not an interval" in curves.caption
    assert "seeds that reached it" in steps.caption and "Student-t" in steps.caption
    assert "budget of 100 steps" in steps.caption


def test_theta_panel_ticks_are_plain_numbers(monkeypatch) -> None:
    figs = []
    monkeypatch.setattr(numbers_report, "figure", lambda fig, caption="": figs.append(fig))
    z = {"zeros": [[0.6, 0.8], [0.8, -0.6]]}
    sizes = [2, 3, 4, 5, 6]
    study = {"leeyang_tc": {4: z}, "leeyang_af": z, "leeyang_ring": z, "leeyang_glass": [z],
             "theta": {"sizes": sizes, "first_zero_angles": [0.9 * (L / 2) ** -1.875 for L in sizes],
                       "y_h": 1.875}}  # fmt: skip
    numbers_report._fig_leeyang(study)
    ax = figs[0].get_axes()[2]
    figs[0].canvas.draw()
    for axis in (ax.xaxis, ax.yaxis):
        labels = [t.get_text() for t in axis.get_ticklabels(which="both") if t.get_text()]
        assert labels and not [t for t in labels if "times" in t or "^" in t], labels
    assert [t.get_text() for t in ax.xaxis.get_ticklabels()] == [str(L) for L in sizes]
    plt.close(figs[0])


def test_icl_overlap_caption_says_what_is_pooled(monkeypatch) -> None:
    import isingformer.icl.report as icl_report

    monkeypatch.setattr(icl_report, "figure", unrendered)
    iv = {"mean": 1.0, "ci": [0.9, 1.1]}
    point = {k: iv for k in ("ood_error", "ridge_ood_error", "pool_ood_error",
                              "dist_to_ridge", "dist_to_pool")}  # fmt: skip
    hist = [0] * 30 + [5, 10, 5] + [0] * 7
    entry = {"dim": 4, "context": 8, "threshold": {"value": None},
             "points": [{"tasks": 2, "overlap_hist": hist, **point},
                        {"tasks": "inf", "overlap_hist": hist, **point}]}  # fmt: skip
    base = {"noise": 0.5, "n_seeds": 4, "beta": 1.0, "pairs": 50, "dims": {"4": entry}}
    *_, pq = icl_report.icl_figures({**base, "model": "linear"})
    assert "n = 4 seeds × 50 replica pairs" in pq.caption and "β = 1.0" in pq.caption
    *_, pq = icl_report.icl_figures({**base, "model": "softmax"})
    assert "one q per seed" in pq.caption and "n = 4 seeds" in pq.caption
    assert "Gibbs" not in pq.caption


def test_hyperbolic_loss_panels_tick_the_beta_grid(monkeypatch) -> None:
    from isingformer.hyperbolic import report as hyperbolic_report

    figs, captions = [], []
    monkeypatch.setattr(
        hyperbolic_report,
        "figure",
        lambda fig, caption="": figs.append(fig) or captions.append(caption),
    )
    betas = [0.3, 1.0, 3.0, 10.0, 30.0]
    cells = [
        {"curvature": k, "branching": b, "lambda": lam, "at_edge": False, "loss_mean": [1.0] * 5,
         "beta_opt": {"value": 1.0, "ci": None, "n": 2},
         "beta_critical": {"value": 1.5, "ci": None, "n": 2}}
        for k in (-0.1, -1.0) for b, lam in ((2, 1.9), (4, 3.7))
    ]  # fmt: skip
    result = {"cells": cells, "betas": betas, "fit": None, "verdict": "inconclusive",
              "fit_critical": None, "verdict_critical": "inconclusive", "n_interior": 4,
              "config": {"steps": 5, "n_seeds": 3, "depth": 2,
                         "model": {"n_layer": 1, "d_model": 8}}}  # fmt: skip
    hyperbolic_report.conjecture_section(result)
    assert "mean over the 3 seeds" in captions[0]
    fig = figs[0]
    fig.canvas.draw()
    for ax in fig.get_axes():
        labels = [t.get_text() for t in ax.xaxis.get_ticklabels() if t.get_text()]
        assert labels == ["0.3", "1", "3", "10", "30"], labels
    for f in figs:
        plt.close(f)


def test_phase_map_finite_size_caption_names_the_estimator(monkeypatch) -> None:
    from types import SimpleNamespace

    import numpy as np

    import isingformer.probe.report as probe_report

    monkeypatch.setattr(probe_report, "figure", unrendered)
    L, H = 2, 2
    heads = [SimpleNamespace(layer=i, head=j, betas=[0.1, 0.2], beta_model=0.2,
                             mean_heat_capacity=[1.0, 2.0], beta_peak=0.2, phase="ordered")
             for i in range(L) for j in range(H)]  # fmt: skip
    fs = [{"n_keys_mean": n, "beta_c_rem": np.full((L, H), 0.3), "beta_peak": np.full((L, H), 0.2)}
          for n in (16, 32)]  # fmt: skip
    pm = SimpleNamespace(n_layers=L, n_heads=H, heads=heads, finite_size=fs, model="m")
    *_, finite = probe_report.phase_map_figures(pm)
    assert "peak of its row-averaged C(β)" in finite.caption
    assert (
        "averaged over the heads of a layer" in finite.caption and "No interval" in finite.caption
    )


def _icl_result(dim: int, context: int, tasks: tuple) -> dict:
    """An ``icl sweep`` result of one dimension, every estimate 1.0 [0.9, 1.1]."""
    iv = {"mean": 1.0, "ci": [0.9, 1.1]}
    point = {k: iv for k in ("ood_error", "ridge_ood_error", "pool_ood_error",
                              "dist_to_ridge", "dist_to_pool")}  # fmt: skip
    entry = {"dim": dim, "context": context, "threshold": {"value": None},
             "points": [{"tasks": k, **point} for k in tasks]}  # fmt: skip
    return {"model": "softmax", "noise": 0.5, "n_seeds": 3, "dims": {str(dim): entry}}


def test_icl_axes_without_infinite_k_do_not_claim_one(monkeypatch) -> None:
    import isingformer.icl.report as icl_report

    figs = []
    monkeypatch.setattr(icl_report, "figure", lambda fig, caption="": figs.append(fig))
    icl_report.icl_figures(_icl_result(4, 8, (1, 2, 4, 8, 16)))
    ood = figs[0].get_axes()[0]
    assert "∞" not in ood.get_xlabel()  # no k = ∞ point was run
    for f in figs[:2]:
        f.canvas.draw()
        ticks = [t.get_text() for t in f.get_axes()[0].xaxis.get_ticklabels() if t.get_text()]
        assert len(ticks) >= 3, ticks  # 1 2 5 10, not only 10⁰ and 10¹
    for f in figs:
        plt.close(f)


def test_icl_infinite_k_column_is_ticked_infinity(monkeypatch) -> None:
    import isingformer.icl.report as icl_report

    figs = []
    monkeypatch.setattr(icl_report, "figure", lambda fig, caption="": figs.append(fig))
    icl_report.icl_figures(_icl_result(8, 16, (1, 4, 16, 64, "inf")))
    ax = figs[0].get_axes()[0]
    figs[0].canvas.draw()
    labels = [t.get_text() for t in ax.xaxis.get_ticklabels() if t.get_text()]
    assert labels[-1] == "∞" and "200" not in labels, labels  # ∞ drawn at 4 × 64 = 256
    for f in figs:
        plt.close(f)
