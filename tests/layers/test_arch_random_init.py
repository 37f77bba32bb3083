"""`layers --random-init` on Hugging Face models: every weight is re-drawn.
Before, GPT-2's ``Conv1D`` attention and MLP weights (and Llama's RMSNorm
scales) kept their trained values, so the "random-init control" of a GPT-2
had the trained model's attention."""

import pytest
import torch

transformers = pytest.importorskip("transformers")

LM = dict(vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
          intermediate_size=64, bos_token_id=2, eos_token_id=2)  # fmt: skip


@pytest.mark.parametrize(
    "config, norm",
    [
        (lambda: transformers.GPT2Config(vocab_size=100, n_embd=32, n_layer=2, n_head=4,
                                         bos_token_id=2, eos_token_id=2), 1.0),
        (lambda: transformers.LlamaConfig(**LM), 1.0),
        (lambda: transformers.GemmaConfig(**LM, head_dim=8), 0.0),  # RMSNorm scale 1 + w
    ],
    ids=["gpt2", "llama", "gemma"],
)  # fmt: skip
def test_random_init_redraws_every_weight(config, norm, tmp_path):
    from isingformer.layers.capture import _randomize_hf

    model = transformers.AutoModel.from_config(config())
    with torch.no_grad():
        for p in model.parameters():
            p.fill_(0.5)  # "trained" weights
    model.save_pretrained(tmp_path)
    model = transformers.AutoModel.from_pretrained(tmp_path)
    _randomize_hf(model, seed=3)
    kept = [n for n, p in model.named_parameters() if bool((p == 0.5).any())]
    assert kept == []
    std = model.config.initializer_range
    for n, p in model.named_parameters():
        p = p.detach()
        if p.ndim == 2:
            assert abs(float(p.std()) - std) < 0.3 * std, n
        elif "norm" in n and n.endswith("weight"):
            assert bool((p == norm).all()), n
