"""A tiny GPT trained in ~15 s (critical policy: a different β per head), its
checkpoints along the run, its final checkpoint and its Hugging Face export,
shared by the phases tests."""

import shutil

import pytest
import torch

# the docs/phases.md GPT: 2 layers x 2 heads, width 32, context 32, 300 steps
GPT_CONFIG = dict(
    n_layer=2, n_head=2, d_model=32, context=32, batch_size=16, eval_batches=2,
    eval_every=100, steps=300, warmup=20, recalibrate_every=100, calib_batch=4,
)  # fmt: skip
SNAPSHOTS = (25, 50, 100, 200, 300)


@pytest.fixture(scope="session")
def gpt_run(tmp_path_factory):
    """``(final checkpoint, directory of the checkpoints at SNAPSHOTS steps)``."""
    from isingformer.lm.config import TrainConfig
    from isingformer.lm.corpus import prepare_data
    from isingformer.lm.train import train

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        cache = tmp_path_factory.mktemp("lm_cache")
        prepare_data("shakespeare", "char", cache_dir=cache)
        cfg = TrainConfig(**GPT_CONFIG, policy="critical", seed=0, cache_dir=str(cache))
        out, series = tmp_path_factory.mktemp("gpt"), tmp_path_factory.mktemp("series")
        ck = None
        for stop in SNAPSHOTS:  # exact resume: the same run as one uninterrupted one
            stop_after = stop if stop < cfg.steps else None
            ck = train(cfg, out=out, resume=ck, stop_after=stop_after, progress=False).checkpoint
            shutil.copy(ck, series / f"step{stop:05d}.pt")
        return ck, series
    finally:
        torch.set_num_threads(n)


@pytest.fixture(scope="session")
def gpt_config() -> dict:
    """A copy of :data:`GPT_CONFIG` (the docs GPT), for tests that train variants."""
    return dict(GPT_CONFIG)


@pytest.fixture(scope="session")
def gpt_checkpoint(gpt_run):
    return gpt_run[0]


@pytest.fixture(scope="session")
def gpt_series(gpt_run):
    return gpt_run[1]


@pytest.fixture(scope="session")
def hf_export(gpt_checkpoint, tmp_path_factory):
    from isingformer.lm.hf_export import export_hf

    out = tmp_path_factory.mktemp("hf")
    export_hf(gpt_checkpoint, out)
    return out
