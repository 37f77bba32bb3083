"""The three scripts in examples/ run (at tiny sizes) and give sane answers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _one_thread(monkeypatch, tmp_path):
    monkeypatch.setenv("ISINGFORMER_CACHE", str(tmp_path / "cache"))
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def test_every_example_is_tested():
    assert sorted(p.stem for p in EXAMPLES.glob("*.py")) == [
        "beta_sweep_gpt",
        "ising_fss",
        "phase_map",
    ]


def test_phase_map(capsys, tmp_path):
    csv = tmp_path / "heads.csv"
    # the passage options are those of `isingformer analyze` (--n-texts,
    # --max-tokens), which the library's errors name ("use --max-tokens 16");
    # the script had --tokens, and --texts as a count where analyze takes a file
    argv = ["--tiny", "--n-texts", "3", "--max-tokens", "10", "--csv", str(csv)]
    heads = _load("phase_map").main(argv)
    assert len(heads) == 6 * 12  # MiniLM: 6 layers x 12 heads
    assert heads["n_keys"].max() <= 10 and heads["n_passages"].max() == 3
    from isingformer.probe import PHASES

    assert set(heads["phase"]) <= set(PHASES)
    assert (heads["beta_model"] > 0).all() and csv.exists()
    assert "layers x" in capsys.readouterr().out


def test_beta_sweep_gpt(capsys):
    table = _load("beta_sweep_gpt").main(["--tiny", "--factors", "0.5,1,2"])
    assert table["factor"].tolist() == [0.5, 1.0, 2.0]
    assert table["val_loss"].notna().all() and (table["val_loss"] > 0).all()
    # different β gives a different loss: the sweep really changes the model
    assert table["val_loss"].nunique() == 3
    assert table["beta_mean"].iloc[2] == pytest.approx(4 * table["beta_mean"].iloc[0])


def test_ising_fss(capsys):
    result, curves = _load("ising_fss").main(["--tiny"])
    assert len(curves) == 2 * 7 and set(curves["L"]) == {8, 12}
    assert abs(result["tc"] - result["exact_tc"]) < 0.15  # tiny run: a loose sanity bound
    assert "T_c =" in capsys.readouterr().out
