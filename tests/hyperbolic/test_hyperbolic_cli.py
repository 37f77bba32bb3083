"""``isingformer hyperbolic``: the contract's JSON keys, the report, bad input."""

from __future__ import annotations

import json

import pytest

from isingformer.cli import main


def test_trees_json_and_corpus(capsys, tmp_path):
    argv = ["hyperbolic", "trees", "--branching", "2,3", "--depth", "3", "--json"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [t["branching"] for t in out["trees"]] == [2, 3]
    assert all(t["gromov_delta"] == 0.0 for t in out["trees"])
    # the corpus file: one Euler tour per line, one character per node
    from isingformer.hyperbolic.trees import tree_data

    text = (tmp_path / "tree-b2-D3.txt").read_text(encoding="utf-8")
    data, tree = tree_data(2, 3, 20_000, seed=0)
    first = text.split("\n")[0]
    assert len(first) == 2 * tree.n_nodes - 1 and len(set(first)) == tree.n_nodes
    assert len(text) == len(data.train) + 1 + len(data.val)


def test_conjecture_contract_keys_and_report(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(
        "isingformer.hyperbolic.conjecture.MODEL",
        {"n_layer": 1, "n_head": 1, "d_model": 8, "context": 8, "batch_size": 4,
         "lr": 3e-3, "warmup": 1, "eval_batches": 1},
    )  # fmt: skip
    argv = ["hyperbolic", "conjecture", "--curvatures", "-1", "--branching", "2",
            "--betas", "0.5,1,2", "--seeds", "1", "--steps", "2", "--depth", "2",
            "--executor", "serial", "--json", "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"cells", "fit", "verdict", "fit_critical", "verdict_critical"}
    cell = out["cells"][0]
    assert set(cell) >= {"curvature", "lambda", "beta_opt", "beta_critical"}
    assert set(cell["beta_opt"]) >= {"value", "ci"}
    assert out["verdict"] in ("supported", "rejected", "inconclusive")
    if out["fit"] is not None:
        assert set(out["fit"]) >= {"p", "p_ci", "q", "q_ci", "r2"}
    assert (tmp_path / "report.html").exists() and (tmp_path / "runs.sqlite").exists()


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["hyperbolic", "conjecture", "--curvatures", "0.5"], "--curvatures"),
        (["hyperbolic", "conjecture", "--curvatures", "-1,0"], "--curvatures"),
        (["hyperbolic", "conjecture", "--branching", "1,2"], "--branching"),
        (["hyperbolic", "conjecture", "--branching", ""], "--branching"),
        (["hyperbolic", "conjecture", "--curvatures", ""], "--curvatures"),
        (["hyperbolic", "conjecture", "--betas", "1,2"], "--betas"),
        # was "training diverged at step 0 (loss nan)" after training the other cells
        (["hyperbolic", "conjecture", "--curvatures=-1e-200,-1", "--seeds", "1"], "--curvatures"),
        (["hyperbolic", "trees", "--depth", "0"], "depth"),
        (["train", "--attention", "hyperbolic", "--curvature", "1"], "curvature"),
        (["train", "--attention", "elliptic"], "attention"),
    ],
)
def test_bad_input_is_one_line_exit_2(argv, needle, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("isingformer: error:") and needle in lines[0]
