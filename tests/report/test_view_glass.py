"""The spin-glass section states n and the method of every ± and what each figure pools."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import isingformer.physics.glass.annealing as annealing
import isingformer.physics.glass.report as glass_report

from ._figures import unrendered


def _fake_section(monkeypatch):
    pts = [{"size": n, "samples": 7, "e0_mean": -0.76 + 0.3 * n ** (-2 / 3), "e0_err": 0.01,
            "agree_fraction": 1.0} for n in (32, 64)]  # fmt: skip
    sk = {"points": pts, "e_inf": -0.763, "e_inf_err": 0.01, "amplitude": 0.3,
          "z_vs_parisi": 0.1, "samples": 7}  # fmt: skip
    curve = {"edges": [-1.0, 0.0, 1.0], "density": [0.5, 0.5], "weight_small": 0.2,
             "weight_small_err": 0.05}  # fmt: skip
    ov = {"temperature": 0.5, "samples": 9, "q_rs": 0.6,
          "curves": [{"size": 32, **curve}, {"size": 64, **curve}]}  # fmt: skip
    mc = {"sa_cuts": [80, 81, 79], "greedy_cuts": [78, 81, 77], "sa_mean": 80.0,
          "greedy_mean": 78.7, "sa_wins": 2, "ties": 1}  # fmt: skip
    monkeypatch.setattr(glass_report, "sk_study", lambda *a, **k: sk)
    monkeypatch.setattr(glass_report, "overlap_study", lambda *a, **k: ov)
    monkeypatch.setattr(annealing, "compare_maxcut", lambda *a, **k: mc)
    monkeypatch.setattr("isingformer.report.figure", unrendered)
    return glass_report.glass_section(SimpleNamespace(quick=True, store=None, seed=0))


def test_glass_section_states_n_and_method_of_every_error(monkeypatch) -> None:
    sec = _fake_section(monkeypatch)
    # the P(q) weights carry a ±: its method and n are in the text
    assert "standard error over the n = 9 disorder samples" in sec.text
    # Max-Cut: means over how many graphs, and the ties
    assert "3 random 3-regular graphs" in sec.text and "equal on 1" in sec.text
    pq = sec.figures[1].caption
    assert "T = 0.5" in pq and "n = 9 disorder samples" in pq and "±q_RS" in pq
    table = sec.tables[0].caption
    assert "standard error" in table and "chains agree" in table
