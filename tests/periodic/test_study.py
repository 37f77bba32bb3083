"""``isingformer periodic`` on tiny trained GPTs: the JSON contract, the
report, the paired verdicts, and bad input (one line, exit 2)."""

import json
import math

import numpy as np
import pytest
import torch

from isingformer.cli import main
from isingformer.errors import InputError
from isingformer.periodic import paired_verdict, parse_checkpoints, rem_rounding
from isingformer.periodic.study import capture_logits, find_checkpoints


def _run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_captured_logits_are_what_the_softmax_sees(tiny):
    cap = capture_logits(tiny["periodic"] / "seed0" / "checkpoint.pt", "periodic", n_windows=2)
    s = cap["logits"]
    assert s.shape == (2, 2, 64, 64) and s.dtype == torch.float64
    # at lag T - 1 the circular distance is 1: the bias equals the lag-1 bias
    from isingformer.attention.bias import PeriodicBias

    p = PeriodicBias(2)(64, dtype=torch.float64)
    assert float(p[0, 63, 0]) == pytest.approx(float(p[0, 1, 0]))
    assert np.all(np.isfinite(cap["loss_profile"])) and cap["loss_profile"].shape == (64,)


def test_cli_contract_and_report(tiny, tmp_path, capsys):
    spec = f"none={tiny['none'] / 'seed0'},alibi={tiny['alibi']},periodic={tiny['periodic']}"
    argv = ["periodic", "--checkpoints", spec, "--n-texts", "2", "--json", "--out", str(tmp_path)]
    code, out, err = _run(capsys, argv)
    assert code == 0, err
    r = json.loads(out)
    assert [b["name"] for b in r["biases"]] == ["none", "alibi", "periodic"]
    for b in r["biases"]:
        assert set(b["edge_spread"]) >= {"mean", "ci"}
        assert set(b["correlation_length"]) >= {"mean", "ci"}
        assert set(b["rounding_exponent"]) >= {"value", "ci"}
    assert [b["n_models"] for b in r["biases"]] == [1, 3, 3]  # one DIR, two per-seed DIRs
    assert r["biases"][0]["edge_spread"]["ci"] is None  # one model: no interval
    assert r["biases"][1]["edge_spread"]["ci"] is not None
    assert set(r["training"]) == {"none", "alibi", "periodic"}
    for t in r["training"].values():
        assert set(t) == {"steps_to_target", "final_val_loss"}
    assert set(r["verdicts"]) == {"edges", "correlation", "rounding", "training"}
    # against `none` (one model) there is one pair: no interval, no verdict
    assert all(v.startswith("inconclusive") for v in r["verdicts"].values())
    # 64 causal positions: lags 33..63 are 496 of the 2080 pairs
    assert r["biases"][2]["wrap_pair_fraction"] == pytest.approx(496 / 2080)
    assert (tmp_path / "report.html").is_file() and (tmp_path / "report.md").is_file()


@pytest.mark.parametrize(
    "spec, needle",
    [
        ("rope=X", "unknown bias"),
        ("none", "expected BIAS=DIR"),
        ("none=A,none=B", "given twice"),
    ],
)
def test_bad_checkpoint_specs(spec, needle, capsys):
    code, out, err = _run(capsys, ["periodic", "--checkpoints", spec])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err


def test_label_must_match_the_checkpoint_bias(tiny, capsys):
    spec = f"none={tiny['periodic']},alibi={tiny['alibi']},periodic={tiny['none']}"
    code, _, err = _run(capsys, ["periodic", "--checkpoints", spec])
    assert code == 2 and err.count("\n") == 1 and "fix the label" in err


def test_missing_directory_and_bias(tmp_path, tiny, capsys):
    code, _, err = _run(capsys, ["periodic", "--checkpoints", f"none={tmp_path / 'nope'}"])
    assert code == 2 and "no checkpoint.pt" in err
    code, _, err = _run(capsys, ["periodic", "--checkpoints", f"none={tiny['none']}"])
    assert code == 2 and "missing" in err


def test_find_checkpoints_per_seed(tmp_path):
    for s in (2, 0, 1):
        (tmp_path / f"seed{s}").mkdir()
        (tmp_path / f"seed{s}" / "checkpoint.pt").write_bytes(b"")
    found = find_checkpoints(tmp_path)
    assert [p.parent.name for p in found] == ["seed0", "seed1", "seed2"]
    assert parse_checkpoints(f"none={tmp_path}") == {"none": tmp_path}
    with pytest.raises(InputError):
        parse_checkpoints("none=")


def test_paired_verdict_directions():
    a = [1.0, 1.1, 0.9, 1.05]
    b = [2.0, 2.1, 1.9, 2.0]
    assert paired_verdict(a, b, "lower", "x")["verdict"] == "supported"
    assert paired_verdict(a, b, "higher", "x")["verdict"] == "refuted"
    noisy = [2.5, 1.5, 2.4, 1.6]
    assert paired_verdict(noisy, b, "lower", "x")["verdict"] == "inconclusive"
    assert paired_verdict(a[:2], b[:2], "lower", "x")["verdict"] == "inconclusive"  # n < 3


def test_rem_control_width_is_finite_and_shrinks_slowly():
    r = rem_rounding(sizes=(4, 16, 64), samples=32)
    assert all(math.isfinite(w) and w > 0 for w in r["widths"])
    assert math.isfinite(r["fit"]["theta"])


@pytest.mark.slow
def test_main_job_section(tmp_path):
    from isingformer.jobs import SECTIONS, JobContext
    from isingformer.runs import ResultsStore

    job = dict(SECTIONS)["periodic"]
    section = job(JobContext(out=tmp_path, store=ResultsStore.open(None)))
    assert section.title == "Periodic self-attention"
    assert len(section.figures) == 3 and section.tables[0].rows[0][0] == "edges"
    assert set(section.data["verdicts"]) == {"edges", "correlation", "rounding", "training"}


def test_exponential_decay_is_trained_and_read_back(tmp_path, capsys):
    from isingformer.attention.bias import PeriodicBias
    from isingformer.periodic.experiment import train_tiny

    ck = train_tiny("periodic", 0, 2, tmp_path / "exp", decay="exponential")
    cap = capture_logits(ck, "periodic", n_windows=1)
    assert cap["decay"] == "exponential"
    p = PeriodicBias(2, decay="exponential")(64, dtype=torch.float64)
    assert float(p.min()) >= -4.0 and float(p[0, 32, 0]) == pytest.approx(4 * math.expm1(-32 / 16))
    code, _, err = _run(capsys, ["periodic", "--decay", "cosine"])
    assert code == 2 and err.count("\n") == 1 and "--decay" in err


def test_model_directory_without_config_is_refused_before_training(tmp_path, capsys):
    """An empty --model directory used to pass the check, train every model,
    and fail only when loading it at the end (found by the deep fuzz run)."""
    code, out, err = _run(capsys, ["periodic", "--model", str(tmp_path)])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "config.json" in err


def test_verdicts_pair_checkpoints_by_run_not_by_position():
    # user-given directories: other order, an extra run, another policy; the
    # pairs must be the same (policy, seed) (was: the first n of each list)
    from isingformer.periodic.experiment import _verdicts

    def m(seed, spread, policy="sqrt_dk"):
        return {"seed": seed, "policy": policy, "edge_spread": spread}

    periodic = [m(0, 1.0), m(1, 2.0), m(2, 3.0)]
    none = [m(0, 0.0, "critical"), m(2, 3.5), m(1, 2.5), m(0, 1.5), m(7, 9.0)]
    _, details = _verdicts({"periodic": periodic, "none": none, "alibi": none}, ("edges",))
    diff = details["edges"]["none"]["diff"]
    assert diff["n"] == 3 and diff["values"] == [-0.5, -0.5, -0.5]
    assert details["edges"]["none"]["verdict"] == "supported"


def test_verdict_texts_name_quantities_in_words():
    """The edges/training verdicts printed result keys to the reader
    ("edge_spread(periodic) − edge_spread(none)")."""
    from isingformer.periodic.experiment import _verdicts

    def m(seed, v):
        return {"seed": seed, "policy": "sqrt_dk", "edge_spread": v, "final_val_loss": v}

    runs = {
        k: [m(s, s + (k == "periodic")) for s in range(3)] for k in ("periodic", "none", "alibi")
    }
    verdicts, _ = _verdicts(runs, ("edges", "training"))
    assert "edge spread of β*(periodic) − edge spread of β*(none)" in verdicts["edges"]
    assert "final validation loss(periodic)" in verdicts["training"]
    assert "_" not in verdicts["edges"] + verdicts["training"]
