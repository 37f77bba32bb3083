"""The periodic study's decay length ξ is only reported where its window can measure
it: a fitted ξ beyond the window (the none bias reached ~800 tokens in 64-token
windows) is flagged in the per-model result, summarised as a lower bound in the
JSON and the CLI text, and drawn as such in the report figure."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

import isingformer.periodic.report as periodic_report
from isingformer.cli.periodic import _fmt
from isingformer.periodic.experiment import _xi_summary
from isingformer.periodic.measures import causal_allowed
from isingformer.periodic.study import correlation_window, measure_logits

pytestmark = pytest.mark.regression  # docs/periodic.md: the 58.6-token window


def _model(xi_true: float, t: int = 16) -> dict:
    """measure_logits of one head whose logits are −|i − j|/ξ (causal)."""
    i = torch.arange(t, dtype=torch.float64)
    logits = (-(i[:, None] - i[None, :]).abs() / xi_true)[None, None]
    return measure_logits({"logits": logits, "bias": "none", "checkpoint": "x"})


def test_the_window_is_what_uniform_attention_fits() -> None:
    # docs: uniform attention under a causal mask fits ξ = 58.6 tokens at T = 64
    # (|i − j|); the circular distance's window is its span, 30 tokens
    assert correlation_window(causal_allowed(64)) == pytest.approx(58.58, abs=0.01)
    assert correlation_window(causal_allowed(64), periodic=True) == 30
    assert correlation_window(torch.ones(64, 64, dtype=torch.bool)) == 62  # no mask: the span


def test_a_decay_length_beyond_the_window_is_flagged() -> None:
    short, flat, rising = _model(3.0), _model(1e12), _model(-50.0)
    assert not short["correlation_beyond_window"] and short["correlation_length"] < 5
    for m in (flat, rising):  # no decay, or a weight that grows with distance
        assert m["correlation_beyond_window"]
        assert all(m["xi_vs_beta"]["beyond_window"][:3])
    s = _xi_summary([short, flat, rising])
    assert s["mean"] is None and s["ci"] is None and s["beyond_window"] == 2 and s["n"] == 3
    w = short["correlation_window"]
    assert s["window"] == w and s["lower_bound"] == pytest.approx(
        (short["correlation_length"] + 2 * w) / 3
    )
    assert _fmt(s) == f"> {w} (2 of 3 beyond window)"
    ok = _xi_summary([short, _model(2.0), _model(4.0)])
    assert ok["beyond_window"] == 0 and ok["mean"] is not None and ok["ci"] is not None


def test_figure_draws_unmeasured_xi_as_a_lower_bound(monkeypatch) -> None:
    figs = []
    monkeypatch.setattr(
        periodic_report, "figure", lambda fig, caption="": figs.append((fig, caption))
    )
    betas = [0.5, 1.0, 2.0]
    i = np.arange(64)

    def m(xi, beyond):  # fmt: skip
        return {"beta_star_profile": (5 + 0 * i).tolist(), "entropy_profile": np.log1p(i).tolist(),
                "width_profile": (1.0 + 0 * i).tolist(), "correlation_window": 58.6,
                "xi_vs_beta": {"betas": betas, "xi": xi, "beyond_window": beyond}}  # fmt: skip

    models = {"none": [m([800.0, 40.0, 30.0], [True, False, False]),
                       m([50.0, 45.0, 35.0], [False, False, False])],
              "alibi": [m([20.0, 15.0, 10.0], [False] * 3)] * 2}  # fmt: skip
    rem = {"sizes": [4, 16, 64], "widths": [2.3, 2.1, 1.9]}
    periodic_report.periodic_figures({"models": models, "rem_control": rem})
    fig, caption = figs[1]
    ax = fig.get_axes()[0]
    none_line = next(ln for ln in ax.get_lines() if ln.get_label() == "none")
    y = np.asarray(none_line.get_ydata(), dtype=float)
    assert math.isnan(y[0]) and y[1] == pytest.approx(42.5)  # the mean over 2 models
    (tri,) = [ln for ln in ax.get_lines() if ln.get_marker() == "^"]
    assert list(tri.get_xdata()) == [0.5] and list(tri.get_ydata()) == [58.6]
    assert ax.get_ylim()[1] < 100  # 800 is not drawn
    assert "mean over the 2 models" in caption and "lower bound" in caption
    for f, _ in figs:
        plt.close(f)


def test_section_text_states_n_and_method_of_every_number() -> None:
    iv = {"mean": 0.126, "ci": [0.125, 0.127], "n": 3}
    biases = [{"name": b, "edge_spread": iv, "decay_rate": iv,
               "rounding_exponent": {**iv, "value": 0.1}, "wrap_mass_fraction": iv,
               "wrap_pair_fraction": 0.238} for b in ("none", "alibi", "periodic")]  # fmt: skip
    result = {"biases": biases, "verdicts": dict.fromkeys(("edges", "correlation", "rounding", "training"), "x: y"),
              "training": {b: {"final_val_loss": iv} for b in ("none", "alibi", "periodic")},
              "rem_control": {"samples": 64, "fit": {"theta": 0.105, "ci": [0.029, 0.181], "n": 5}}}  # fmt: skip
    text = periodic_report.periodic_section(result, figures=False).text
    assert "12.6 % (95 % Student-t interval 12.5–12.7 % over n = 3 models)" in text
    assert "θ = 0.105 (95 % interval [0.029, 0.181] from the OLS slope over n = 5 sizes)" in text
