"""Training: exact resume, safe checkpoints, shared init/data across policies,
dynamic β (critical calibration, annealing), and the model against plain SDPA."""

import math
from pathlib import Path

import pytest
import torch

from isingformer.errors import InputError, ModelLoadError
from isingformer.lm.checkpoint import load_checkpoint
from isingformer.lm.corpus import prepare_data
from isingformer.lm.dynamics import beta_matrix
from isingformer.lm.train import build_model, lr_at, train


def test_resume_matches_uninterrupted_run_step_for_step(tiny, tmp_path):
    cfg = tiny(steps=12, dropout=0.1, policy="critical", recalibrate_every=4)
    full = train(cfg, out=tmp_path / "a")
    part = train(cfg, out=tmp_path / "b", stop_after=6)
    assert len(part.train_losses) == 6
    resumed = train(cfg, out=tmp_path / "b", resume=tmp_path / "b" / "checkpoint.pt")
    assert resumed.train_losses == full.train_losses  # bit for bit on CPU
    assert [e["val_loss"] for e in resumed.evals] == [e["val_loss"] for e in full.evals]
    assert resumed.beta_per_head == full.beta_per_head


def test_checkpoint_holds_everything_and_loads_weights_only(tiny, tmp_path):
    cfg = tiny(steps=4)
    r = train(cfg, out=tmp_path)
    ck = load_checkpoint(r.checkpoint)
    assert ck["step"] == 4 and ck["config"] == cfg.to_dict()
    assert set(ck) >= {"model", "optimizer", "rng", "history", "vocab_size"}
    torch.load(r.checkpoint, weights_only=True)  # no pickled code needed
    assert not list(tmp_path.glob(".*tmp*"))  # atomic write left no temp file


def test_corrupt_checkpoint_is_rejected(tiny, tmp_path):
    cfg = tiny(steps=4)
    r = train(cfg, out=tmp_path)
    data = Path(r.checkpoint).read_bytes()
    bad = tmp_path / "bad.pt"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelLoadError, match="corrupt"):
        train(cfg, resume=bad)
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint at all")
    with pytest.raises(ModelLoadError):
        load_checkpoint(junk)


def test_mismatched_checkpoint_is_rejected(tiny, tmp_path):
    r = train(tiny(steps=4), out=tmp_path)
    with pytest.raises(ModelLoadError, match="d_model"):
        train(tiny(steps=4, d_model=64), resume=r.checkpoint)
    with pytest.raises(ModelLoadError, match="lr"):
        train(tiny(steps=4, lr=0.5), resume=r.checkpoint)


def test_same_seed_same_init_and_data_across_policies(tiny):
    data = prepare_data("shakespeare", "char", cache_dir=tiny().cache_dir)
    a = build_model(tiny(policy="sqrt_dk"), data.vocab_size).state_dict()
    b = build_model(tiny(policy="learned"), data.vocab_size).state_dict()
    c = build_model(tiny(policy="sqrt_dk", seed=1), data.vocab_size).state_dict()
    shared = [k for k in a if k in b]
    assert len(shared) == len(a)
    assert all(torch.equal(a[k], b[k]) for k in shared)
    assert not torch.equal(a["wte.weight"], c["wte.weight"])


def test_sqrt_dk_model_equals_plain_sdpa_gpt(tiny):
    data = prepare_data("shakespeare", "char", cache_dir=tiny().cache_dir)
    beta = build_model(tiny(), data.vocab_size)
    plain = build_model(tiny(attention="sdpa"), data.vocab_size)
    plain.load_state_dict(beta.state_dict())
    x = torch.randint(0, data.vocab_size, (3, 32))
    torch.testing.assert_close(beta(x)[0], plain(x)[0], rtol=1e-5, atol=1e-6)


def test_critical_policy_calibrates_and_logs_beta(tiny):
    cfg = tiny(policy="critical", steps=10, recalibrate_every=5)
    r = train(cfg)
    cal = [b for b in r.beta_log if b["event"] == "calibration"]
    assert [b["step"] for b in cal] == [0, 5]
    d_head = cfg.d_model // cfg.n_head
    first = torch.tensor(cal[0]["betas"])
    assert first.shape == (cfg.n_layer, cfg.n_head)
    assert torch.isfinite(first).all() and not torch.allclose(first, torch.tensor(d_head**-0.5))
    assert r.beta_per_head == cal[-1]["betas"]
    assert r.calib_seconds > 0
    # sqrt_dk never calibrates
    r0 = train(tiny(steps=5))
    assert not [b for b in r0.beta_log if b["event"] == "calibration"]
    assert r0.beta_per_head == [[d_head**-0.5] * cfg.n_head] * cfg.n_layer


def test_annealed_policy_heats_up_to_target(tiny):
    cfg = tiny(policy="annealed", steps=8, policy_kwargs={"steps": 4, "start_ratio": 0.5})
    data = prepare_data("shakespeare", "char", cache_dir=cfg.cache_dir)
    r = train(cfg, data=data)
    betas = {b["step"]: b["betas"][0][0] for b in r.beta_log if b["event"] == "eval"}
    target = (cfg.d_model // cfg.n_head) ** -0.5
    assert math.isclose(betas[0], 0.5 * target, rel_tol=1e-6)
    assert math.isclose(betas[5], target, rel_tol=1e-6)


def test_learning_rate_schedule(tiny):
    cfg = tiny(steps=100, warmup=10, lr=1e-3, min_lr_ratio=0.1)
    assert math.isclose(lr_at(0, cfg), 1e-4)
    assert math.isclose(lr_at(9, cfg), 1e-3)
    assert math.isclose(lr_at(10, cfg), 1e-3)
    assert math.isclose(lr_at(100, cfg), 1e-4)
    assert lr_at(50, cfg) < lr_at(30, cfg)


def test_training_reduces_loss(tiny):
    r = train(tiny(steps=30, lr=3e-3, eval_every=30))
    assert r.evals[-1]["val_loss"] < r.evals[0]["val_loss"] - 0.3
    assert r.tokens_per_s > 0 and r.final_val_loss == r.evals[-1]["val_loss"]


def test_context_too_large_for_data(tiny, tmp_path):
    f = tmp_path / "small.txt"
    f.write_text("a short text\n" * 4)
    with pytest.raises(InputError, match="too few"):
        train(tiny(corpus=str(f)))


def test_beta_matrix_of_plain_model(tiny):
    data = prepare_data("shakespeare", "char", cache_dir=tiny().cache_dir)
    m = build_model(tiny(attention="sdpa"), data.vocab_size)
    assert beta_matrix(m) == [[0.25, 0.25], [0.25, 0.25]]
