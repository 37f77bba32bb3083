"""Every panel of the hyperbolic report's figures labels both axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from isingformer.hyperbolic import report


def test_every_panel_labels_both_axes(monkeypatch) -> None:
    figs = []
    monkeypatch.setattr(report, "figure", lambda fig, caption="": figs.append(fig))
    cells = [
        {"curvature": k, "branching": b, "lambda": lam, "at_edge": False, "loss_mean": [1.0, 0.9],
         "beta_opt": {"value": 1.0, "ci": None, "n": 2},
         "beta_critical": {"value": 1.5, "ci": None, "n": 2}}
        for k in (-0.1, -1.0) for b, lam in ((2, 1.9), (4, 3.7))
    ]  # fmt: skip
    result = {"cells": cells, "betas": [0.3, 1.0], "fit": None, "verdict": "inconclusive",
              "fit_critical": None, "verdict_critical": "inconclusive", "n_interior": 4,
              "config": {"steps": 5, "n_seeds": 3, "depth": 2,
                         "model": {"n_layer": 1, "d_model": 8}}}  # fmt: skip
    report.conjecture_section(result)
    assert len(figs) == 3
    for fig in figs:
        for ax in fig.get_axes():
            assert ax.get_xlabel() and ax.get_ylabel(), ax.get_title()
        plt.close(fig)
