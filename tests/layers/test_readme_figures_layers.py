"""README.md ("One large Ising model?"): along the training run of the 4-layer
character GPT, β·M·L and the product-vs-sum error at β_model, 2.8 and
10^−0.74 at initialization and 266 and 10^19 after 100 steps (regression
tier: test_layers_regression.py), "keep growing with further training" (the
run of docs/layers.md: checkpoints at 100, 300 and 1000 steps of one
1000-step schedule). This slow test resumes the same run (conftest
GPT_CONFIG, seed 0; copied below) to 300 and 1000 steps and requires both quantities to
grow at every checkpoint (2 windows of 64 tokens, as in the regression tier).
"""

import itertools

import pytest
import torch

# the README's GPT, as in conftest.py: 4 layers x 4 heads, width 64, context 64,
# seed 0, one 1000-step schedule
GPT = dict(
    n_layer=4, n_head=4, d_model=64, context=64, batch_size=16, eval_every=100,
    eval_batches=4, warmup=20, steps=1000, seed=0,
)  # fmt: skip


@pytest.mark.slow
def test_product_error_keeps_growing_along_training(tmp_path):
    from isingformer.layers.study import layers_study
    from isingformer.lm import TrainConfig, train
    from isingformer.lm.corpus import prepare_data

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        prepare_data("shakespeare", "char", cache_dir=tmp_path / "cache")
        cfg = TrainConfig(**GPT, cache_dir=str(tmp_path / "cache"))
        ck, rows = None, []
        for stop in (100, 300, 1000):  # one run, interrupted and resumed
            stop_after = stop if stop < cfg.steps else None
            ck = train(cfg, out=tmp_path / "run", resume=ck, stop_after=stop_after).checkpoint
            r = layers_study(checkpoint=str(ck), n_texts=2, max_tokens=64, betas=[0.01, 0.1])
            rows.append((r["a3_product"], r["at_model"]["log10_product_vs_sum"]))
    finally:
        torch.set_num_threads(n)
    assert 236 <= rows[0][0] <= 370 and 10.0 <= rows[0][1] <= 23.5  # the README's step 100
    for (a, e), (b, f) in itertools.pairwise(rows):
        assert b > a and f > e, rows
