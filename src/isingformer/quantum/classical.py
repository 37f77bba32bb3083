"""The transformer the quantum model realizes, run as an ordinary autoregressive sampler.

Block ℓ takes the text x_1 … x_{n+ℓ−1} (input plus the tokens generated so far),
computes s_i = β_ℓ <W^Q_ℓ x_{n+ℓ−1}, W^K_ℓ x_i> on the embeddings, draws a
position i with probability softmax(s)_i and emits y = FFN_ℓ(W^V_ℓ x_i).
Nothing here touches a Hilbert space: it is the independent reference that the
Fock-space model must reproduce.
"""

from __future__ import annotations

import numpy as np

from isingformer.errors import InputError
from isingformer.quantum.spec import TransformerSpec
from isingformer.validate import check_int


def attention_weights(spec: TransformerSpec, block: int, text: tuple[int, ...]) -> np.ndarray:
    """softmax(S_ℓ^(k)) of block ``block`` (0-based) for a text of k tokens, [k].

    Computed from the embeddings and matrices directly (not from a cached score table).
    """
    check_int(block, "block", ge=0, le=len(spec.blocks) - 1)
    if len(text) == 0 or any(not 0 <= t < spec.n_tokens for t in text):
        raise InputError(f"text: token ids must be in 0..{spec.n_tokens - 1}, got {text!r}")
    b = spec.blocks[block]
    x = spec.embeddings[list(text)]  # [k, d]
    q = b.WQ @ x[-1]  # [d']
    keys = x @ b.WK.T  # [k, d']
    s = b.beta * (keys @ q)
    s = s - s.max()
    w = np.exp(s)
    return w / w.sum()


def value_token(spec: TransformerSpec, block: int, token: int) -> int:
    """Index of the token FFN_ℓ(W^V_ℓ x) (validated at load time)."""
    return int(spec.blocks[block].value_map[token])


def next_token_distribution(spec: TransformerSpec, block: int, text: tuple[int, ...]) -> np.ndarray:
    """P(y | text) over the N tokens for block ``block``: softmax mass summed by value token, [N]."""
    w = attention_weights(spec, block, text)
    ys = spec.blocks[block].value_map[list(text)]
    return np.bincount(ys, weights=w, minlength=spec.n_tokens)


def autoregressive_joint(spec: TransformerSpec) -> dict[tuple[int, ...], float]:
    """Exact P_T(y_1 … y_L) = Σ over positions of Π_ℓ softmax(S_ℓ)_{i_ℓ}, by enumeration."""
    joint: dict[tuple[int, ...], float] = {}
    stack: list[tuple[tuple[int, ...], float]] = [((), 1.0)]
    while stack:
        gen, prob = stack.pop()
        block = len(gen)
        dist = next_token_distribution(spec, block, spec.text + gen)
        for y in np.nonzero(dist)[0]:
            nxt, p = (*gen, int(y)), prob * float(dist[y])
            if block + 1 == spec.L:
                joint[nxt] = p
            else:
                stack.append((nxt, p))
    return joint


def autoregressive_sample(spec: TransformerSpec, n_samples: int, seed: int = 0) -> np.ndarray:
    """Sample n texts the ordinary way (draw a position, emit its value token), [n, L].

    Samples sharing a prefix are advanced together (same law, one draw call).
    """
    if n_samples < 1:
        raise InputError(f"--samples must be >= 1, got {n_samples}")
    rng = np.random.default_rng(seed)
    out = np.empty((n_samples, spec.L), dtype=np.int64)
    groups: dict[tuple[int, ...], np.ndarray] = {(): np.arange(n_samples)}
    for block in range(spec.L):
        nxt: dict[tuple[int, ...], np.ndarray] = {}
        for gen in sorted(groups):
            rows = groups[gen]
            text = spec.text + gen
            w = attention_weights(spec, block, text)
            pos = rng.choice(len(text), size=rows.size, p=w)
            ys = spec.blocks[block].value_map[np.asarray(text)[pos]]
            out[rows, block] = ys
            for y in np.unique(ys):
                nxt[(*gen, int(y))] = rows[ys == y]
        groups = nxt
    return out
