"""The T_c section's figures as a reader sees them: axis units, what the bars are."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import isingformer.report
from isingformer.physics.ising.report import binder_figure, specific_heat_figure, tc_section
from isingformer.report import FigureImage


def _study() -> dict:
    T = [2.1, 2.3, 2.5]
    row = [0.6, 0.5, 0.4]
    return {
        "dim": 2, "sizes": [4, 6], "temperatures": T, "algorithm": "wolff", "sweeps": 500,
        "n_boot": 37, "tc": 2.27, "tc_err": 0.01, "exact_tc": 2.269, "nu": 1.0, "nu_err": 0.1,
        "exact_nu": 1.0, "gamma_over_nu": 1.75, "gamma_over_nu_err": 0.05,
        "exact_gamma_over_nu": 1.75, "width_exponent": 0.5, "width_exponent_err": 0.05,
        "exact_width_exponent": 0.5,
        "curves": {"binder": [row, row], "binder_err": [[0.01] * 3] * 2,
                   "specific_heat": [row, row], "specific_heat_err": [[0.01] * 3] * 2},
    }  # fmt: skip


def test_temperature_axes_state_their_unit() -> None:
    for make in (binder_figure, specific_heat_figure):
        fig = make(_study())
        (ax,) = fig.get_axes()
        assert "J/k_B" in ax.get_xlabel()
        assert ax.get_ylabel()
        plt.close(fig)


def test_captions_say_what_the_error_bars_and_the_band_are(monkeypatch) -> None:
    def unrendered(fig, caption=""):  # the caption is the point, not the PNG
        plt.close(fig)
        return FigureImage(b"", caption)

    monkeypatch.setattr(isingformer.report, "figure", unrendered)
    binder, heat = tc_section(_study()).figures
    assert "jackknife" in binder.caption and "500 wolff sweeps" in binder.caption
    assert "37 parametric-bootstrap resamples" in binder.caption
    assert "jackknife" in heat.caption
