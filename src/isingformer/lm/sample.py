"""Load a GPT trained by ``isingformer train`` and generate text from it.

    from isingformer.lm.sample import load_trained, sample_text
    trained = load_trained("runs/train-critical-seed0/checkpoint.pt")
    out = sample_text(trained, prompt="ROMEO:", tokens=200, temperature=0.8, seed=1)

The tokenizer is rebuilt from the checkpoint's config (corpus, tokenizer kind,
split) exactly as training built it, and must give the checkpoint's
vocabulary size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from isingformer.errors import InputError

__all__ = ["TrainedModel", "beta_sweep", "generate", "load_trained", "sample_text"]


@dataclass
class TrainedModel:
    """A trained GPT in eval mode, its :class:`~isingformer.lm.TrainConfig`,
    its tokenizer (``encode``/``decode``), the training step, the path and the
    tokenized corpus (:class:`~isingformer.lm.TokenData`)."""

    model: Any
    config: Any
    tokenizer: Any
    step: int
    path: Path
    data: Any = None


def load_trained(checkpoint: str | Path, device: str = "cpu") -> TrainedModel:
    """Read a training checkpoint (``torch.load(weights_only=True)``) into a GPT."""
    from isingformer.lm.checkpoint import load_checkpoint
    from isingformer.lm.config import config_from_dict
    from isingformer.lm.corpus import prepare_data_for
    from isingformer.lm.train import build_model

    path = Path(checkpoint)
    ckpt = load_checkpoint(path)
    cfg = config_from_dict(ckpt["config"], source=f"checkpoint {path}")
    vocab = int(ckpt["vocab_size"])
    data = prepare_data_for(cfg)
    if data.vocab_size != vocab:
        raise InputError(
            f"--checkpoint: the corpus {cfg.corpus!r} now gives a {cfg.tokenizer} vocabulary of "
            f"{data.vocab_size} tokens, the checkpoint was trained with {vocab}"
        )
    model = build_model(cfg, vocab)
    try:
        model.load_state_dict(ckpt["model"])
    except RuntimeError as exc:
        raise InputError(f"--checkpoint: weights do not fit the config: {exc}") from None
    model.eval().to(device)
    return TrainedModel(model, cfg, data.tokenizer, int(ckpt.get("step", 0)), path, data)


@torch.no_grad()
def generate(
    model,
    idx: torch.Tensor,
    tokens: int,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Autoregressive sampling: ``idx [B, T0]`` -> ``[B, T0 + tokens]``.

    The context is cropped to the model's last ``context`` tokens; logits are
    divided by the sampling ``temperature`` (``0``: greedy) and cut to the
    ``top_k`` most likely tokens when given.
    """
    if tokens < 0:
        raise InputError(f"--tokens must be >= 0, got {tokens}")
    if not (math.isfinite(temperature) and temperature >= 0):
        raise InputError(f"--temperature must be a finite number >= 0, got {temperature}")
    if top_k is not None and top_k < 1:
        raise InputError(f"--top-k must be >= 1, got {top_k}")
    for _ in range(tokens):
        logits, _ = model(idx[:, -model.context :])
        logits = logits[:, -1, :].double()  # [B, vocab]
        if temperature == 0:
            nxt = logits.argmax(dim=-1, keepdim=True)
        else:
            logits = logits / temperature
            if top_k is not None and top_k < logits.shape[-1]:
                kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            probs = torch.softmax(logits, dim=-1)
            nxt = torch.multinomial(probs.cpu(), 1, generator=generator).to(idx.device)
        idx = torch.cat([idx, nxt], dim=1)
    return idx


def sample_text(
    trained: TrainedModel,
    prompt: str = "\n",
    tokens: int = 200,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    samples: int = 1,
    seed: int = 0,
) -> dict[str, Any]:
    """``samples`` continuations of ``prompt`` (the same seed gives the same text).

    Returns ``{"prompt", "texts" [samples], "tokens", "temperature", "top_k",
    "seed", "step", "policy", "beta_per_head" [L][H]}``.
    """
    if samples < 1:
        raise InputError(f"--samples must be >= 1, got {samples}")
    if not prompt:
        raise InputError("--prompt must not be empty")
    ids = torch.as_tensor(trained.tokenizer.encode(prompt), dtype=torch.long)
    if ids.numel() == 0:
        raise InputError("--prompt encodes to no tokens")
    device = next(trained.model.parameters()).device
    idx = ids[None, :].repeat(samples, 1).to(device)
    g = torch.Generator().manual_seed(int(seed))
    out = generate(trained.model, idx, tokens, temperature=temperature, top_k=top_k, generator=g)
    texts = [trained.tokenizer.decode(row[ids.numel() :].tolist()) for row in out.cpu()]
    betas = [
        [float(b) for b in layer.policy.current_beta().detach().cpu()]
        for layer in trained.model.attention_layers()
        if hasattr(layer, "policy")
    ]
    return {
        "prompt": prompt,
        "texts": texts,
        "tokens": int(tokens),
        "temperature": float(temperature),
        "top_k": top_k,
        "seed": int(seed),
        "step": trained.step,
        "policy": trained.config.policy,
        "beta_per_head": betas,
    }


@torch.no_grad()
def beta_sweep(trained: TrainedModel, factors, *, n_windows: int = 16) -> list[dict[str, float]]:
    """Validation loss of the trained GPT with every head's β multiplied by each
    factor (β_h → f·β_h, done exactly by scaling the query rows of W_q and b_q
    of a copy of the model; ``f = 1`` is the trained model).

    Returns one dict per factor: ``factor``, ``beta_mean`` (mean trained β x f)
    and ``val_loss`` (mean cross-entropy over ``n_windows`` fixed validation
    windows of the training context).
    """
    import copy

    from isingformer.lm.corpus import fixed_windows

    if trained.config.policy == "qk_norm":
        raise InputError("beta_sweep: qk_norm normalizes q, so scaling W_q does not change β")
    factors = [float(f) for f in factors]
    if not factors or any(not (math.isfinite(f) and f > 0) for f in factors):
        raise InputError(f"factors must be finite and > 0, got {factors}")
    if n_windows < 1:
        raise InputError(f"n_windows must be >= 1, got {n_windows}")
    x, y = fixed_windows(trained.data.val, n_windows, trained.config.context)
    device = next(trained.model.parameters()).device
    x, y = x.to(device), y.to(device)
    d = trained.config.d_model
    betas = [
        float(layer.policy.current_beta().mean())
        for layer in trained.model.attention_layers()
        if hasattr(layer, "policy")
    ]
    rows = []
    for f in factors:
        model = copy.deepcopy(trained.model)
        for attn in model.attention_layers():
            attn.qkv.weight[:d].mul_(f)
            attn.qkv.bias[:d].mul_(f)
        _, loss = model(x, y)
        rows.append(
            {
                "factor": f,
                "beta_mean": f * (sum(betas) / len(betas)) if betas else float("nan"),
                "val_loss": float(loss),
            }
        )
    return rows
