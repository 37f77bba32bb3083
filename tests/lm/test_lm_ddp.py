"""Data-parallel training under torchrun: batch splitting (pure functions) and
a real two-rank gloo run against the same config in one process."""

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from isingformer.cli import main
from isingformer.errors import InputError
from isingformer.lm.checkpoint import load_checkpoint
from isingformer.lm.corpus import prepare_data
from isingformer.lm.distributed import TRACE_ENV, detect, shard_bounds, shard_weight
from isingformer.lm.train import build_model


@pytest.mark.parametrize("n", [1, 4, 5, 7, 32])
@pytest.mark.parametrize("world", [1, 2, 3, 4])
def test_shards_are_disjoint_balanced_and_cover_the_batch(n, world):
    if n < world:
        return
    bounds = [shard_bounds(n, world, r) for r in range(world)]
    assert bounds[0][0] == 0 and bounds[-1][1] == n
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))  # contiguous
    sizes = [hi - lo for lo, hi in bounds]
    assert max(sizes) - min(sizes) <= 1 and min(sizes) >= 1
    rows = torch.arange(n)
    assert torch.equal(torch.cat([rows[lo:hi] for lo, hi in bounds]), rows)
    assert sum(shard_weight(n, world, r) for r in range(world)) == pytest.approx(world)
    with pytest.raises(ValueError):
        shard_bounds(n, world, world)


def test_weighted_shard_gradients_average_to_the_global_batch_gradient(tiny):
    """What DDP computes (the mean over ranks of each rank's weighted shard
    gradient) equals the single-process gradient, also for uneven shards."""
    cfg = tiny()
    data = prepare_data("shakespeare", "char", cache_dir=cfg.cache_dir)
    model = build_model(cfg, data.vocab_size)
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, data.vocab_size, (5, cfg.context), generator=g)
    y = torch.randint(0, data.vocab_size, (5, cfg.context), generator=g)

    def grads(loss):
        model.zero_grad()
        loss.backward()
        return [p.grad.clone() for p in model.parameters()]

    full = grads(model(x, y)[1])
    world = 2
    parts = []
    for r in range(world):
        lo, hi = shard_bounds(5, world, r)
        parts.append(grads(model(x[lo:hi], y[lo:hi])[1] * shard_weight(5, world, r)))
    averaged = [sum(gs) / world for gs in zip(*parts, strict=True)]
    for a, b in zip(averaged, full, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-7)


def test_detect_reads_the_torchrun_environment():
    assert detect({}) is None
    assert detect({"WORLD_SIZE": "1", "RANK": "0", "LOCAL_RANK": "0"}) is None
    env = detect({"WORLD_SIZE": "4", "RANK": "3", "LOCAL_RANK": "1"})
    assert (env.rank, env.world_size, env.local_rank, env.is_main) == (3, 4, 1, False)
    with pytest.raises(InputError):
        detect({"WORLD_SIZE": "2", "RANK": "2"})
    with pytest.raises(InputError):
        detect({"WORLD_SIZE": "two", "RANK": "0"})


def _args(cache: str, out: Path) -> list[str]:
    return [
        "train",
        "--policy",
        "critical",
        "--steps",
        "6",
        "--n-layer",
        "1",
        "--n-head",
        "2",
        "--d-model",
        "16",
        "--context",
        "16",
        "--batch-size",
        "4",
        "--recalibrate-every",
        "3",
        "--eval-every",
        "3",
        "--set",
        "warmup=2",
        "--set",
        "eval_batches=2",
        "--set",
        "calib_batch=4",
        "--set",
        f"cache_dir={cache}",
        "--json",
        "--out",
        str(out),
    ]


def test_torchrun_two_ranks_match_one_process(lm_cache, tmp_path, capsys, monkeypatch):
    # the same config in this process
    monkeypatch.setenv(TRACE_ENV, str(tmp_path / "trace1"))
    assert main(_args(lm_cache, tmp_path / "one")) == 0
    single = json.loads(capsys.readouterr().out)
    monkeypatch.delenv(TRACE_ENV)

    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    env[TRACE_ENV] = str(tmp_path / "trace2")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    proc = subprocess.run(
        [*cmd, "-m", "isingformer", *_args(lm_cache, tmp_path / "two")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    multi = json.loads(proc.stdout)  # exactly one JSON object: only rank 0 prints
    assert isinstance(multi, dict)
    assert multi["steps"] == 6
    assert abs(multi["final_val_loss"] - single["final_val_loss"]) < 1e-4
    assert [e["step"] for e in multi["evals"]] == [0, 3, 6]
    for a, b in zip(multi["evals"], single["evals"], strict=True):
        assert abs(a["val_loss"] - b["val_loss"]) < 1e-4

    ranks = [json.loads((tmp_path / "trace2" / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert [t["world_size"] for t in ranks] == [2, 2]
    # β: identical on every rank, at every calibration and at the end
    assert ranks[0]["beta_log"] == ranks[1]["beta_log"]
    assert ranks[0]["beta_per_head"] == ranks[1]["beta_per_head"] == multi["beta_per_head"]
    cal = [b["step"] for b in ranks[0]["beta_log"] if b["event"] == "calibration"]
    assert cal == [0, 3]
    torch.testing.assert_close(
        torch.tensor(multi["beta_per_head"]),
        torch.tensor(single["beta_per_head"]),
        rtol=1e-3,
        atol=0.0,
    )
    # the loss curve is the global-batch curve, the same on both ranks
    assert ranks[0]["train_losses"] == ranks[1]["train_losses"]
    one = json.loads((tmp_path / "trace1" / "rank0.json").read_text())
    torch.testing.assert_close(
        torch.tensor(ranks[0]["train_losses"]), torch.tensor(one["train_losses"]), rtol=0, atol=1e-5
    )
    # only rank 0 wrote: one checkpoint (with every rank's RNG), one store
    files = sorted(p.name for p in (tmp_path / "two").iterdir())
    assert files == ["checkpoint.pt", "runs.sqlite"]
    ck = load_checkpoint(tmp_path / "two" / "checkpoint.pt")
    assert ck["step"] == 6 and len(ck["rng"]["ranks"]) == 2


# one DDP model per process, as in real use: a resume is a new torchrun job
_RESUME_SCRIPT = """
import json, sys
from isingformer.lm.config import TrainConfig
from isingformer.lm.distributed import ddp_session, detect
from isingformer.lm.train import train

cache, out, mode = sys.argv[1:4]
cfg = TrainConfig(n_layer=1, n_head=2, d_model=16, context=16, batch_size=5, steps=8, warmup=2,
                  eval_every=4, eval_batches=2, calib_batch=4, recalibrate_every=3, dropout=0.1,
                  policy="critical", cache_dir=cache)
with ddp_session(detect()) as d:
    if mode == "full":
        r = train(cfg, out=out + "/a", dist=d)
    elif mode == "stop":
        r = train(cfg, out=out + "/b", dist=d, stop_after=5)
    else:
        r = train(cfg, out=out + "/b", resume=out + "/b/checkpoint.pt", dist=d)
    if d.is_main:
        print(json.dumps(r.to_dict()))
"""


@pytest.mark.slow
def test_torchrun_resume_is_exact_with_dropout_and_uneven_shards(lm_cache, tmp_path):
    script = tmp_path / "resume_ddp.py"
    script.write_text(_RESUME_SCRIPT)
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]

    def launch(mode: str) -> dict:
        proc = subprocess.run(
            [*cmd, str(script), lm_cache, str(tmp_path), mode],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        return json.loads(proc.stdout)

    full = launch("full")
    assert len(launch("stop")["train_losses"]) == 5
    resumed = launch("resume")
    assert len(full["train_losses"]) == 8
    assert resumed["train_losses"] == full["train_losses"]  # bit for bit, both ranks' dropout
    assert resumed["evals"][-1]["val_loss"] == full["evals"][-1]["val_loss"]
    assert resumed["beta_log"] == full["beta_log"]
