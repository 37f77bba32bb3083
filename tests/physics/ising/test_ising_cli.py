"""The ``isingformer ising`` contracts."""

import json
from html import unescape

import pytest

from isingformer.cli import main


def _run(capsys, args):
    code = main(args)
    out = capsys.readouterr()
    return code, out


def test_exact_contract(capsys):
    code, out = _run(
        capsys, ["ising", "exact", "--size", "16", "--temperature", "2.269185314213022", "--json"]
    )
    assert code == 0
    r = json.loads(out.out)
    assert r["log_z_per_spin"] == pytest.approx(0.9321963149809878, rel=1e-13)
    assert r["energy_per_spin"] == pytest.approx(-1.453064852813, rel=1e-11)
    assert r["specific_heat_per_spin"] == pytest.approx(1.498705, abs=1e-6)
    code, out = _run(
        capsys, ["ising", "exact", "--size", "4", "--width", "5", "--temperature", "2", "--json"]
    )
    assert code == 0 and json.loads(out.out)["width"] == 5


@pytest.mark.parametrize("algorithm", ["metropolis", "heatbath", "wolff"])
def test_simulate_contract(capsys, algorithm):
    args = [
        "ising",
        "simulate",
        "--size",
        "8",
        "--temperature",
        "2.4",
        "--sweeps",
        "2000",
        "--algorithm",
        algorithm,
        "--seed",
        "1",
        "--json",
    ]
    code, out = _run(capsys, args)
    assert code == 0
    r = json.loads(out.out)
    for key in (
        "energy_per_spin",
        "abs_magnetization",
        "specific_heat",
        "susceptibility",
        "binder",
    ):
        assert set(r[key]) == {"mean", "err"} and r[key]["err"] > 0
    assert "tau_int" in r
    # every error bar states its n and method
    assert r["n_bins"] >= 10 and "jackknife" in r["error_method"]
    assert (
        abs(r["energy_per_spin"]["mean"] - r["exact"]["energy_per_spin"])
        < 6 * r["energy_per_spin"]["err"]
    )


def test_tc_contract(capsys, tmp_path):
    args = [
        "ising",
        "tc",
        "--sizes",
        "8,16",
        "--sweeps",
        "1500",
        "--executor",
        "serial",
        "--temperatures",
        "2.1:2.45:8",
        "--json",
        "--out",
        str(tmp_path),
    ]
    code, out = _run(capsys, args)
    assert code == 0, out.err
    r = json.loads(out.out)
    for key in ("tc", "tc_err", "nu", "nu_err", "exact_tc"):
        assert key in r
    assert r["n_boot"] == 200 and "parametric bootstrap" in r["error_method"]
    assert abs(r["tc"] - r["exact_tc"]) < 0.1
    assert (tmp_path / "report.html").exists() and (tmp_path / "runs.sqlite").exists()
    assert "200 parametric-bootstrap resamples" in (tmp_path / "report.md").read_text()
    # the report records what reproduces the run (it had only sizes, dim, sweeps)
    html = (tmp_path / "report.html").read_text()
    block = html.split("<h2 id='config'>")[1].split("<pre>")[1].split("</pre>")[0]
    config = json.loads(unescape(block))["config"]
    assert config["temperatures"] == r["temperatures"] and len(config["temperatures"]) == 8
    assert (config["algorithm"], config["seed"], config["sweeps"]) == ("wolff", 0, 1500)
    assert "T_c = " in html and "+-" not in html
    from isingformer.runs import ResultsStore

    with ResultsStore.open(tmp_path / "runs.sqlite", read_only=True) as st:
        assert [s["sweep"] for s in st.sweeps()] == ["ising.tc"]  # the command's name
    # a re-run resumes from the store (nothing recomputed, same answer)
    code, out2 = _run(capsys, args)
    assert json.loads(out2.out)["tc"] == r["tc"]


def test_tfim_and_bench(capsys):
    code, out = _run(
        capsys, ["ising", "tfim", "--sizes", "8,32", "--fields", "0.5:1.5:21", "--json"]
    )
    assert code == 0
    r = json.loads(out.out)
    assert r["sizes"][0]["ed_max_abs_diff"] < 1e-9
    code, out = _run(
        capsys,
        [
            "ising",
            "bench",
            "--size",
            "128",
            "--wolff-size",
            "16",
            "--min-seconds",
            "0.05",
            "--json",
        ],
    )
    assert code == 0
    r = json.loads(out.out)
    assert r["flips_per_ns"] > 0 and r["baseline_flips_per_ns"] > 0


@pytest.mark.parametrize(
    "args",
    [
        ["ising", "simulate", "--size", "32", "--temperature", "0", "--json"],
        ["ising", "simulate", "--size", "32", "--temperature", "-1", "--json"],
        ["ising", "simulate", "--size", "32", "--sweeps", "0", "--json"],
        ["ising", "simulate", "--size", "32", "--algorithm", "glauber", "--json"],
        ["ising", "simulate", "--size", "31", "--backend", "msc", "--sweeps", "5", "--json"],
        ["ising", "simulate", "--size", "64", "--backend", "msc", "--sweeps", "5", "--json"],
        [
            "ising",
            "simulate",
            "--size",
            "7",
            "--algorithm",
            "heatbath",
            "--backend",
            "torch",
            "--sweeps",
            "5",
            "--json",
        ],
        ["ising", "exact", "--size", "16", "--temperature", "0", "--json"],
        ["ising", "tc", "--sizes", "16", "--json"],
        ["ising", "tc", "--sizes", "a,b", "--json"],
        ["ising", "tfim", "--fields", "1:2", "--json"],
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, args):
    code, out = _run(capsys, args)
    assert code == 2
    assert out.out == ""
    assert len(out.err.strip().splitlines()) == 1 and out.err.startswith("isingformer: error:")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["exact", "--size", "4", "--temperature", "1e300"], "--temperature: must be <= 1e+06"),
        (["simulate", "--size", "8", "--temperature", "1e50", "--sweeps", "5"], "--temperature"),
        (["simulate", "--size", "1", "--sweeps", "5"], "--size must be >= 2"),
        (["exact", "--size", "4", "--width", "1"], "--size and --width must be >= 2"),
        (["tc", "--sizes", "4,8", "--temperatures", "1e7:2e7:5", "--sweeps", "5"], "<= 1e+06"),
    ],
)
def test_bad_values_name_the_option(capsys, args, needle):
    """A huge T was refused with a wrong reason (K = J/T > 0, got -1e-44); the
    size messages named options that do not exist (--L, --M, --T)."""
    code, out = _run(capsys, ["ising", *args, "--json"])
    assert code == 2 and out.out == "" and len(out.err.strip().splitlines()) == 1
    assert needle in out.err, out.err


def test_tc_takes_the_largest_seed(capsys):
    """--seed 2^63 - 1 is valid, but the per-point seeds overflowed the store's
    INTEGER ('OverflowError: Python int too large to convert to SQLite INTEGER')."""
    args = ["ising", "tc", "--sizes", "4,8", "--sweeps", "20", "--executor", "serial"]
    code, out = _run(capsys, [*args, "--seed", str(2**63 - 1), "--json"])
    assert code == 0, out.err
    assert json.loads(out.out)["sizes"] == [4, 8]
