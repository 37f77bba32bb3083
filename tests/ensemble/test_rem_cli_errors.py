"""``ensemble rem --json`` says what its error bars are (n and method)."""

from __future__ import annotations

import json

import numpy as np

from isingformer.cli import main


def test_rem_json_states_error_n_and_method(capsys):
    argv = ["ensemble", "rem", "--sizes", "16,64", "--samples", "12", "--n-boot", "7"]
    assert main([*argv, "--executor", "serial", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["errors"]["n"] == 12 and out["errors"]["n_boot"] == 7
    assert "bootstrap" in out["errors"]["method"]
    assert all(p["beta_peak_err"] is not None for p in out["points"])


def test_rem_two_rows_have_no_error_bar(capsys):
    argv = ["ensemble", "rem", "--sizes", "16", "--samples", "2", "--executor", "serial"]
    assert main([*argv, "--json"]) == 0
    (point,) = json.loads(capsys.readouterr().out)["points"]
    assert point["beta_peak_err"] is None and point["c_max_err"] is None


def test_rem_takes_the_largest_seed(capsys):
    """--seed 2^63 - 1 is valid (docs/cli.md) but the per-N seed overflowed
    torch's generator: 'ValueError: Overflow when unpacking long long'."""
    argv = ["ensemble", "rem", "--sizes", "16", "--samples", "3", "--n-boot", "2"]
    assert main([*argv, "--seed", str(2**63 - 1), "--executor", "serial", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["points"][0]["size"] == 16


def test_rem_report_states_rows_and_resamples(capsys, tmp_path):
    """The report's table said 'bootstrap errors over rows' without how many."""
    argv = ["ensemble", "rem", "--sizes", "16,64,256", "--samples", "12", "--n-boot", "7"]
    assert main([*argv, "--executor", "serial", "--out", str(tmp_path)]) == 0
    text = (tmp_path / "report.md").read_text()
    assert "7 bootstrap resamples of the 12 rows" in text


def test_peaks_on_the_grid_edge_are_not_extrapolated():
    """With every β* on the grid's upper edge (only bounds) the study reported a
    confident y∞ = 0.34 ± 0.016 fitted to the bounds; now no fit (None)."""
    from isingformer.ensemble import rem_study

    kw = {"executor": "serial", "progress": False, "n_boot": 5}
    edge = rem_study([16, 64, 256], 20, betas=list(np.linspace(0.1, 1.5, 20)), **kw)
    assert all(p.peak_at_edge for p in edge.points)
    assert edge.ratio_fit is None and edge.height_fit is None
    inside = rem_study([16, 64, 256], 20, **kw)  # the default grid brackets every peak
    assert not any(p.peak_at_edge for p in inside.points) and inside.ratio_fit is not None
