"""Shared fixtures of the lm tests: one tokenized corpus cache per session and
a tiny model config (2 layers, width 32, context 32)."""

import pytest
import torch

from isingformer.lm.config import TrainConfig


@pytest.fixture(scope="session")
def lm_cache(tmp_path_factory):
    path = tmp_path_factory.mktemp("lm_cache")
    from isingformer.lm.corpus import prepare_data

    prepare_data("shakespeare", "char", cache_dir=path)
    return str(path)


@pytest.fixture(scope="module")
def study_base(lm_cache) -> TrainConfig:
    """The configuration of docs/training.md's "What we found" study (2 layers x
    4 heads, width 64, context 64, 600 steps of 16 sequences)."""
    return TrainConfig(
        n_layer=2,
        n_head=4,
        d_model=64,
        context=64,
        batch_size=16,
        eval_every=50,
        steps=600,
        cache_dir=lm_cache,
    )


@pytest.fixture
def tiny(lm_cache):
    torch.set_num_threads(1)

    def make(**kw) -> TrainConfig:
        base = dict(
            n_layer=2,
            n_head=2,
            d_model=32,
            context=32,
            batch_size=8,
            eval_batches=2,
            eval_every=5,
            steps=10,
            warmup=2,
            recalibrate_every=5,
            calib_batch=4,
            cache_dir=lm_cache,
        )
        base.update(kw)
        return TrainConfig(**base)

    return make


@pytest.fixture(autouse=True)
def _one_thread():
    """One torch thread: the CPU is shared, and oversubscription is slow."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)
