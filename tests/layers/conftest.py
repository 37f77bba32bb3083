"""One MiniLM layer analysis per test session (2 passages x 128 tokens, the
first two passages of the 16-passage README run) on a β grid with fine steps
where the product leaves 10 %; shared by the contract and regression tests."""

import pytest
import torch

# β / β_model
UNITS = [1e-6, 1e-5, 1e-4, 2e-4, 3e-4, 4e-4, 6e-4, 1e-3, 1e-2, 1e-1, 1.0]
BETAS = [u * 32**-0.5 for u in UNITS]


@pytest.fixture(scope="session")
def minilm(tmp_path_factory):
    """``(result dict, store, betas)``."""
    from isingformer.layers.study import layers_study
    from isingformer.runs import ResultsStore

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        store = ResultsStore.open(tmp_path_factory.mktemp("layers") / "runs.sqlite")
        r = layers_study(n_texts=2, max_tokens=128, betas=BETAS, store=store)
    finally:
        torch.set_num_threads(n)
    return r, store, BETAS


# The README's GPT: 4 layers x 4 heads, width 64, context 64, seed 0, a
# 1000-step schedule; the checkpoint after its first 100 steps.
GPT_CONFIG = dict(
    n_layer=4, n_head=4, d_model=64, context=64, batch_size=16, eval_every=100,
    eval_batches=4, warmup=20, steps=1000, seed=0,
)  # fmt: skip


@pytest.fixture(scope="session")
def gpt_layers(tmp_path_factory):
    """``{random_init: result}`` for the README GPT after 100 steps (2 windows of
    64 tokens, the first and last of the README's 16)."""
    from isingformer.layers.study import layers_study
    from isingformer.lm import TrainConfig, train
    from isingformer.lm.corpus import prepare_data

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        cache = tmp_path_factory.mktemp("lm_cache")
        prepare_data("shakespeare", "char", cache_dir=cache)
        cfg = TrainConfig(**GPT_CONFIG, cache_dir=str(cache))
        ck = train(cfg, out=tmp_path_factory.mktemp("ck"), stop_after=100).checkpoint
        return {
            ri: layers_study(
                checkpoint=str(ck), n_texts=2, max_tokens=64, betas=[0.01, 0.1], random_init=ri
            )
            for ri in (False, True)
        }
    finally:
        torch.set_num_threads(n)
