"""``isingformer phases spin --bonds mlp|mlp+attention`` end to end on a tiny GPT."""

import pytest
import torch

from isingformer.phases.spin_study import _gpt2_init_tc


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """A 1-layer GPT of width 8 trained for 4 steps: one checkpoint (80 spins with
    the attention projections), so the command runs in seconds."""
    from isingformer.lm.config import TrainConfig
    from isingformer.lm.corpus import prepare_data
    from isingformer.lm.train import train

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        cache = tmp_path_factory.mktemp("tiny_cache")
        prepare_data("shakespeare", "char", cache_dir=cache)
        cfg = TrainConfig(
            n_layer=1, n_head=1, d_model=8, context=8, batch_size=4, eval_batches=1,
            eval_every=4, steps=4, warmup=1, recalibrate_every=4, calib_batch=2,
            seed=0, cache_dir=str(cache),
        )  # fmt: skip
        out = tmp_path_factory.mktemp("tiny_gpt")
        train(cfg, out=out, progress=False)
        return out
    finally:
        torch.set_num_threads(n)


def test_spin_command_with_attention_bonds(tiny_run, capsys):
    import json

    from isingformer.cli import main

    args = ["phases", "spin", "--checkpoints", str(tiny_run), "--sweeps", "40",
            "--ladder-size", "5", "--seeds", "1", "--json"]  # fmt: skip
    assert main([*args, "--bonds", "mlp+attention"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["bonds"] == "mlp+attention" and r["steps"] == [0, 4]
    assert r["layer_sizes"] == [8, 24, 8, 32, 8]
    assert r["tc_init_theory"] == pytest.approx(_gpt2_init_tc(8, 1, "mlp+attention"))
    assert len(r["magnetization"]) == 2 and len(r["magnetization"][0]) == 5
    assert main(args) == 0  # the default: the MLP blocks only
    m = json.loads(capsys.readouterr().out)
    assert m["bonds"] == "mlp" and m["layer_sizes"] == [8, 32, 8]
    assert m["tc_init_theory"] == pytest.approx(_gpt2_init_tc(8, 1, "mlp"))
    assert main([*args, "--bonds", "attention"]) == 2
    cap = capsys.readouterr()
    assert cap.out == "" and cap.err.count("\n") == 1 and "--bonds" in cap.err


def test_spin_command_reports_the_pattern_free_tc(tiny_run, capsys, tmp_path):
    import json

    from isingformer.cli import main

    args = ["phases", "spin", "--checkpoints", str(tiny_run), "--sweeps", "40",
            "--ladder-size", "5", "--seeds", "3"]  # fmt: skip
    assert main([*args, "--json", "--out", str(tmp_path / "rep")]) == 0
    r = json.loads(capsys.readouterr().out)
    assert len(r["tc_overlap"]) == 2 and all(t["n"] <= 3 for t in r["tc_overlap"])
    assert len(r["binder_overlap"]) == 2 and len(r["binder_overlap"][0]) == 5
    assert set(r["powerlaw_overlap"]) >= {"exponent", "ci", "n", "method"}
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "T_c (MC, overlap)" in md and "Binder" in md
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.count("overlap") >= 3 and "step       4" in out
