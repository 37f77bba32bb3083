"""Legends of the report figures do not sit on top of the lines they explain."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

import isingformer.layers.report as layers_report
import isingformer.probe.report as probe_report
from isingformer.physics.hopfield.modern import REGIMES
from isingformer.physics.hopfield.report import modern_figure


def hidden_points(fig) -> int:
    """Data points (line vertices) drawn under a legend, over all axes."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    hidden = 0
    for ax in fig.get_axes():
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(renderer)
        for line in ax.get_lines():
            xy = np.column_stack(line.get_data()).astype(float)
            xy = xy[np.isfinite(xy).all(1)]
            if xy.size:
                pts = line.get_transform().transform(xy)
                hidden += int(sum(box.contains(x, y) for x, y in pts))
    return hidden


def _capture(monkeypatch, module):
    figs = []
    monkeypatch.setattr(module, "figure", lambda fig, caption="": figs.append(fig))
    return figs


def test_hopfield_modern_legend() -> None:
    b = np.geomspace(0.1, 1000, 41)
    step = (b > 3).astype(float)
    result = {"betas": b.tolist(), "fractions": {n: (0.5 * step).tolist() for n in REGIMES},
              "separation_beta": {"median": None},
              "effective_states": (32 - 31 * np.clip(np.log10(b), 0, 1.5) / 1.5).tolist(),
              "query_entropy": np.log(32 - 31 * np.clip(np.log10(b) + 0.5, 0, 2) / 2).tolist(),
              "n_fixed_points": np.where(b > 20, 32, np.where(b > 3, 4, 1)).tolist()}  # fmt: skip
    fig = modern_figure(result)
    assert hidden_points(fig) == 0
    ax = fig.get_axes()[1]
    renderer = FigureCanvasAgg(fig).get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    assert not legend.overlaps(ax.xaxis.label.get_window_extent(renderer))  # nor its label
    plt.close(fig)


def test_phase_map_finite_size_legend(monkeypatch) -> None:
    figs = _capture(monkeypatch, probe_report)
    L, H = 6, 2
    heads = [SimpleNamespace(layer=i, head=j, betas=[0.1, 0.2], beta_model=0.2,
                             mean_heat_capacity=[1.0, 2.0], beta_peak=0.2, phase="ordered")
             for i in range(L) for j in range(H)]  # fmt: skip
    fs = [{"n_keys_mean": n, "beta_c_rem": np.full((L, H), 0.3 + 0.03 * k),
           "beta_peak": np.array([[0.2 + 0.02 * k + 0.05 * i] * H for i in range(L)])}
          for k, n in enumerate((16, 32, 64, 128))]  # fmt: skip
    pm = SimpleNamespace(n_layers=L, n_heads=H, heads=heads, finite_size=fs, model="m")
    probe_report.phase_map_figures(pm)
    assert hidden_points(figs[2]) == 0
    for f in figs:
        plt.close(f)


def test_layers_trotter_legend(monkeypatch) -> None:
    figs = _capture(monkeypatch, layers_report)
    ns = [1, 2, 4, 8, 16, 32, 64, 128, 256]
    errors = [{"beta": b, "product_vs_sum_log10": {"median": -1.0, "q25": -1.1, "q75": -0.9},
               "bch2_rel": 0.1, "product_vs_sum_shape": 0.5, "rollout_tv": 0.1,
               "rollout_tv_heads": 0.1, "rollout_tv_residual": 0.1} for b in (0.1, 1.0)]  # fmt: skip
    r = {"model": "m", "beta_model": 1.0, "commutators": [[0, 1], [1, 0]], "errors": errors,
         "trotter": {"ns": ns, "betas": [1.0, 0.01],
                     "log10_error": [[150, 148, 143, 135, 120, 85, 62, 40, 24], [0.0] * 9],
                     "log10_bound": [[160] * 9, [1.0] * 9]},
         "at_model": {"log10_product_vs_sum": 1.0, "rollout_tv_by_depth": [0.0, 0.2]},
         "j_eff": {"heads_median": [1, 1], "layer_sum": [1, 1]}, "n_layers": 2}  # fmt: skip
    others = []
    for i, level in enumerate((17.0, 43.0, 50.0)):  # flat errors under their flat bounds
        t = {"ns": ns, "betas": [1.0, 0.01], "log10_error": [[level] * 9, [0.0] * 9],
             "log10_bound": [[level + 5] * 9, [1.0] * 9]}  # fmt: skip
        others.append({**r, "model": f"model {i}", "trotter": t})
    layers_report.layers_figures([r, *others])
    assert hidden_points(figs[2]) == 0
    (ax,) = figs[2].get_axes()
    assert ax.get_position().width * figs[2].get_figwidth() > 5  # inches: the legend beside it
    for f in figs:
        plt.close(f)


def test_layers_commutator_maps_tick_whole_layers_and_wrap(monkeypatch) -> None:
    figs = _capture(monkeypatch, layers_report)
    errors = [{"beta": 1.0, "product_vs_sum_log10": {"median": -1.0, "q25": -1.1, "q75": -0.9},
               "bch2_rel": 0.1, "product_vs_sum_shape": 0.5, "rollout_tv": 0.1,
               "rollout_tv_heads": 0.1, "rollout_tv_residual": 0.1}]  # fmt: skip
    t = {"ns": [1, 2], "betas": [1.0], "log10_error": [[1, 0]], "log10_bound": [[2, 1]]}
    r = {"model": "m", "beta_model": 1.0, "commutators": [[0, 1], [1, 0]], "errors": errors,
         "trotter": t, "at_model": {"log10_product_vs_sum": 1.0, "rollout_tv_by_depth": [0, 0.2]},
         "j_eff": {"heads_median": [1, 1], "layer_sum": [1, 1]}, "n_layers": 2}  # fmt: skip
    layers_report.layers_figures([r] * 4)
    maps = [ax for ax in figs[0].get_axes() if ax.get_images()]
    assert len(maps) == 4 and figs[0].get_figwidth() <= 10  # two per row, not four
    for ax in maps:
        assert list(ax.get_xticks()) == [0, 1] and list(ax.get_yticks()) == [0, 1]
    for f in figs:
        plt.close(f)


def test_detector_legend_is_off_the_curves_and_the_label(monkeypatch) -> None:
    import isingformer.phases.report as phases_report

    figs = _capture(monkeypatch, phases_report)
    x = np.linspace(2.05, 2.65, 13)
    bump = np.exp(-(((x - 2.3) / 0.15) ** 2))  # three curves filling the panel, as 2D Ising does
    curves = {"tv": 0.22 + 0.14 * bump, "linear": 0.07 + 0.11 * bump, "js": 0.05 + 0.1 * bump}
    det = {"points": x.tolist(), "indicators": {k: v.tolist() for k, v in curves.items()},
           "bands": {k: [(v - 0.02).tolist(), (v + 0.02).tolist()] for k, v in curves.items()},
           "peaks": [{"indicator": "tv", "value": 2.3, "ci": [2.25, 2.35], "at_edge": False}]}  # fmt: skip
    phases_report.validation_figure(
        [{"system": "2D Ising", "detection": det, "expected": 2.27}] * 3
    )
    (fig,) = figs
    assert hidden_points(fig) == 0
    renderer = FigureCanvasAgg(fig).get_renderer()
    for ax in fig.get_axes():
        legend = ax.get_legend().get_window_extent(renderer)
        assert not legend.overlaps(ax.xaxis.label.get_window_extent(renderer))
    plt.close(fig)


def test_spin_tc_legend_is_off_the_curves(monkeypatch) -> None:
    import isingformer.phases.report as phases_report

    figs = _capture(monkeypatch, phases_report)
    steps = [0, 25, 50, 100, 200, 300]
    mc = [0.14, 0.56, 0.66, 0.53, 0.62, 0.62]
    result = {"steps": steps, "tc": [{"value": v, "err": 0.005} for v in mc],
              "tc_overlap": [{"value": v - 0.02, "err": 0.005} for v in mc],
              "tc_tap": [0.18, 0.61, 0.73, 0.87, 0.88, 0.87],
              "tc_rs": [0.17, 0.19, 0.22, 0.26, 0.27, 0.28], "tc_init_theory": 0.17,
              "spectrum": [[1.0, 0.5]] * 6}  # fmt: skip
    phases_report.spin_section(result)
    assert hidden_points(figs[0]) == 0
    for f in figs:
        plt.close(f)
