"""The one-section reports of `glass sk|overlap` and `hopfield capacity|modern --out`:
prose in words (no Python reprs, no "nan"), captions with n and the error method."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import isingformer.physics.glass.report as glass_report
import isingformer.physics.hopfield.report as hopfield_report
from isingformer.physics.hopfield.modern import REGIMES

from ._figures import unrendered

RAW = re.compile(r"\{'|\[\{|\bnan\b|\bNone\b|\bTrue\b|\bFalse\b")


def _no_raw(sec) -> None:
    for text in [sec.text, *[f.caption for f in sec.figures], *[t.caption for t in sec.tables]]:
        assert not RAW.search(text), text


def test_modern_section_states_regimes_in_words(monkeypatch) -> None:
    monkeypatch.setattr("isingformer.report.figure", unrendered)
    monkeypatch.setattr(hopfield_report, "modern_figure", lambda result: plt.figure())
    b = np.geomspace(0.1, 1000, 5).tolist()
    mod = {"dim": 64, "n_patterns": 32, "n_clusters": 4, "noise": 0.1, "seed": 0, "betas": b,
           "fractions": {n: [1 / 3] * 5 for n in REGIMES},
           "separation_beta": {"min": None, "median": None, "max": None},
           "regimes": [{"regime": "global", "beta_min": 0.1, "beta_max": 3.2},
                       {"regime": "retrieval", "beta_min": 32.0, "beta_max": 1000.0}],
           "retrieval_beta": float("nan"), "effective_states": [2.0] * 5,
           "query_entropy": [0.5] * 5, "n_fixed_points": [1] * 5}  # fmt: skip
    sec = hopfield_report.modern_section(mod)
    _no_raw(sec)
    assert "global β ∈ [0.1, 3.2]" in sec.text and "not every pattern retrieved" in sec.text
    assert "[32, 1000]" in sec.text  # not 1e+03
    assert "32 starts" in sec.figures[0].caption


def test_capacity_section_states_alpha_c_and_threshold(monkeypatch) -> None:
    monkeypatch.setattr("isingformer.report.figure", unrendered)
    monkeypatch.setattr(hopfield_report, "capacity_figure", lambda result: plt.figure())
    cap = {"trials": 40, "threshold": 0.8, "temperature": 0.0, "alpha_c": 0.14,
           "alpha_c_err": 0.01, "exponent": 0.5, "curves": []}  # fmt: skip
    sec = hopfield_report.capacity_section(cap)
    _no_raw(sec)
    assert "α_c = 0.1400 ± 0.0100" in sec.text and "m > 0.8" in sec.text
    assert "40 trials per point" in sec.figures[0].caption and "Wilson" in sec.figures[0].caption


def test_glass_sections_without_an_extrapolation_say_so(monkeypatch) -> None:
    monkeypatch.setattr("isingformer.report.figure", unrendered)
    for name in ("sk_figure", "overlap_figure"):
        monkeypatch.setattr(glass_report, name, lambda result: plt.figure())
    pts = [{"size": n, "samples": 5, "e0_mean": -0.7, "e0_err": 0.01, "agree_fraction": 1.0}
           for n in (8, 12)]  # fmt: skip
    sk = {"points": pts, "e_inf": float("nan"), "e_inf_err": float("nan"), "samples": 5}
    sec = glass_report.sk_section(sk)
    _no_raw(sec)
    assert "too few sizes to extrapolate" in sec.text
    assert "standard error" in sec.figures[0].caption and sec.tables
    curve = {"size": 16, "edges": [-1.0, 1.0], "density": [1.0], "weight_small": 0.3,
             "weight_small_err": 0.05}  # fmt: skip
    ov = {"temperature": 0.4, "q_rs": 0.61, "samples": 6, "curves": [curve]}
    sec = glass_report.overlap_section(ov)
    _no_raw(sec)
    assert "T = 0.4" in sec.text and "n = 6 disorder samples" in sec.text
    assert "n = 6 disorder samples" in sec.figures[0].caption


def test_tfim_section_has_text_caption_and_readable_labels(monkeypatch) -> None:
    import isingformer.physics.ising.report as ising_report

    figs = []
    monkeypatch.setattr(
        "isingformer.report.figure",
        lambda fig, caption="": figs.append(fig) or unrendered(fig, caption),
    )
    g = np.linspace(0.5, 1.5, 11)
    rows = [{"size": n, "d2e0_dg2": (-1 / (abs(g - 1) + 1 / n)).tolist(), "d2_peak_g": 1.0,
             "d2_peak": -float(n)} for n in (8, 16)]  # fmt: skip
    result = {
        "fields": g.tolist(),
        "sizes": rows,
        "infinite": {"d2e0_dg2": (-1 / abs(g - 1 + 1e-9)).tolist()},
    }
    sec = ising_report.tfim_section(result)
    _no_raw(sec)
    assert "ground-state energy per site" in sec.figures[0].caption and "ln N" in sec.text
    assert sec.tables and sec.tables[0].rows[0][0] == 8
    ax = figs[0].get_axes()[0]
    assert ax.get_ylabel().startswith("$d^2 e_0/dg^2$")  # typeset, not "d^2 e_0 / dg^2"
    assert "N = ∞" in [t.get_text() for t in ax.get_legend().get_texts()]
