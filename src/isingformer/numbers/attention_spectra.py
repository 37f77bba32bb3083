"""Eigenvalue spacings of real attention matrices (MiniLM heads via ``probe``).

For every head and passage, the attention probabilities P (row-stochastic,
[T, T]) are symmetrised, S = (P + Pᵀ)/2, and diagonalised. Each spectrum is
unfolded on its own by the local mean spacing (2·window neighbours) over the
central bulk (the Perron-like top eigenvalue and ``edge`` of each end are dropped) and the
spacings of all heads are pooled and compared with Poisson/GOE/GUE.
"""

from __future__ import annotations

import numpy as np

from isingformer.errors import InputError
from isingformer.numbers.spacing import ks_table

__all__ = ["attention_spacings", "matrix_spacings"]


def matrix_spacings(mats, *, edge: float = 0.1, window: int = 4) -> np.ndarray:
    """Pooled unfolded nearest-neighbour spacings of symmetric matrices ``[M, T, T]``
    (each spectrum unfolded locally and separately, bulk only; pooled mean 1)."""
    a = np.asarray(mats, dtype=np.float64)
    if a.ndim != 3 or a.shape[1] != a.shape[2] or a.shape[1] < 16:
        raise InputError(f"need symmetric matrices of shape [M, T, T] with T >= 16, got {a.shape}")
    ev = np.linalg.eigvalsh(0.5 * (a + np.swapaxes(a, 1, 2)))
    T = a.shape[1]
    lo, hi = int(edge * T), T - 1 - int(edge * T)
    out = []
    for row in ev:
        s = np.diff(row[lo:hi])
        # local unfolding: each spacing over the mean of its 2·window neighbours
        # (monotone, robust to the strongly varying density of these spectra)
        kernel = np.ones(2 * window + 1) / (2 * window + 1)
        local = np.convolve(np.pad(s, window, mode="edge"), kernel, mode="valid")
        ok = local > 0
        out.append(s[ok] / local[ok])
    x = np.concatenate(out)
    return x / x.mean()


def attention_spacings(
    *, n_texts: int = 4, max_tokens: int = 96, seed: int = 0, n_boot: int = 100
) -> dict:
    """Spacing statistics of the symmetrised attention matrices of every head of
    the packaged all-MiniLM-L6-v2 over ``n_texts`` Shakespeare passages.

    Returns ``n_matrices``, ``n_spacings``, ``ks`` (see :func:`ks_table`) and the
    pooled ``spacings``. Raises :class:`isingformer.errors.ModelLoadError` when
    the model package is missing."""
    import torch

    from isingformer.probe import capture_qk, default_texts, load_model

    if not 1 <= n_texts <= 64 or not 16 <= max_tokens <= 512:
        raise InputError("need 1 <= n_texts <= 64 and 16 <= max_tokens <= 512")
    lm = load_model()
    batch = capture_qk(lm, default_texts(n=n_texts, words=4 * max_tokens, seed=seed), max_tokens)
    keep = batch.token_mask.bool()
    mats = []
    with torch.no_grad():
        for q, k, scale in zip(batch.q, batch.k, batch.scale, strict=True):
            logits = scale * torch.einsum("shtd,shud->shtu", q.double(), k.double())
            logits = logits.masked_fill(~keep[:, None, None, :], float("-inf"))
            p = torch.softmax(logits, dim=-1)
            for s in range(p.shape[0]):
                n = int(keep[s].sum())
                mats.extend(p[s, :, :n, :n].numpy())
    T = min(m.shape[0] for m in mats)
    spac = matrix_spacings(np.stack([m[:T, :T] for m in mats]))
    return {
        "model": lm.name,
        "n_matrices": len(mats),
        "tokens": T,
        "n_spacings": int(spac.size),
        "ks": ks_table(spac, n_boot=n_boot, seed=seed),
        "spacings": spac.tolist(),
    }
