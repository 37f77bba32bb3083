"""``isingformer sample`` and ``isingformer export-hf`` on a tiny trained GPT:
sampling follows the model's softmax, and the exported Hugging Face GPT-2
computes the trained logits, tokenizes identically, generates the same greedy
text and runs through ``analyze``."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from scipy import stats

from isingformer.cli import main

PROMPT = "ROMEO:\nWhat light"


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory, lm_cache):
    from isingformer.lm.config import TrainConfig
    from isingformer.lm.train import train

    torch.set_num_threads(1)
    cfg = TrainConfig(
        n_layer=2,
        n_head=2,
        d_model=32,
        context=32,
        batch_size=8,
        eval_batches=2,
        eval_every=5,
        steps=6,
        warmup=2,
        recalibrate_every=5,
        calib_batch=4,
        policy="critical",  # a different β per head: the export must fold it exactly
        cache_dir=lm_cache,
    )
    out = tmp_path_factory.mktemp("trained")
    return train(cfg, out=out, progress=False).checkpoint


def _json(capsys, args):
    code = main(args)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def test_sample_is_reproducible_and_follows_the_softmax(checkpoint, capsys):
    from isingformer.lm.sample import load_trained

    args = ["sample", "--checkpoint", str(checkpoint), "--prompt", PROMPT, "--json"]
    a = _json(capsys, [*args, "--tokens", "12", "--samples", "2", "--seed", "3"])
    b = _json(capsys, [*args, "--tokens", "12", "--samples", "2", "--seed", "3"])
    c = _json(capsys, [*args, "--tokens", "12", "--samples", "2", "--seed", "4"])
    assert a["texts"] == b["texts"] and a["texts"] != c["texts"] and len(a["texts"]) == 2
    assert np.array(a["beta_per_head"]).shape == (2, 2)
    # one token, many samples: the frequencies are the model's next-token law
    n = 4000
    d = _json(capsys, [*args, "--tokens", "1", "--samples", str(n), "--seed", "7"])
    trained = load_trained(checkpoint)
    ids = torch.as_tensor(trained.tokenizer.encode(PROMPT))[None]
    with torch.no_grad():
        p = torch.softmax(trained.model(ids)[0][0, -1].double(), -1).numpy()
    counts = np.bincount(
        [int(trained.tokenizer.encode(t)[0]) for t in d["texts"]], minlength=p.size
    )
    big = n * p >= 5  # the rare tokens pooled into one cell

    def pvalue(law):
        obs, exp = counts[big], n * law[big]
        if (~big).any():
            obs, exp = np.append(obs, counts[~big].sum()), np.append(exp, n * law[~big].sum())
        return stats.chisquare(obs, exp * obs.sum() / exp.sum()).pvalue

    assert pvalue(p) > 1e-3
    # the test has power: the law sharpened to the model at sampling temperature 0.5
    sharp = p**2 / (p**2).sum()
    assert pvalue(sharp) < 1e-3


def test_export_hf_is_the_trained_model(checkpoint, capsys, tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from isingformer.lm.sample import generate, load_trained

    out = tmp_path / "hf"
    r = _json(capsys, ["export-hf", "--checkpoint", str(checkpoint), "--out", str(out), "--json"])
    assert r["architecture"] == "GPT2LMHeadModel" and r["beta_model"] == 0.25
    betas = np.array(r["beta_per_head"])
    assert betas.shape == (2, 2) and np.ptp(betas) > 0  # critical: per-head β
    assert (out / "model.safetensors").exists() and (out / "isingformer.json").exists()
    trained = load_trained(checkpoint)
    tok = AutoTokenizer.from_pretrained(out, local_files_only=True)
    text = "First Citizen:\nBefore"  # 21 tokens + 6 generated fit the context of 32
    ids = tok(text)["input_ids"]
    assert ids == trained.tokenizer.encode(text).tolist() and tok.decode(ids) == text
    hf = AutoModelForCausalLM.from_pretrained(out, local_files_only=True).eval()
    x = torch.tensor([ids])
    with torch.no_grad():
        diff = (hf(x).logits - trained.model(x)[0]).abs().max().item()
        assert diff < 1e-4
        mask = torch.ones_like(x)  # token 0 is a real character: nothing is padding
        seq = hf.generate(x, attention_mask=mask, max_new_tokens=6, do_sample=False, pad_token_id=0)
        assert seq.shape == (1, len(ids) + 6)
        # every greedy choice of HF generate is an argmax of the trained model's
        # logits (up to float ties: a barely trained model is nearly flat)
        logits = trained.model(seq[:, :-1])[0][0, len(ids) - 1 :]
        chosen = logits.gather(-1, seq[0, len(ids) :, None])[:, 0]
        assert (chosen >= logits.max(-1).values - 1e-4).all()
        assert generate(trained.model, x, 6, temperature=0).shape == seq.shape
    small = ["--max-tokens", "24", "--n-texts", "4", "--sizes", "none", "--n-boot", "5"]
    a = _json(capsys, ["analyze", "--model", str(out), *small, "--json"])
    assert a["n_layers"] == 2 and a["n_heads"] == 2 and len(a["heads"]) == 4
    assert all(h["beta_model"] == pytest.approx(0.25) for h in a["heads"])


def test_unexportable_policy_and_missing_checkpoint(capsys, tmp_path):
    from isingformer.errors import InputError
    from isingformer.lm.config import TrainConfig
    from isingformer.lm.hf_export import to_gpt2
    from isingformer.lm.train import build_model

    cfg = TrainConfig(n_layer=1, n_head=2, d_model=16, context=8, policy="qk_norm")
    with pytest.raises(InputError, match="qk_norm"):
        to_gpt2(build_model(cfg, 10), cfg, 10)
    cfg = TrainConfig(n_layer=1, n_head=2, d_model=16, context=8, bias="alibi")
    with pytest.raises(InputError, match="alibi"):
        to_gpt2(build_model(cfg, 10), cfg, 10)
    missing = str(tmp_path / "none.pt")
    assert main(["sample", "--checkpoint", missing]) == 2
    assert main(["export-hf", "--checkpoint", missing, "--out", str(tmp_path / "o")]) == 2
    assert all(
        line.startswith("isingformer: error:")
        for line in capsys.readouterr().err.split("\n")
        if line
    )


def test_beta_sweep_is_exact_at_one_and_scales_every_head(checkpoint):
    from isingformer.lm.corpus import fixed_windows
    from isingformer.lm.sample import beta_sweep, load_trained

    trained = load_trained(checkpoint)
    rows = beta_sweep(trained, [1.0, 3.0], n_windows=4)
    x, y = fixed_windows(trained.data.val, 4, trained.config.context)
    with torch.no_grad():
        assert rows[0]["val_loss"] == pytest.approx(float(trained.model(x, y)[1]), abs=1e-6)
        # f = 3 equals the model whose policies carry 3 β_h (fixed per-head β)
        from isingformer.attention.policies import FixedBeta

        for attn in trained.model.attention_layers():
            b = attn.policy.current_beta().detach()
            attn.policy = FixedBeta(b.numel(), attn.d_head, beta=(3 * b).tolist())
        assert rows[1]["val_loss"] == pytest.approx(float(trained.model(x, y)[1]), abs=1e-5)
