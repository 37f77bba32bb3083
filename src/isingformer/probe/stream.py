"""One layer of the phase map, streamed over blocks of query rows.

The energies of a layer are ``[S, H, T, T']`` (float64): 512 MiB per head
at T = 4096 tokens. Nothing here holds them: the captured Q and K are turned
into energies a block of at most ``block_rows`` query rows at a time
(:meth:`~isingformer.probe.model.CapturedBatch.energies_block`), each block
goes through the ensemble core, and only per-head sums are kept:

- pass 1, every real row: the quantities at ``β_model`` (entropy, largest
  weight, IPR, e^S, S/ln n), summed over rows; of the seeded subset of
  ``max_rows`` rows, the logit spread σ and the visible keys N̄ (for ``β_REM``);
- pass 2, the subset: the ``C(β)`` curves of a block, summed into a
  :class:`~isingformer.ensemble.critical.PeakAccumulator` (the mean curve and
  its bootstrap resamples); a head whose peak is on the upper edge of an
  automatic grid is redone on a 3x wider grid (twice at most). If the subset
  fits in one block (``max_rows ≤ block_rows``) its energies are kept from
  pass 1; otherwise they are recomputed.

Peak working memory is therefore proportional to ``H · block_rows`` (times
the number of keys T' for the energies, times the grid size k for the curves
of a block), not to ``H · T²`` nor to ``H · T² · k``: see docs/analyze.md
for the measured bound. The result equals the unstreamed computation (one
block holding every row) to rounding: the row subset and the bootstrap
counts do not depend on the blocks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from isingformer.attention.energies import logit_spread
from isingformer.ensemble import thermodynamics
from isingformer.ensemble.critical import PeakAccumulator
from isingformer.errors import InputError
from isingformer.stats import MIN_N

__all__ = ["EnergyLayers", "layer_phase", "row_blocks"]

Block = tuple[tuple[int, int], tuple[int, int]]
_AT_MODEL = ("entropy", "max_weight", "ipr", "effective_states")


def row_blocks(n_seqs: int, n_tokens: int, block_rows: int) -> list[Block]:
    """Blocks ``((b0, b1), (i0, i1))`` of at most ``block_rows`` query rows, in
    row order (passage, then query): whole passages grouped while they fit,
    else the queries of one passage cut into runs of ``block_rows``."""
    if block_rows < 1:
        raise InputError(f"--block-rows must be >= 1, got {block_rows}")
    if block_rows >= n_tokens:
        m = block_rows // n_tokens
        return [((b, min(n_seqs, b + m)), (0, n_tokens)) for b in range(0, n_seqs, m)]
    return [
        ((b, b + 1), (i, min(n_tokens, i + block_rows)))
        for b in range(n_seqs)
        for i in range(0, n_tokens, block_rows)
    ]


@dataclass
class EnergyLayers:
    """Given energies, in the form :func:`layer_phase` reads (like a
    :class:`~isingformer.probe.model.CapturedBatch`): per layer ``E``
    ``[S, H, T, K]`` and allowed keys ``[S, 1|H, T, K]``, and the model's β."""

    energies: list[torch.Tensor]
    allowed: list[torch.Tensor]
    scale: list[float] = field(default_factory=list)

    @property
    def token_mask(self) -> torch.Tensor:
        """``[S, T]``: query rows that see any key (in any head)."""
        return self.allowed[0].any(-1).any(1)

    def n_heads(self, layer: int) -> int:
        return int(self.energies[layer].shape[1])

    def kept_rows(
        self, layer: int, seqs: tuple[int, int], queries: tuple[int, int]
    ) -> torch.Tensor:
        (b0, b1), (i0, i1) = seqs, queries
        return self.allowed[layer][b0:b1, :, i0:i1].any(-1).all(1).reshape(-1)

    def energies_block(self, layer: int, seqs: tuple[int, int], queries: tuple[int, int]):
        (b0, b1), (i0, i1) = seqs, queries
        E = self.energies[layer][b0:b1, :, i0:i1].double()
        return E, self.allowed[layer][b0:b1, :, i0:i1]


def _block_rows(cap, layer: int, block: Block) -> tuple[torch.Tensor, torch.Tensor]:
    """Energies and allowed keys of the kept rows of ``block``: ``[H, r, T']`` twice."""
    E, A = cap.energies_block(layer, *block)
    B, H, L, K = E.shape
    keep = cap.kept_rows(layer, *block)
    E = E.permute(1, 0, 2, 3).reshape(H, B * L, K)[:, keep]
    A = A.expand(B, H, L, K).permute(1, 0, 2, 3).reshape(H, B * L, K)[:, keep]
    return E, A


def layer_phase(
    cap,
    layer: int,
    grid,
    auto: bool,
    *,
    max_rows: int,
    n_boot: int,
    seed: int,
    dtype: torch.dtype = torch.float32,
    block_rows: int = 512,
    at_model: bool = True,
) -> tuple[list[dict], dict | None]:
    """C(β) peaks (and, with ``at_model``, the quantities at ``β_model``) of
    every head of one captured layer, streamed over blocks of ``block_rows``
    query rows.

    Args:
        cap: a :class:`~isingformer.probe.model.CapturedBatch` (or
            :class:`EnergyLayers`: given energies).
        grid: the β grid ``[k]``; with ``auto`` in units of each head's
            ``β_REM`` (the energies of head h are multiplied by ``β_REM,h``, so
            all heads share one call of the ensemble core).
        max_rows: rows per head (a seeded random subset) for the curves.
        dtype: dtype of the curves (the quantities at ``β_model`` are float64).

    Returns:
        one dict per head (``beta``, ``beta_err``, ``at_edge``, ``c_max``,
        ``c_max_err`` (bootstrap over whole passages; over the rows when
        fewer than 3 passages, which understates the error for other text),
        ``beta_c_rem``, ``sigma``, ``n_keys``, ``n_rows``, ``n_passages``,
        ``betas``, ``mean_c``) and, with ``at_model``, per-head means ``[H]`` over all rows
        of ``entropy``, ``max_weight``, ``ipr``, ``effective_states`` and
        ``entropy_fraction`` (S/ln n over rows with more than one key).
    """
    S, T = cap.token_mask.shape
    H = cap.n_heads(layer)
    blocks = row_blocks(S, T, block_rows)
    kept = [cap.kept_rows(layer, *b).cpu().numpy() for b in blocks]
    counts = [int(k.sum()) for k in kept]
    n_keep = sum(counts)
    if n_keep == 0:
        raise InputError("no query row sees any key (check the mask)")
    if n_keep > max_rows:
        gen = torch.Generator().manual_seed(int(seed))
        idx = torch.randperm(n_keep, generator=gen)[:max_rows].sort().values
    else:
        idx = torch.arange(n_keep)
    n_sel = int(idx.numel())
    # the passage of each selected row: the bootstrap resamples whole passages
    # (their query rows share the keys, so they are not independent rows)
    passage = np.concatenate(
        [
            np.repeat(np.arange(b0, b1), i1 - i0)[k]
            for ((b0, b1), (i0, i1)), k in zip(blocks, kept, strict=True)
        ]
    )[idx.numpy()]
    offsets = np.concatenate([[0], np.cumsum(counts)])
    hold = n_sel <= block_rows  # the subset fits in one block: keep it from pass 1
    held: list[tuple[torch.Tensor, torch.Tensor, int]] = []

    def subset(j: int, E: torch.Tensor, A: torch.Tensor):
        lo = int(torch.searchsorted(idx, int(offsets[j])))
        hi = int(torch.searchsorted(idx, int(offsets[j + 1])))
        loc = idx[lo:hi] - int(offsets[j])
        return E[:, loc], A[:, loc], lo

    sums = {name: torch.zeros(H, dtype=torch.float64) for name in (*_AT_MODEL, "frac", "multi")}
    var_sum, multi_n, keys_sum = (torch.zeros(H, dtype=torch.float64) for _ in range(3))
    for j, block in enumerate(blocks):
        if counts[j] == 0:
            continue
        E, A = _block_rows(cap, layer, block)
        if at_model:
            th = thermodynamics(E, [cap.scale[layer]], A)  # [H, r, 1]
            for name in _AT_MODEL:
                sums[name] += getattr(th, name)[..., 0].sum(-1).cpu()
            log_n = A.sum(-1).double().log()  # [H, r]
            multi = log_n > 0
            frac = torch.where(multi, th.entropy[..., 0] / log_n.clamp_min(1e-300), 0.0)
            sums["frac"] += (frac * multi).sum(-1).cpu()
            sums["multi"] += multi.sum(-1).cpu()
        Es, As, start = subset(j, E, A)
        if Es.shape[1]:
            # the per-head sums stay on the CPU whatever the device of the energies
            sigma_b, keys_b = (t.double().cpu() for t in logit_spread(Es, As))
            m = (As.sum(-1) > 1).sum(-1).double().cpu()
            var_sum += sigma_b**2 * m
            multi_n += m
            keys_sum += keys_b * Es.shape[1]
            if hold:
                held.append((Es, As, start))
        del E, A

    sigma = (var_sum / multi_n.clamp_min(1)).sqrt()
    n_keys = keys_sum / n_sel
    bc = torch.tensor(
        [
            math.sqrt(2 * math.log(float(n))) / float(s) if s > 1e-12 and n >= 2 else math.inf
            for s, n in zip(sigma, n_keys, strict=True)
        ],
        dtype=torch.float64,
    )
    finite = torch.isfinite(bc)
    factor = torch.where(finite, bc, 1.0) if auto else torch.ones(H, dtype=torch.float64)

    def chunks():
        if hold:  # one call of the ensemble core for the whole subset
            if held:
                yield (
                    torch.cat([e for e, _, _ in held], 1),
                    torch.cat([a for _, a, _ in held], 1),
                    0,
                )
            return
        for j, block in enumerate(blocks):
            if counts[j]:
                Es, As, start = subset(j, *_block_rows(cap, layer, block))
                if Es.shape[1]:
                    yield Es, As, start

    n_passages = int(np.unique(passage).size)
    clusters = passage if n_passages >= MIN_N else None  # else a bootstrap of the rows
    found: dict[int, tuple] = {}
    g = np.asarray(grid, dtype=np.float64)
    todo = [h for h in range(H) if finite[h]]
    for _ in range(3 if auto else 1):
        if not todo:
            break
        hs = torch.tensor(todo)
        acc = PeakAccumulator(g, n_sel, len(todo), n_boot=n_boot, seed=seed, groups=clusters)
        for Es, As, start in chunks():
            X = (Es[hs] * factor[hs, None, None].to(Es.device)).to(dtype)
            M = As[hs]
            acc.add(thermodynamics(X, g, None if bool(M.all()) else M).heat_capacity, start)
        for i, h in enumerate(todo):
            found[h] = (acc.result(i), g, acc.mean_curve(i))
        todo = [h for h in todo if found[h][0].at_edge and found[h][0].beta >= g[-1]]
        g = g * 3.0

    out = []
    for h in range(H):
        base = {"beta_c_rem": float(bc[h]), "sigma": float(sigma[h]), "n_keys": float(n_keys[h])}
        base["n_rows"] = n_sel  # the rows of the curves
        base["n_passages"] = n_passages  # the clusters their bootstrap resamples
        if h not in found:
            out.append(
                {
                    **base,
                    "beta": math.inf,
                    "beta_err": math.nan,
                    "at_edge": True,
                    "c_max": 0.0,
                    "c_max_err": math.nan,
                    "betas": [],
                    "mean_c": [],
                }
            )
            continue
        cp, gh, mean_c = found[h]
        f = float(factor[h])
        out.append(
            {
                **base,
                "beta": cp.beta * f,
                "beta_err": cp.beta_err * f,
                "at_edge": cp.at_edge,
                "c_max": cp.value,
                "c_max_err": cp.value_err,
                "betas": (gh * f).tolist(),
                "mean_c": mean_c.tolist(),
            }
        )
    if not at_model:
        return out, None
    rows = float(n_keep)
    stats = {name: (sums[name] / rows).numpy() for name in _AT_MODEL}
    stats["entropy_fraction"] = torch.where(
        sums["multi"] > 0, sums["frac"] / sums["multi"].clamp_min(1), 0.0
    ).numpy()
    return out, stats
