"""``isingformer numbers primon|leeyang|zeros|gaps``: JSON contracts and bad input."""

import json

import pytest

from isingformer.cli import main


def run_json(capsys, argv):
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = [ln for ln in captured.out.splitlines() if ln.strip()]
    assert len(lines) == 1
    return json.loads(lines[0])


def test_primon_contract(capsys):
    d = run_json(capsys, ["numbers", "primon", "--beta", "2", "--json"])
    for key in ("log_z", "energy", "heat_capacity", "entropy"):
        assert d[f"{key}_radius"] < 1e-12
    assert d["energy"] == pytest.approx(0.569960993095, abs=1e-12)


def test_leeyang_contract(capsys, tmp_path):
    argv = ["numbers", "leeyang", "--lattice", "torus", "--size", "3", "--temperature", "2.0"]
    d = run_json(capsys, [*argv, "--json", "--out", str(tmp_path)])
    assert len(d["zeros"]) == 9 and all(len(z) == 2 for z in d["zeros"])
    assert d["on_unit_circle"] is True
    assert d["max_abs_deviation"] < 1e-12
    assert 0 < d["first_zero_angle"] < 3.2
    assert (tmp_path / "numbers_leeyang.json").exists()


def test_zeros_contract(capsys):
    d = run_json(capsys, ["numbers", "zeros", "--count", "30", "--n-boot", "20", "--json"])
    assert len(d["zeros"]) == 30
    assert d["all_on_critical_line"] is True
    assert set(d["spacing_ks"]) >= {"gue", "goe", "poisson"}


def test_theta_sweep_is_stored_and_resumed(capsys, tmp_path):
    from isingformer.runs import ResultsStore

    argv = ["numbers", "theta", "--sizes", "2,3,4,5", "--out", str(tmp_path), "--json"]
    d = run_json(capsys, argv)
    with ResultsStore.open(tmp_path / "runs.sqlite", read_only=True) as store:
        started = [r.started for r in store.records("numbers.theta")]
    assert d["sizes"] == [2, 3, 4, 5] and d["fit_dof"] == 0
    # the error bar states its n and method; no residual dof, no standard error
    assert d["fit_n"] == 3 and "least squares" in d["y_h_method"] and d["y_h_stderr"] is None
    assert d["first_zero_angles"][0] > d["first_zero_angles"][-1] > 0
    again = run_json(capsys, argv)
    assert again["first_zero_angles"] == d["first_zero_angles"]
    with ResultsStore.open(tmp_path / "runs.sqlite") as store:
        assert len(store.finished_keys("numbers.theta")) == 4
        assert [r.started for r in store.records()] == started  # resumed, nothing recomputed


def test_smallest_limit_works(capsys):
    assert run_json(capsys, ["numbers", "gaps", "--limit", "100", "--json"])["n_primes"] == 25


def test_gaps_contract(capsys):
    d = run_json(capsys, ["numbers", "gaps", "--limit", "100000", "--json"])
    assert d["n_primes"] == 9592
    assert set(d["ks"]) == {"cramer", "cramer_mod2", "hardy_littlewood"}
    assert isinstance(d["verdict"], str) and d["verdict"]
    assert "_" not in d["verdict"]  # models in words ("hardy_littlewood model" was printed)


@pytest.mark.parametrize(
    "argv",
    [
        ["numbers", "primon", "--beta", "1"],
        ["numbers", "primon", "--beta", "0.3", "--json"],
        ["numbers", "primon", "--beta", "1e308"],
        ["numbers", "gaps", "--limit", "1000", "--ising-size", "4"],
        ["numbers", "leeyang", "--lattice", "torus", "--size", "8"],
        ["numbers", "leeyang", "--lattice", "hex", "--size", "3"],
        ["numbers", "leeyang", "--size", "3", "--temperature", "0"],
        ["numbers", "zeros", "--count", "-4"],
        ["numbers", "theta", "--sizes", "2,3,9"],
        ["numbers", "theta", "--sizes", "2,3,4"],
        ["numbers", "zeros", "--count", "100000"],
        ["numbers", "gaps", "--limit", "-1"],
        ["numbers", "gaps", "--limit", "100000000000"],
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, argv):
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("isingformer: error: ")
    assert captured.out == ""
