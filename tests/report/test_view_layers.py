"""The layers commutator maps show each cell's value (with two layers a map has one
cell and its colour bar says nothing) and the caption gives n passages per model."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import isingformer.layers.report as layers_report


def test_commutator_cells_carry_their_values(monkeypatch) -> None:
    figs = []
    monkeypatch.setattr(
        layers_report, "figure", lambda fig, caption="": figs.append((fig, caption))
    )
    errors = [{"beta": 1.0, "product_vs_sum_log10": {"median": -1.0, "q25": -1.1, "q75": -0.9},
               "bch2_rel": 0.1, "product_vs_sum_shape": 0.5, "rollout_tv": 0.1,
               "rollout_tv_heads": 0.1, "rollout_tv_residual": 0.1}]  # fmt: skip
    t = {"ns": [1, 2], "betas": [1.0], "log10_error": [[1, 0]], "log10_bound": [[2, 1]]}
    r = {"model": "m", "beta_model": 1.0, "commutators": [[0, 215.2], [215.2, 0]], "errors": errors,
         "trotter": t, "at_model": {"log10_product_vs_sum": 1.0, "rollout_tv_by_depth": [0, 0.2]},
         "j_eff": {"heads_median": [1, 1], "layer_sum": [1, 1]}, "n_layers": 2, "n_passages": 4}  # fmt: skip
    layers_report.layers_figures([r, {**r, "n_passages": 6}])
    fig, caption = figs[0]
    (ax, *_) = [a for a in fig.get_axes() if a.get_images()]
    assert sorted(tx.get_text() for tx in ax.texts) == ["2.33", "2.33"]  # log10 215.2
    assert "log10 of the median over the passages of each model (n = 4, 6)" in caption
    for f, _ in figs:
        plt.close(f)
