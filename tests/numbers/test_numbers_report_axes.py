"""Every panel of the numbers figures has both axes labelled (synthetic inputs)."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

import isingformer.numbers.report as rep

Z = {"zeros": [[0.6, 0.8], [0.8, -0.6]]}


def _study() -> dict:
    beta = [1.01, 1.1, 1.5, 2.0]
    pmf = [0.0, 0.5, 0.3, 0.2]
    return {
        "primon": {"beta": beta, "energy": [99, 9, 2, 1], "heat_capacity": [9e3, 99, 9, 4],
                   "t": [0, 1, 2], "abs_zeta_half": [1, 0.1, 1], "abs_zeta_two": [1, 1, 1]},
        "leeyang_tc": {4: Z, 6: Z}, "leeyang_af": Z, "leeyang_ring": Z, "leeyang_glass": [Z],
        "theta": {"sizes": [4, 6], "first_zero_angles": [0.2, 0.1], "y_h": 1.875},
        "fisher": {4: Z},
        "zeta": {"spacings": [0.5, 1.0, 1.5], "pair": {"r": [0.5, 1], "r2": [0.3, 1], "gue": [0.4, 1]}},
        "gaps": {"top_window": {"empirical_pmf": pmf, "model_pmf": {"cramer_mod2": pmf},
                                "window": [1e6, 2e6], "n_gaps": 3}},
    }  # fmt: skip


@pytest.mark.parametrize(
    "name", ["_fig_primon", "_fig_leeyang", "_fig_fisher", "_fig_spacing", "_fig_gaps"]
)
def test_every_panel_labels_both_axes(monkeypatch, name) -> None:
    figs = []
    monkeypatch.setattr(rep, "figure", lambda fig, caption="": figs.append(fig))
    getattr(rep, name)(_study())
    (fig,) = figs
    for ax in fig.get_axes():
        assert ax.get_xlabel() and ax.get_ylabel(), (name, ax.get_title())
        legend = ax.get_legend()
        for text in [] if legend is None else legend.get_texts():
            assert not re.search(r"[a-z]_[a-z]{2}", text.get_text()), text.get_text()  # not keys
    plt.close(fig)
