"""The REM figures say which estimator they show: the mean curve over rows and its peak."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")
import numpy as np

from isingformer.ensemble.fss import FiniteSizeFit
from isingformer.report import rem

from ._figures import unrendered


def test_rem_captions_name_the_estimator(monkeypatch) -> None:
    monkeypatch.setattr(rem, "figure", unrendered)
    b = np.linspace(0.1, 4, 5)
    points = [SimpleNamespace(n=n, betas=b, mean_heat_capacity=b, entropy_per_log_n=1 - b / 4,
                              beta_c_theory=3.0, beta_peak=2.0, beta_peak_err=0.1, c_max=2.0,
                              c_max_err=0.1) for n in (16, 64, 256)]  # fmt: skip
    fit = FiniteSizeFit("log", 0.6, 0.1, 1.0, 0.1, 1.0, 0.0, 1.0, (16, 64, 256))
    study = SimpleNamespace(points=points, ratio_fit=fit, config={"samples": 12, "n_boot": 7})
    heat, entropy, peak = rem.rem_figures(study)
    assert "mean of C(β) over the 12 rows" in heat.caption
    assert "peak of that mean curve" in heat.caption
    assert "mean over the 12 rows" in entropy.caption
    assert "least-squares standard error" in peak.caption and "3 sizes" in peak.caption


def test_rem_text_flags_a_poor_extrapolation_fit(monkeypatch) -> None:
    monkeypatch.setattr(rem, "figure", unrendered)
    b = np.linspace(0.1, 4, 5)
    points = [SimpleNamespace(n=n, betas=b, mean_heat_capacity=b, entropy_per_log_n=1 - b / 4,
                              beta_c_theory=3.0, beta_peak=2.0 + 0.1 * k, beta_peak_err=0.1,
                              c_max=2.0, c_max_err=0.1) for k, n in enumerate((16, 64, 256))]  # fmt: skip
    config = {"samples": 12, "n_boot": 7}
    for chi2, flagged in ((2.8, True), (1.1, False)):
        fit = FiniteSizeFit("log", 0.6, 0.04, 1.0, 0.1, 1.0, 0.0, chi2, (16, 64, 256))
        study = SimpleNamespace(points=points, ratio_fit=fit, height_fit=None, config=config)
        assert ("understates" in rem.rem_section(study).text) is flagged
