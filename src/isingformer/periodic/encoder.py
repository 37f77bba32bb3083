"""Seed 000's periodic bias added at analysis time to a Hugging Face encoder
(default: the packaged MiniLM): the same measures on the model's own logits
with no bias, an ALiBi bias and a periodic bias added (full, non-causal
attention, so every pair with |i − j| > N/2 is moved by the torus).

The passages are split into ``groups`` disjoint groups; each group is one
independent sample, and intervals are Student-t over groups, paired by group.
The biases use the ALiBi slopes of the model's head count (linear f)."""

from __future__ import annotations

import torch

from isingformer.errors import InputError
from isingformer.periodic.study import BIASES, measure_logits

__all__ = ["encoder_logits", "encoder_study"]


def encoder_logits(
    model: str | None, n_texts: int, max_tokens: int, seed: int = 0
) -> tuple[torch.Tensor, int]:
    """Logits ``[S, L*H, T, T]`` (float64, ``−E`` of ``capture_qk``: what the
    softmax sees) of the passages that fill all ``max_tokens`` tokens, and H."""
    from isingformer.probe import capture_qk, default_texts, load_model

    lm = load_model(None if model in (None, "minilm") else model)
    texts = default_texts(n_texts, words=4 * max_tokens, seed=seed)
    cap = capture_qk(lm, texts, max_tokens)
    full = cap.token_mask.all(dim=1)  # [S]
    if int(full.sum()) < 1:
        raise InputError("--model: no passage fills --max-tokens tokens")
    t = cap.token_mask.shape[1]
    parts = []
    for layer in range(len(cap.q)):
        e, _ = cap.energies(layer)
        parts.append(-e[full][..., :t])
    return torch.cat(parts, dim=1), int(cap.q[0].shape[1])


def encoder_study(
    model: str | None = None,
    *,
    n_texts: int = 16,
    max_tokens: int = 64,
    groups: int = 4,
    seed: int = 0,
) -> dict:
    """Per bias added (``none``, ``alibi``, ``periodic``): the measures of
    :func:`~isingformer.periodic.study.measure_logits` on each passage group."""
    if groups < 1 or groups > n_texts:
        raise InputError(f"groups must be in 1..{n_texts}, got {groups}")
    from isingformer.attention.bias import make_positional_bias

    logits, n_heads = encoder_logits(model, n_texts, max_tokens, seed)
    s, lh, t, _ = logits.shape
    allowed = torch.ones(t, t, dtype=torch.bool)
    chunks = torch.tensor_split(torch.arange(s), groups)
    models: dict[str, list[dict]] = {}
    for name in BIASES:
        bias = make_positional_bias(name, n_heads)(t, dtype=torch.float64)  # [H, T, T]
        if bias is not None:
            bias = bias.repeat(lh // n_heads, 1, 1)  # the same bias in every layer
        added = logits if bias is None else logits + bias[None]
        models[name] = [
            measure_logits(
                {"logits": added[idx], "bias": name, "allowed": allowed, "checkpoint": model}
            )
            for idx in chunks
            if idx.numel()
        ]
    return models
