"""``isingformer quantum example|run|verify``: contracts and bad input."""

import json
import math

import pytest

from isingformer.cli import main
from isingformer.quantum import example_spec

E = math.e
EXACT = {
    "x0,x0": 2 / ((E + 2) * (3 * E + 1)),
    "x0,x1": 6 * E / ((E + 2) * (3 * E + 1)),
    "x1,x0": E**2 / ((E + 2) * (E + 1)),
    "x1,x1": E / ((E + 2) * (E + 1)),
}
EYE = [[1, 0], [0, 1]]


def run_json(capsys, argv):
    code = main(argv)
    out = capsys.readouterr().out
    assert code == 0, out
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert len(lines) == 1  # exactly one JSON object on stdout
    return json.loads(lines[0])


def test_example_json_contract(capsys):
    d = run_json(capsys, ["quantum", "example", "--json"])
    assert set(d["joint"]) == set(EXACT)
    for key, value in EXACT.items():
        assert d["joint"][key] == pytest.approx(value, abs=1e-14)
    assert d["marginals"]["x0"] == pytest.approx(2 / (E + 2), abs=1e-15)
    assert d["marginals"]["x1"] == pytest.approx(E / (E + 2), abs=1e-15)
    assert d["cptp"] is True
    assert d["betas"] == [1.0, 1.0]
    assert d["max_abs_error"] < 1e-14
    documented = {"joint", "marginals", "conditional", "closed_form", "max_abs_error"}
    documented |= {"classical_joint_max_abs_diff", "evolved_state_t1", "cptp", "cptp_checks"}
    assert documented | {"joint_beta_1_over_sqrt_d"} <= set(d)
    # no private object in the contract (it repeated cptp_checks as "_cptp_report")
    assert not [k for k in d if k.startswith("_")]


def test_run_json_contract(tmp_path, capsys):
    p = tmp_path / "spec.json"
    p.write_text(json.dumps(example_spec().to_dict()))
    d = run_json(capsys, ["quantum", "run", "--spec", str(p), "--json", "--mode", "sparse"])
    assert d["cptp"] is True
    for key, value in EXACT.items():
        assert d["joint"][key] == pytest.approx(value, abs=1e-14)
    assert d["agrees_with_autoregressive"] is True
    assert d["beta_source"] == ["explicit", "explicit"]


def test_run_with_samples_and_out(tmp_path, capsys):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(example_spec().to_dict()))
    out = tmp_path / "out"
    d = run_json(
        capsys,
        [
            "quantum",
            "run",
            "--spec",
            str(spec),
            "--samples",
            "2000",
            "--seed",
            "1",
            "--json",
            "--out",
            str(out),
        ],
    )
    assert sum(d["sampling"]["counts"].values()) == 2000 == d["sampling"]["n"]
    assert (out / "quantum_run.json").exists()
    assert (out / "quantum_run_tree.png").stat().st_size > 1000


def test_verify_on_a_spec(tmp_path, capsys):
    p = tmp_path / "spec.json"
    p.write_text(json.dumps(example_spec().to_dict()))
    d = run_json(
        capsys,
        ["quantum", "verify", "--spec", str(p), "--seeds", "3", "--samples", "3000", "--json"],
    )
    assert d["passed"] is True
    (r,) = d["specs"]
    assert r["cptp"] is True and r["joint_max_abs_diff"] <= 1e-12
    for c in (*r["chi2_quantum"], *r["chi2_classical"]):  # the key quantum run uses too
        assert set(c) == {"seed", "chi2", "dof", "p_value"} and 0 <= c["p_value"] <= 1


def bad_spec(tmp_path, **over):
    raw = {
        "tokens": {"x0": [1, 0], "x1": [0, 1]},
        "text": ["x0", "x1"],
        "blocks": [{"WQ": EYE, "WK": EYE, "WV": EYE}],
    }
    raw.update(over)
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(raw))
    return str(p)


@pytest.mark.parametrize(
    "over,needle",
    [
        ({"blocks": [{"WQ": EYE, "WK": EYE, "WV": [[2, 0], [0, 1]]}]}, "not a token"),
        ({"blocks": [{"WQ": EYE, "WK": EYE, "WV": EYE, "FFN": [[0, 0], [0, 1]]}]}, "not a token"),
        ({"blocks": [{"WQ": [[1, 0, 0]], "WK": [[1, 0, 0]], "WV": EYE}]}, "columns"),
        ({"blocks": [{"WQ": EYE, "WK": EYE, "WV": [[1, 0]]}]}, "2 x 2"),
        ({"text": []}, "empty"),
        ({"M": 2}, "too small"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, capsys, over, needle):
    code = main(["quantum", "run", "--spec", bad_spec(tmp_path, **over), "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]


def test_bad_options_exit_2(tmp_path, capsys):
    assert main(["quantum", "run", "--spec", str(tmp_path / "none.json")]) == 2
    assert main(["quantum", "example", "--mode", "quantum-foam"]) == 2
    assert main(["quantum", "verify", "--seeds", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3
