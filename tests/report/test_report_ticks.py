"""Log axes of the report figures: tick labels readable (none overlapping, at least two)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

import isingformer.periodic.report as periodic_report
import isingformer.phases.report as phases_report
from isingformer.hyperbolic.report import _scaling_axes


def _labels(axis, renderer):
    ticks = [t for t in axis.get_ticklabels(which="both") if t.get_visible() and t.get_text()]
    lo, hi = sorted(axis.get_view_interval())
    inside = [t for t in ticks if lo <= (t.get_position()[0 if axis.axis_name == "x" else 1]) <= hi]
    return [t.get_window_extent(renderer) for t in inside]


def assert_readable_log_ticks(fig) -> None:
    canvas = FigureCanvasAgg(fig)  # also for a figure the report code already closed
    canvas.draw()
    renderer = canvas.get_renderer()
    for ax in fig.get_axes():
        for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
            if scale != "log":
                continue
            boxes = _labels(axis, renderer)
            assert len(boxes) >= 2, (
                f"{axis.axis_name} axis of {ax.get_title()!r}: {len(boxes)} labels"
            )
            for i, a in enumerate(boxes):
                for b in boxes[i + 1 :]:
                    assert not a.overlaps(b), f"overlapping tick labels on {axis.axis_name}"


def test_hyperbolic_scaling_axes() -> None:
    cells = [
        {"curvature": k, "lambda": lam, "at_edge": False,
         "beta_opt": {"value": 1.0 / (abs(k) ** 0.5 * lam), "ci": None}}
        for k in (-0.1, -0.3, -1.0, -3.0, -10.0) for lam in (1.732, 6.245)
    ]  # fmt: skip
    fit = {"p": 0.2, "q": 0.4}
    fig, axes = plt.subplots(1, 2, figsize=(7.4, 3.0))
    _scaling_axes(axes[0], cells, "beta_opt", fit, "kappa")
    _scaling_axes(axes[1], cells, "beta_opt", fit, "lambda")
    fig.tight_layout()
    assert_readable_log_ticks(fig)
    plt.close(fig)


def _capture(monkeypatch, module):
    figs = []
    monkeypatch.setattr(module, "figure", lambda fig, caption="": figs.append(fig))
    return figs


def test_periodic_rounding_axes(monkeypatch) -> None:
    figs = _capture(monkeypatch, periodic_report)
    n = np.arange(1, 65)
    model = {"beta_star_profile": 10 + np.sin(n), "entropy_profile": np.log(n),
             "width_profile": np.where(n >= 6, 2.0 * n**-0.1, np.nan), "xi_vs_beta": {"betas": [0.5, 1, 2], "xi": [5, 4, 3]}}  # fmt: skip
    result = {"models": {"none": [model], "periodic": [model]},
              "rem_control": {"sizes": [8, 16, 32, 64], "widths": [2.2, 2.0, 1.9, 1.8]}}  # fmt: skip
    periodic_report.periodic_figures(result)
    assert_readable_log_ticks(figs[2])
    for f in figs:
        plt.close(f)


def test_detection_on_a_log_grid_and_its_title_names_the_run(monkeypatch) -> None:
    figs = _capture(monkeypatch, phases_report)
    x = np.geomspace(0.15, 7.0, 20)
    curve = np.exp(-(np.log(x) ** 2)).tolist()
    band = [[0.9 * v for v in curve], [1.1 * v for v in curve]]
    result = {
        "parameter": "temperature", "spacing": "log", "source": "runs/critical_seed0/checkpoint.pt",
        "points": x.tolist(), "indicators": dict.fromkeys(("tv", "js", "linear"), curve),
        "bands": dict.fromkeys(("tv", "js", "linear"), band),
        "peaks": [{"indicator": "linear", "value": 1.0, "ci": [0.9, 1.1], "at_edge": False}],
    }  # fmt: skip
    phases_report.detection_figure(result)
    (fig,) = figs
    assert "critical_seed0" in fig.get_axes()[0].get_title()
    assert_readable_log_ticks(fig)
    plt.close(fig)


def test_spin_training_step_axes_show_more_than_one_label(monkeypatch) -> None:
    figs = _capture(monkeypatch, phases_report)
    steps = [0, 25, 50, 100, 200, 300]
    result = {"steps": steps, "tc": [{"value": 0.5, "err": 0.01}] * 6, "tc_tap": [0.6] * 6,
              "tc_rs": [0.2] * 6, "tc_init_theory": 0.17, "spectrum": [[1.0, 0.5]] * 6}  # fmt: skip
    phases_report.spin_section(result)
    assert_readable_log_ticks(figs[0])
    for f in figs:
        plt.close(f)
