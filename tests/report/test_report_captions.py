"""Figures that draw intervals say in their caption what the bars are and over how many."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import isingformer.physics.glass.annealing as annealing
import isingformer.physics.glass.report as glass_report
from isingformer.ensemble import rem_study
from isingformer.icl.report import icl_figures
from isingformer.report import rem

from ._figures import unrendered


def test_rem_captions_state_the_bootstrap_and_its_sizes(monkeypatch) -> None:
    monkeypatch.setattr(rem, "figure", unrendered)
    study = rem_study([16, 64, 256], samples=12, n_boot=7, executor="serial", progress=False)
    heat, _, peak = rem.rem_figures(study)
    for f in (heat, peak):
        assert "7 bootstrap resamples of the 12 rows" in f.caption


def test_icl_captions_state_seeds_and_the_t_interval(monkeypatch) -> None:
    import isingformer.icl.report as icl_report

    monkeypatch.setattr(icl_report, "figure", unrendered)
    iv = {"mean": 1.0, "ci": [0.9, 1.1]}
    point = {k: iv for k in ("ood_error", "ridge_ood_error", "pool_ood_error",
                              "dist_to_ridge", "dist_to_pool")}  # fmt: skip
    entry = {"dim": 4, "context": 8, "threshold": {"value": None},
             "points": [{"tasks": 2, **point}, {"tasks": "inf", **point}]}  # fmt: skip
    result = {"model": "softmax", "noise": 0.5, "n_seeds": 4, "dims": {"4": entry}}
    ood, dist = icl_figures(result)
    for f in (ood, dist):
        assert "Student-t" in f.caption and "n = 4 seeds" in f.caption


def test_icl_legends_use_words_not_result_keys(monkeypatch) -> None:
    import isingformer.icl.report as icl_report

    figs = []
    monkeypatch.setattr(icl_report, "figure", lambda fig, caption="": figs.append(fig))
    iv = {"mean": 1.0, "ci": [0.9, 1.1]}
    point = {k: iv for k in ("ood_error", "ridge_ood_error", "pool_ood_error",
                              "dist_to_ridge", "dist_to_pool")}  # fmt: skip
    entry = {"dim": 4, "context": 8, "threshold": {"value": None},
             "points": [{"tasks": 2, **point}, {"tasks": "inf", **point}]}  # fmt: skip
    icl_figures({"model": "softmax", "noise": 0.5, "n_seeds": 4, "dims": {"4": entry}})
    texts = [t.get_text() for f in figs for ax in f.get_axes() for t in ax.get_legend().get_texts()]
    assert texts and not [t for t in texts if re.search(r"[a-z]_[a-z]{2}", t)]
    for f in figs:
        plt.close(f)


def test_sk_caption_states_samples_per_size(monkeypatch) -> None:
    monkeypatch.setattr("isingformer.report.figure", unrendered)
    pts = [{"size": n, "samples": s, "e0_mean": -0.7, "e0_err": 0.01, "agree_fraction": 1.0}
           for n, s in ((32, 9), (64, 5))]  # fmt: skip
    sk = {"points": pts, "e_inf": float("nan"), "e_inf_err": 0.0, "z_vs_parisi": 0.0,
          "samples": 5, "samples_per_size": {"64": 5, "32": 9}}  # fmt: skip
    curve = {"size": 32, "density": [1.0], "edges": [-1.0, 1.0], "weight_small": 0.1,
             "weight_small_err": 0.01}  # fmt: skip
    ov = {"curves": [curve], "q_rs": 0.5, "temperature": 0.5}
    mc = {"sa_mean": 1.0, "greedy_mean": 1.0, "sa_wins": 0, "sa_cuts": [1]}
    monkeypatch.setattr(glass_report, "sk_study", lambda *a, **k: sk)
    monkeypatch.setattr(glass_report, "overlap_study", lambda *a, **k: ov)
    monkeypatch.setattr(annealing, "compare_maxcut", lambda *a, **k: mc)

    class Ctx:
        quick, store, seed = True, None, 0

    section = glass_report.glass_section(Ctx())
    assert "per size: 9 at N = 32, 5 at N = 64)" in section.text  # words, not a dict
    sk_fig = section.figures[0]
    assert "standard error" in sk_fig.caption
    assert "n = 9 at N = 32" in sk_fig.caption and "n = 5 at N = 64" in sk_fig.caption


def test_icl_sweep_report_records_dims_context_and_tasks(monkeypatch, tmp_path) -> None:
    import json

    import isingformer.icl.report as icl_report

    monkeypatch.setattr(icl_report, "icl_section", lambda result: icl_report.Section("s"))
    entry = {"context": 8, "points": [{"tasks": 2}, {"tasks": 8}, {"tasks": "inf"}]}
    result = {"model": "linear", "noise": 0.5, "n_seeds": 3, "dims": {"4": entry}}
    icl_report.write_sweep_report(tmp_path, result)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    config = json.loads(md[md.index("```json") + 7 : md.rindex("```")])["config"]
    assert config["dims"] == [4] and config["context"] == {"4": 8}
    assert config["tasks"] == [2, 8, "inf"]
