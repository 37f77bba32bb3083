"""No legend sits on a drawn line, counting the segments between the points too
(a steep step of a regime fraction passes under a legend between two markers)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from isingformer.physics.hopfield.modern import REGIMES
from isingformer.physics.hopfield.report import capacity_figure, modern_figure


def covered(fig) -> int:
    """Points of every line, sampled densely along its segments in display space,
    inside any legend (an axes' or the figure's), over all axes."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    legends = [ax.get_legend() for ax in fig.get_axes()] + list(fig.legends)
    boxes = [lg.get_window_extent(renderer) for lg in legends if lg is not None]
    hidden = 0
    for ax in fig.get_axes():
        clip = ax.get_window_extent(renderer)
        for line in ax.get_lines():
            xy = np.column_stack(line.get_data()).astype(float)
            xy = xy[np.isfinite(xy).all(1)]
            if len(xy) < 1:
                continue
            pts = line.get_transform().transform(xy)
            t = np.linspace(0, 1, 40)[:, None, None]
            joined = len(pts) > 1 and line.get_linestyle() not in ("None", "", " ")
            dense = (pts[:-1] + t * (pts[1:] - pts[:-1])).reshape(-1, 2) if joined else pts
            inside = [clip.contains(x, y) for x, y in dense]  # drawn (not clipped away)
            for box in boxes:
                hidden += int(
                    sum(ok and box.contains(x, y) for (x, y), ok in zip(dense, inside, strict=True))
                )
    return hidden


def _modern_result() -> dict:
    b = np.geomspace(0.1, 1000, 41)
    glob = (b < 3.5).astype(float)
    retr = (b > 25).astype(float)
    return {"betas": b.tolist(),
            "fractions": {"global": glob.tolist(), "metastable": (1 - glob - retr).tolist(),
                          "retrieval": retr.tolist()},
            "separation_beta": {"median": 70.0, "min": 55.0, "max": 95.0},
            "effective_states": (32 - 31 * np.clip(np.log10(b), 0, 1.5) / 1.5).tolist(),
            "query_entropy": np.log(32 - 31 * np.clip(np.log10(b) + 0.5, 0, 2) / 2).tolist(),
            "n_fixed_points": np.where(b > 20, 32, np.where(b > 3, 4, 1)).tolist()}  # fmt: skip


def test_modern_hopfield_regime_steps_are_not_under_the_legend() -> None:
    result = _modern_result()
    assert set(result["fractions"]) == set(REGIMES)
    fig = modern_figure(result)
    assert covered(fig) == 0
    ticks = [t.get_text() for t in fig.get_axes()[1].yaxis.get_ticklabels() if t.get_text()]
    assert len(ticks) >= 3  # a readable log axis: more than 10⁰ and 10¹
    plt.close(fig)


def test_hopfield_retrieval_probability_legend_is_off_the_bars() -> None:
    a = np.linspace(0.08, 0.22, 15)
    curves = []
    for n, shift in ((500, 0.02), (1000, 0.01), (2000, 0.0)):
        p = np.clip(1 - (a - 0.13 - shift) / 0.06, 0, 1)
        ci = np.column_stack([np.clip(p - 0.1, 0, 1), np.clip(p + 0.1, 0, 1)])
        curves.append({"size": n, "alpha": a.tolist(), "overlap": p.tolist(),
                       "p_retrieval": p.tolist(), "p_ci": ci.tolist()})  # fmt: skip
    fig = capacity_figure({"curves": curves, "trials": 40, "alpha_c": 0.14, "alpha_c_err": 0.01})
    assert covered(fig) == 0
    plt.close(fig)


def test_periodic_edge_profile_legend_and_log_ticks(monkeypatch) -> None:
    import isingformer.periodic.report as periodic_report

    figs = []
    monkeypatch.setattr(periodic_report, "figure", lambda fig, caption="": figs.append(fig))
    i = np.arange(64)
    rng = np.random.default_rng(0)  # widths scattered over the whole panel, as measured ones are
    first = {"none": [7.6, 7.6, 1.5, 3.0], "alibi": [4.0, 3.0, 9.0, 1.2],
             "periodic": [2.4, 5.5, 1.1, 9.5]}  # fmt: skip
    prof = {"none": 4 + 30 * (1 - np.exp(-i / 3)), "alibi": 15 - 0.1 * i, "periodic": 10 - 0.08 * i}
    models = {name: [{"beta_star_profile": p.tolist(), "entropy_profile": np.log1p(i).tolist(),
                      "xi_vs_beta": {"betas": [0.5, 1.0, 2.0], "xi": [50.0, 40.0, 30.0]},
                      "width_profile": [*first[name], *(10 ** rng.uniform(0, 1, i.size - 4))]}]
              for name, p in prof.items()}  # fmt: skip
    rem = {"sizes": [4, 16, 64], "widths": [2.3, 2.1, 1.9]}
    periodic_report.periodic_figures({"models": models, "rem_control": rem})
    edges, _, rounding = figs
    assert covered(edges) == 0
    assert covered(rounding) == 0  # the widths at small N sit high, where a legend goes
    ax = edges.get_axes()[0]
    labels = [t.get_text() for t in ax.yaxis.get_ticklabels(which="both") if t.get_text()]
    assert labels and not [t for t in labels if "times" in t or "×" in t]  # 5, 10, 20 not 3×10⁰
    for f in figs:
        plt.close(f)
