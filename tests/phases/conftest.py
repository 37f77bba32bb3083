"""A tiny GPT trained in seconds (critical policy: a different β per head),
its checkpoint and its Hugging Face export, shared by the phases tests."""

import pytest
import torch


@pytest.fixture(scope="session")
def gpt_checkpoint(tmp_path_factory):
    from isingformer.lm.config import TrainConfig
    from isingformer.lm.corpus import prepare_data
    from isingformer.lm.train import train

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        cache = tmp_path_factory.mktemp("lm_cache")
        prepare_data("shakespeare", "char", cache_dir=cache)
        cfg = TrainConfig(
            n_layer=2, n_head=2, d_model=32, context=32, batch_size=8, eval_batches=2,
            eval_every=20, steps=20, warmup=2, recalibrate_every=10, calib_batch=4,
            policy="critical", cache_dir=str(cache),
        )  # fmt: skip
        return train(cfg, out=tmp_path_factory.mktemp("gpt"), progress=False).checkpoint
    finally:
        torch.set_num_threads(n)


@pytest.fixture(scope="session")
def hf_export(gpt_checkpoint, tmp_path_factory):
    from isingformer.lm.hf_export import export_hf

    out = tmp_path_factory.mktemp("hf")
    export_hf(gpt_checkpoint, out)
    return out
