"""The Hopfield section's modern-Hopfield caption says what is plotted and over what."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import isingformer.physics.hopfield.classical as classical
import isingformer.physics.hopfield.modern as modern
import isingformer.physics.hopfield.report as hopfield_report

from ._figures import unrendered


def test_modern_hopfield_caption_states_what_and_over_what(monkeypatch) -> None:
    a = np.linspace(0.08, 0.22, 5)
    curve = {"alpha": a.tolist(), "overlap": (1 - a).tolist(), "p_retrieval": (1 - a).tolist(),
             "p_ci": [[0.0, 1.0]] * 5}  # fmt: skip
    cap = {"curves": [{"size": 500, **curve}], "trials": 40, "alpha_c": 0.14, "alpha_c_err": 0.01}
    b = np.geomspace(0.1, 1000, 9)
    mod = {"dim": 64, "n_patterns": 32, "n_clusters": 4, "noise": 0.1, "seed": 0,
           "betas": b.tolist(), "fractions": {n: [1 / 3] * 9 for n in modern.REGIMES},
           "separation_beta": {"min": 1.0, "median": 2.0, "max": 3.0},
           "regimes": [{"regime": "global", "beta_min": 0.1, "beta_max": 1000.0}],
           "retrieval_beta": 10.0, "effective_states": [2.0] * 9,
           "query_entropy": [0.5] * 9, "n_fixed_points": [1] * 9}  # fmt: skip
    monkeypatch.setattr(classical, "capacity_study", lambda *a, **k: cap)
    monkeypatch.setattr(modern, "modern_study", lambda *a, **k: mod)
    monkeypatch.setattr("isingformer.report.figure", unrendered)
    for name in ("capacity_figure", "modern_figure"):  # the captions only; drawing is slow
        monkeypatch.setattr(hopfield_report, name, lambda result: plt.figure())
    sec = hopfield_report.hopfield_section(SimpleNamespace(quick=True, store=None, seed=0))
    caption = sec.figures[1].caption
    for part in ("d = 64", "32 patterns", "4 clusters", "32 starts", "regime", "separation bound",
                 "distinct fixed points"):  # fmt: skip
        assert part in caption, part
