"""``ensemble rem --json`` says what its error bars are (n and method)."""

from __future__ import annotations

import json

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
    assert json.loads(capsys.readouterr().out)["points"][0]["n"] == 16


def test_rem_report_states_rows_and_resamples(capsys, tmp_path):
    """The report's table said 'bootstrap errors over rows' without how many."""
    argv = ["ensemble", "rem", "--sizes", "16,64,256", "--samples", "12", "--n-boot", "7"]
    assert main([*argv, "--executor", "serial", "--out", str(tmp_path)]) == 0
    text = (tmp_path / "report.md").read_text()
    assert "7 bootstrap resamples of the 12 rows" in text
