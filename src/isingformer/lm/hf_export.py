"""Export a GPT trained by ``isingformer train`` as a local Hugging Face model
directory, so that ``analyze``, ``layers`` and any transformers tool load it
offline (safetensors weights, no remote code, no registration needed).

Our GPT *is* the GPT-2 architecture (learned positions, pre-norm blocks, one
fused q/k/v projection with biases, 4x GELU MLP, final LayerNorm, tied
output head), so it is written as a ``GPT2LMHeadModel`` with exact (erf)
GELU. The attention logits of head h are β_h q·k. GPT-2 multiplies q·k by
``scaling = 1/sqrt(d_k)``, which is therefore the exported model's β_model;
the trained per-head factor β_h·sqrt(d_k) is folded into the head's rows of
W_q and b_q, so the exported logits are the trained ones and every ratio
β*/β_model a probe measures is unchanged (for ``sqrt_dk`` the factor is 1).

Refused with a clear error: ``log_length`` (β depends on the sequence
length), ``qk_norm`` (normalizes q and k) and positional biases
(``bias != none``), which GPT-2 cannot express.

The tokenizer goes along as a ``PreTrainedTokenizerFast`` (the byte-level BPE
as trained; the character tokenizer as a word-level vocabulary of single
characters).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import torch

from isingformer.errors import InputError

__all__ = ["EXPORTABLE_POLICIES", "export_hf", "hf_tokenizer", "to_gpt2"]

EXPORTABLE_POLICIES = ("sqrt_dk", "fixed", "learned", "critical", "annealed")


def _check_exportable(cfg) -> None:
    if getattr(cfg, "attention", "beta") == "hyperbolic":
        raise InputError("--checkpoint: hyperbolic attention (−β d_H) has no GPT-2 equivalent")
    if cfg.policy not in EXPORTABLE_POLICIES:
        raise InputError(
            f"--checkpoint: policy {cfg.policy!r} cannot be exported as GPT-2 "
            f"(exportable: {', '.join(EXPORTABLE_POLICIES)})"
        )
    if getattr(cfg, "attention", "beta") not in ("beta", "sdpa"):
        raise InputError(
            f"--checkpoint: attention {cfg.attention!r} cannot be exported as GPT-2 "
            "(only beta and sdpa)"
        )
    if cfg.bias != "none":
        raise InputError(
            f"--checkpoint: positional bias {cfg.bias!r} cannot be exported as GPT-2 "
            "(only bias none)"
        )


def _head_factors(attn, n_head: int, d_head: int) -> torch.Tensor:
    """β_h·sqrt(d_k) per head (ones for the plain ``sdpa`` reference layer)."""
    policy = getattr(attn, "policy", None)
    if policy is None:
        return torch.ones(n_head, dtype=torch.float64)
    beta = policy.current_beta().detach().to(torch.float64).cpu()
    if beta.shape != (n_head,) or not torch.isfinite(beta).all() or (beta <= 0).any():
        raise InputError(f"--checkpoint: the trained β per head is not usable: {beta.tolist()}")
    return beta * math.sqrt(d_head)


def to_gpt2(model, cfg, vocab_size: int):
    """The ``GPT2LMHeadModel`` computing the same logits as our trained ``model``.

    Returns:
        ``(gpt2_model, beta_per_head [L][H])``.
    """
    from transformers import GPT2Config, GPT2LMHeadModel

    _check_exportable(cfg)
    n_head, d = cfg.n_head, cfg.d_model
    d_head = d // n_head
    config = GPT2Config(
        vocab_size=vocab_size,
        n_positions=cfg.context,
        n_embd=d,
        n_layer=cfg.n_layer,
        n_head=n_head,
        activation_function="gelu",
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        layer_norm_epsilon=1e-5,
        bos_token_id=None,
        eos_token_id=None,
        tie_word_embeddings=True,
    )
    hf = GPT2LMHeadModel(config)
    sd = model.state_dict()
    new: dict[str, torch.Tensor] = {
        "transformer.wte.weight": sd["wte.weight"],
        "transformer.wpe.weight": sd["wpe.weight"],
        "transformer.ln_f.weight": sd["ln_f.weight"],
        "transformer.ln_f.bias": sd["ln_f.bias"],
        "lm_head.weight": sd["wte.weight"],
    }
    betas = []
    for i, block in enumerate(model.blocks):
        p, h = f"blocks.{i}.", f"transformer.h.{i}."
        factor = _head_factors(block.attn, n_head, d_head)
        betas.append((factor / math.sqrt(d_head)).tolist())
        scale = torch.ones(3 * d, dtype=torch.float64)
        scale[:d] = factor.repeat_interleave(d_head)  # the q rows of head h
        w = (sd[p + "attn.qkv.weight"].double() * scale[:, None]).to(sd[p + "attn.qkv.weight"])
        b = (sd[p + "attn.qkv.bias"].double() * scale).to(sd[p + "attn.qkv.bias"])
        new[h + "attn.c_attn.weight"] = w.T.contiguous()  # Conv1D stores [in, out]
        new[h + "attn.c_attn.bias"] = b
        new[h + "attn.c_proj.weight"] = sd[p + "attn.out.weight"].T.contiguous()
        new[h + "attn.c_proj.bias"] = sd[p + "attn.out.bias"]
        for ours, theirs in (("ln1", "ln_1"), ("ln2", "ln_2")):
            new[h + theirs + ".weight"] = sd[p + ours + ".weight"]
            new[h + theirs + ".bias"] = sd[p + ours + ".bias"]
        new[h + "mlp.c_fc.weight"] = sd[p + "mlp.fc.weight"].T.contiguous()
        new[h + "mlp.c_fc.bias"] = sd[p + "mlp.fc.bias"]
        new[h + "mlp.c_proj.weight"] = sd[p + "mlp.proj.weight"].T.contiguous()
        new[h + "mlp.c_proj.bias"] = sd[p + "mlp.proj.bias"]
    missing, unexpected = hf.load_state_dict(new, strict=False)
    missing = [k for k in missing if not k.endswith(".attn.bias") and k != "lm_head.weight"]
    if missing or unexpected:  # pragma: no cover - a mapping bug, not user input
        raise RuntimeError(f"GPT-2 mapping incomplete: missing {missing}, unexpected {unexpected}")
    hf.tie_weights()
    return hf.eval(), betas


def hf_tokenizer(tokenizer):
    """Our tokenizer as a ``PreTrainedTokenizerFast`` with the same ids."""
    from transformers import PreTrainedTokenizerFast

    data = tokenizer.to_json()
    if data["kind"] == "bpe":
        from tokenizers import Tokenizer

        tok = Tokenizer.from_str(data["tokenizer"])
    else:
        from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers

        vocab = {c: i for i, c in enumerate(data["chars"])}
        tok = Tokenizer(models.WordLevel(vocab, unk_token=data["chars"][0]))
        tok.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
        tok.decoder = decoders.Fuse()
    return PreTrainedTokenizerFast(tokenizer_object=tok, clean_up_tokenization_spaces=False)


def export_hf(checkpoint: str | Path, out: str | Path) -> dict[str, Any]:
    """Write ``out/`` (``config.json``, ``model.safetensors``, tokenizer files,
    ``isingformer.json`` with the training config and β per head) from a
    training checkpoint. Returns a summary dict (paths, β per head, and the
    largest logit difference to the trained model on a check batch)."""
    from isingformer.lm.sample import load_trained

    trained = load_trained(checkpoint)
    cfg = trained.config
    vocab = trained.model.wte.num_embeddings
    hf, betas = to_gpt2(trained.model, cfg, vocab)
    g = torch.Generator().manual_seed(0)
    idx = torch.randint(0, vocab, (2, min(cfg.context, 32)), generator=g)
    with torch.no_grad():
        ours = trained.model(idx)[0]
        theirs = hf(idx).logits
    diff = float((ours - theirs).abs().max())
    out = Path(out)
    from transformers.utils import logging as hf_logging

    bar = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # library code never prints
    try:
        out.mkdir(parents=True, exist_ok=True)
        hf.save_pretrained(out, safe_serialization=True)
        hf_tokenizer(trained.tokenizer).save_pretrained(out)
        meta = {
            "source_checkpoint": str(trained.path),
            "step": trained.step,
            "train_config": cfg.to_dict(),
            "beta_per_head": betas,
            "beta_model": 1.0 / math.sqrt(cfg.d_model // cfg.n_head),
            "max_abs_logit_diff": diff,
        }
        (out / "isingformer.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--out: cannot write the model to {out}: {exc.strerror}") from None
    finally:
        if bar:
            hf_logging.enable_progress_bar()
    return {
        "out": str(out),
        "architecture": "GPT2LMHeadModel",
        "policy": cfg.policy,
        "step": trained.step,
        "beta_per_head": betas,
        "beta_model": meta["beta_model"],
        "max_abs_logit_diff": diff,
    }
