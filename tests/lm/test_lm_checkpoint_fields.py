"""Issue 11 (checkpoints): every field validated on load; stale temporary
files of killed writes removed at the next start."""

import json
import os
import subprocess
import sys

import pytest
import torch

from isingformer.errors import ModelLoadError
from isingformer.lm.checkpoint import load_checkpoint, save_checkpoint
from isingformer.lm.train import train


@pytest.fixture(scope="module")
def good(tmp_path_factory, lm_cache):
    from isingformer.lm.config import TrainConfig

    torch.set_num_threads(1)
    cfg = TrainConfig(
        n_layer=1, n_head=1, d_model=16, context=16, batch_size=4, eval_batches=1,
        steps=3, eval_every=3, checkpoint_every=3, cache_dir=lm_cache, corpus="shakespeare",
        tokenizer="char",
    )  # fmt: skip
    out = tmp_path_factory.mktemp("ck")
    r = train(cfg, out=out)
    return torch.load(r.checkpoint, map_location="cpu", weights_only=True)


def write(tmp_path, raw, **changes):
    data = dict(raw)
    data.update(changes)
    p = tmp_path / "checkpoint.pt"
    torch.save(data, p)
    return p


def test_good_checkpoint_loads(good, tmp_path):
    ck = load_checkpoint(write(tmp_path, good))
    assert ck["step"] == 3 and len(ck["history"]["train_losses"]) == 3


def _history(good, **changes):
    h = json.loads(good["history"])
    h.update(changes)
    return json.dumps(h)


@pytest.mark.parametrize(
    "changes, needle",
    [
        ({"step": -5}, "step"),
        ({"step": 2}, "inconsistent"),
        ({"step": True}, "step"),
        ({"step": 3.0}, "step"),
        ({"vocab_size": 0}, "vocab_size"),
        ({"rng": {"torch": torch.zeros(7, dtype=torch.uint8)}}, "RNG"),
        ({"rng": {"torch": torch.zeros(5056, dtype=torch.float32)}}, "RNG"),
        ({"rng": {"x": 1}}, "RNG"),
        ({"rng": [1, 2]}, "RNG"),
        ({"rng": {"torch": None, "ranks": 5}}, "RNG"),
        ({"history": "[1, 2]"}, "history"),
        ({"history": "{not json"}, "unreadable"),
        ({"history": "[" * 50 + "]" * 50}, "unreadable"),
        ({"config": 5}, "config"),
        ({"model": [1]}, "model"),
    ],
)
def test_bad_fields_refused(good, tmp_path, changes, needle):
    p = write(tmp_path, good, **changes)
    with pytest.raises(ModelLoadError, match=needle):
        load_checkpoint(p)


@pytest.mark.parametrize(
    "hist, needle",
    [
        ({"train_losses": "abc"}, "train_losses"),
        ({"train_losses": [[1.0]] * 3}, "train_losses"),
        ({"evals": {"a": 1}}, "evals"),
        ({"train_seconds": -1.0}, "train_seconds"),
        ({"beta_log": None}, "beta_log"),
    ],
)
def test_bad_history_refused(good, tmp_path, hist, needle):
    p = write(tmp_path, good, history=_history(good, **hist))
    with pytest.raises(ModelLoadError, match=needle):
        load_checkpoint(p)


def test_bad_rank_rng_refused(good, tmp_path):
    rng = {"torch": good["rng"]["torch"], "ranks": [torch.zeros(3, dtype=torch.uint8)]}
    with pytest.raises(ModelLoadError, match=r"rng\.ranks"):
        load_checkpoint(write(tmp_path, good, rng=rng))


def test_stale_temp_files_removed_at_next_start(good, tmp_path):
    p = write(tmp_path, good)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = tmp_path / f".checkpoint.pt.tmp{int(dead.stdout)}"
    stale.write_bytes(b"half a checkpoint")
    live = tmp_path / f".checkpoint.pt.tmp{os.getppid()}"  # a live writer's file stays
    live.write_bytes(b"in progress")
    load_checkpoint(p)
    assert not stale.exists() and live.exists()
    stale.write_bytes(b"half a checkpoint")
    save_checkpoint(p, {**good, "config": {}, "history": json.loads(good["history"])})
    assert not stale.exists() and live.exists()


def test_a_directory_is_named_as_such(tmp_path):
    """``--checkpoint DIR`` said "does not exist" of an existing directory."""
    with pytest.raises(ModelLoadError, match=r"is a directory, expected a checkpoint file$"):
        load_checkpoint(tmp_path)
    (tmp_path / "checkpoint.pt").write_bytes(b"")
    with pytest.raises(ModelLoadError, match=r"did you mean .*checkpoint\.pt"):
        load_checkpoint(tmp_path)
