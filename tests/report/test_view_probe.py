"""The phase-map figures say which estimator they show and over how many passages
(the heat-capacity caption said only "mean ... over query rows")."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import isingformer.probe.report as probe_report


def test_phase_map_captions_name_estimator_and_n(monkeypatch) -> None:
    figs = []
    monkeypatch.setattr(probe_report, "figure", lambda fig, caption="": figs.append((fig, caption)))
    b = np.geomspace(0.1, 10, 7)
    heads = [SimpleNamespace(layer=layer, head=h, betas=b.tolist(), beta_model=1.0, beta_peak=2.0,
                             mean_heat_capacity=(b * np.exp(-b / 2)).tolist(), phase="disordered")
             for layer in range(2) for h in range(2)]  # fmt: skip
    fs = [
        {"n_keys_mean": n, "beta_peak": [[2.0, 2.1]] * 2, "beta_c_rem": [[3.0, 3.0]] * 2}
        for n in (8, 16)
    ]
    pm = SimpleNamespace(n_layers=2, n_heads=2, n_texts=16, heads=heads, finite_size=fs, model="m")
    probe_report.phase_map_figures(pm)
    heat, phase, _ = (c for _, c in figs)
    assert "mean over the query rows of its 16 passages" in heat and "no interval drawn" in heat
    assert "peak of the head's mean C(β)" in phase and "16 passages" in phase
    for f, _ in figs:
        plt.close(f)
