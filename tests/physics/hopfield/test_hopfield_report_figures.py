"""The Hopfield figures as a reader sees them: every axis labelled, every mark explained."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from isingformer.physics.hopfield.modern import REGIMES
from isingformer.physics.hopfield.report import capacity_figure, modern_figure


def test_capacity_legend_explains_the_shaded_alpha_c_band() -> None:
    a = [0.1, 0.14, 0.18]
    curve = {"alpha": a, "overlap": [1, 0.9, 0.3], "p_retrieval": [1, 0.5, 0], "p_err": [0, 0.1, 0]}
    result = {"curves": [{"size": 100, **curve}], "alpha_c": 0.14, "alpha_c_err": 0.01,
              "threshold": 0.9, "trials": 20}  # fmt: skip
    fig = capacity_figure(result)
    right = fig.get_axes()[1]
    assert any("α_c" in t.get_text() for t in right.get_legend().get_texts())
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.get_axes())
    plt.close(fig)


def test_modern_figure_labels_both_axes_of_both_panels() -> None:
    b = [0.1, 1.0, 10.0]
    result = {"betas": b, "fractions": {name: [0.3, 0.3, 0.4] for name in REGIMES},
              "separation_beta": {"median": None}, "effective_states": [30, 3, 1],
              "query_entropy": [3.0, 1.0, 0.0], "n_fixed_points": [1, 4, 32]}  # fmt: skip
    fig = modern_figure(result)
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.get_axes())
    plt.close(fig)
