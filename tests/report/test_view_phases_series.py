"""The phases figures over training: a title in words (was the path fragment
"critical-0/series") and the snapshot steps labelled on the log axis (25 and 300
had no label between 50, 100, 200); the spin figure's caption says what its bars are."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import isingformer.phases.report as phases_report

from .test_report_ticks import assert_readable_log_ticks

STEPS = [25, 50, 100, 200, 300]


def _capture(monkeypatch) -> list:
    figs = []
    monkeypatch.setattr(
        phases_report, "figure", lambda fig, caption="": figs.append((fig, caption))
    )
    return figs


def _labels(ax) -> list[str]:
    ax.figure.canvas.draw()
    lo, hi = ax.get_xlim()
    return [
        t.get_text()
        for t in ax.xaxis.get_ticklabels()
        if t.get_text() and lo <= t.get_position()[0] <= hi
    ]


def test_detection_over_training_has_a_title_and_labelled_steps(monkeypatch) -> None:
    figs = _capture(monkeypatch)
    x = np.asarray(STEPS, dtype=float)
    y = 0.3 - 0.05 * np.log(x / 25)
    det = {"source": "/tmp/out/phases_series/critical-0/series", "parameter": "step",
           "spacing": "log", "points": STEPS, "n_prompts": 16, "band_method": "Student t",
           "indicators": {k: y.tolist() for k in ("linear", "tv", "js")},
           "bands": {k: [(y - 0.01).tolist(), (y + 0.01).tolist()] for k in ("linear", "tv", "js")},
           "peaks": [{"value": 40.0, "ci": [30.0, 55.0], "at_edge": True}]}  # fmt: skip
    phases_report.detection_figure(det)
    ((fig, caption),) = figs
    ax = fig.get_axes()[0]
    assert ax.get_title() == "Over training: run critical-0, its 5 snapshots"
    assert _labels(ax) == ["25", "50", "100", "200", "300"]
    assert "n = 16" in caption
    assert_readable_log_ticks(fig)
    plt.close(fig)
    assert (
        phases_report._source_title("runs/lm/critical_seed0/checkpoint.pt")
        == "Model critical_seed0"
    )


def test_spin_panels_label_every_snapshot_step(monkeypatch) -> None:
    figs = _capture(monkeypatch)
    steps = [0, *STEPS]
    tc = [{"value": 0.5 + 0.01 * i, "err": 0.02} for i in range(len(steps))]
    result = {"steps": steps, "tc": tc, "tc_overlap": [], "tc_tap": [0.6] * 6, "tc_rs": [0.2] * 6,
              "tc_init_theory": 0.17, "spectrum": np.linspace(1, 0.4, 6 * 4).reshape(6, 4).tolist(),
              "seeds": [0, 1, 2], "checkpoints": "x"}  # fmt: skip
    phases_report.spin_section(result)
    fig, caption = figs[0]
    for ax in fig.get_axes():
        assert _labels(ax) == ["25", "50", "100", "200", "300"]
        assert ax.get_xlabel() == "training step" and ax.get_ylabel()
    assert "mean over 3 Monte Carlo seeds" in caption and "standard error (n = 3)" in caption
    assert_readable_log_ticks(fig)
    plt.close(fig)


def test_overlap_figure_caption_says_pooled_and_mean_over_seeds(monkeypatch) -> None:
    figs = _capture(monkeypatch)
    steps = [0, 25, 50]
    e = np.linspace(-1, 1, 5)
    result = {"steps": steps, "tc": [{"value": 0.5, "err": 0.01}] * 3, "tc_overlap": [],
              "tc_tap": [0.6] * 3, "tc_rs": [0.2] * 3, "tc_init_theory": 0.17,
              "spectrum": [[1.0, 0.5]] * 3, "seeds": [0, 1, 2], "t_ref": 0.1,
              "overlap": [{"edges": e.tolist(), "density": [0.1, 0.4, 0.4, 0.1]}] * 3,
              "temperatures": [0.1, 0.2, 0.4], "magnetization": [[0.9, 0.5, 0.1]] * 3,
              "binder_overlap": [[0.9, 0.6, 0.2]] * 3}  # fmt: skip
    phases_report.spin_section(result)
    caption = figs[1][1]
    assert "pooled over the 3 Monte Carlo seeds" in caption and "mean over the 3 seeds" in caption
    for f, _ in figs:
        plt.close(f)
