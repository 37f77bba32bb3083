"""The β-policy comparison figures label every axis (synthetic comparison)."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import isingformer.lm.report as rep


def test_every_comparison_panel_labels_both_axes(monkeypatch) -> None:
    figs = []
    monkeypatch.setattr(rep, "figure", lambda fig, caption="": figs.append(fig))
    evals = [{"step": s, "val_loss": 3.0 - s / 100, "train_seconds": s / 10} for s in (0, 50, 100)]
    runs = [{"name": n, "policy": n, "seed": i, "evals": evals, "beta_log": []}
            for n in ("sqrt_dk", "critical") for i in range(3)]  # fmt: skip
    stt = {"values": [50, 60, 70], "mean": 60.0, "ci": [40.0, 80.0], "reached": 3}
    policies = [{"name": n, "n_seeds": 3, "steps_to_target": stt} for n in ("sqrt_dk", "critical")]
    c = SimpleNamespace(policies=policies, runs=runs, target_loss=2.5,
                        scale={"steps": 100, "d_model": 16, "n_head": 2})  # fmt: skip
    rep.comparison_figures(c)
    assert len(figs) == 2
    for fig in figs:
        for ax in fig.get_axes():
            assert ax.get_xlabel() and ax.get_ylabel(), ax.get_title()
        plt.close(fig)
