"""The attention phase map of a real model.

Every query row of every head is a Gibbs ensemble over the keys it sees, with
energies ``E_ij = −q_i·k_j`` (seed 000, eq. 15 and 20) and the model's own
inverse temperature ``β_model`` (the factor multiplying q·k, 1/sqrt(d_head)
for most models). A model with soft-capping, a position bias or attention
sinks has ``E = −logits(β_model)/β_model`` instead (the sink one more state;
:meth:`isingformer.attention.QKRecord.energies`). For each head:

- the mean heat capacity ``C(β) = β² Var(E)`` over rows on a β grid and its
  peak ``β*`` with a bootstrap error over passages (the finite-size critical
  point; ``isingformer.ensemble.heat_capacity_peak``);
- the REM reference ``β_c = sqrt(2 ln N̄)/σ`` from the head's logit spread σ
  (RMS over rows of the within-row std of q·k) and mean visible keys N̄;
- entropy, largest weight, IPR and effective number of keys at ``β_model``;
- the phase, by the rule of :func:`classify_phase`;
- ``β*(N)`` for shorter sequence lengths N (texts truncated to N tokens).

Rows are a seeded random subset (``max_rows`` per head) of all real query rows
for the curves and the peak; the quantities at ``β_model`` use every row.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from isingformer.errors import InputError
from isingformer.probe.stream import layer_phase
from isingformer.validate import check_float, check_int, check_seed

__all__ = ["PHASES", "HeadPhase", "PhaseMap", "analyze_attention", "classify_phase"]

PHASES = ("disordered", "near-critical", "ordered")


def classify_phase(beta_model: float, beta_peak: float, beta_err: float, band: float = 1.25) -> str:
    """Phase of a head from ``r = β_model / β*``.

    ``near-critical`` when ``|ln r| ≤ ln(band) + 2·β_err/β*`` (within a factor
    ``band`` of the peak, widened by two standard errors); ``disordered``
    (high temperature: attention spread over many keys) below that,
    ``ordered`` (low temperature: attention frozen on few keys) above it. A
    head without a finite peak is ``disordered`` (its logits barely vary).
    """
    check_float(beta_model, "beta_model", gt=0)
    check_float(band, "band", ge=1)
    if not (math.isfinite(beta_peak) and beta_peak > 0):
        return "disordered"
    tol = math.log(band) + (2.0 * beta_err / beta_peak if math.isfinite(beta_err) else 0.0)
    lr = math.log(beta_model / beta_peak)
    if lr < -tol:
        return "disordered"
    if lr > tol:
        return "ordered"
    return "near-critical"


@dataclass(frozen=True)
class HeadPhase:
    """Phase-map entry of one head (``betas``/``mean_heat_capacity``: its C(β) curve)."""

    layer: int
    head: int
    beta_model: float
    beta_peak: float
    beta_peak_err: float
    peak_at_edge: bool
    c_max: float
    c_max_err: float
    beta_c_rem: float
    sigma: float
    n_keys: float
    ratio: float
    entropy_at_model_beta: float
    entropy_fraction: float
    max_weight_at_model_beta: float
    ipr_at_model_beta: float
    effective_keys_at_model_beta: float
    phase: str
    betas: list[float] = field(repr=False)
    mean_heat_capacity: list[float] = field(repr=False)
    # query rows of the C(β) curve and of the bootstrap behind the *_err (none below 3)
    n_rows: int = 0
    # passages holding them: the clusters the bootstrap resamples (rows below 3 passages)
    n_passages: int = 0


@dataclass(frozen=True)
class PhaseMap:
    """Result of :func:`analyze_attention`."""

    model: str
    model_path: str
    n_layers: int
    n_heads: int
    n_texts: int
    n_tokens: int
    config: dict
    heads: list[HeadPhase]
    finite_size: list[dict]
    seconds: dict

    def counts(self) -> dict[str, int]:
        return {p: sum(h.phase == p for h in self.heads) for p in PHASES}

    def to_dataframe(self, curves: bool = False):
        """A pandas data frame, one row per (layer, head); ``curves=True`` adds the
        per-head ``betas`` and ``mean_heat_capacity`` list columns."""
        from isingformer.runs.frames import to_dataframe

        return to_dataframe(self, curves=curves)

    def to_dict(self, curves: bool = False) -> dict:
        """JSON-able dict; per-head curves only with ``curves=True``."""
        heads = []
        for h in self.heads:
            d = asdict(h)
            if not curves:
                d.pop("betas")
                d.pop("mean_heat_capacity")
            heads.append(d)
        return {
            "model": self.model,
            "model_path": self.model_path,
            "n_layers": self.n_layers,
            "n_heads": self.n_heads,
            "n_texts": self.n_texts,
            "n_tokens": self.n_tokens,
            "phase_counts": self.counts(),
            "config": self.config,
            "heads": heads,
            "finite_size": self.finite_size,
            "seconds": self.seconds,
        }


def analyze_attention(
    model: str | Path | None = None,
    texts: list[str] | None = None,
    *,
    max_tokens: int = 128,
    n_texts: int = 32,
    betas=None,
    n_beta: int = 200,
    grid_max: float = 2.5,
    sizes: list[int] | None = None,
    max_rows: int = 512,
    n_boot: int = 100,
    band: float = 1.25,
    seed: int = 0,
    device: str = "cpu",
    curve_dtype: torch.dtype = torch.float32,
    block_rows: int = 512,
    loaded=None,
) -> PhaseMap:
    """Phase map of every attention head of a local Hugging Face model.

    Args:
        model: model directory or hub id in the local cache (default: the
            packaged all-MiniLM-L6-v2).
        texts: passages (default: ``n_texts`` fixed Shakespeare passages).
        max_tokens: tokens per passage (truncation).
        betas: a common β grid (increasing, > 0); default: per head
            ``linspace(0.02, grid_max, n_beta) · β_REM``, stretched if the
            peak lies beyond it.
        sizes: shorter token counts N for the finite-size scan β*(N)
            (default: 16, 32, 64 below ``max_tokens``; ``[]`` to skip). Sizes
            not below the longest tokenized passage are dropped (listed in
            ``config["sizes_dropped"]``).
        max_rows: query rows per head used for the curves and the peak.
        n_boot: bootstrap resamples for the peak error.
        band: the near-critical band of :func:`classify_phase`.
        curve_dtype: dtype of the C(β) curves (float32: 3-4x faster; the
            quantities at ``β_model`` are always float64).
        block_rows: query rows whose energies are in memory at once (the
            analysis streams over blocks of rows: its working memory grows with
            ``block_rows · heads · tokens``, not with ``tokens² · heads``;
            :mod:`isingformer.probe.stream`). The result does not depend on it.
        loaded: an already loaded :class:`~isingformer.probe.model.LoadedModel`.
    """
    from isingformer.probe.model import capture_qk, load_model
    from isingformer.probe.texts import default_texts

    t_start = time.perf_counter()
    if n_beta < 3:
        raise InputError(f"the β grid needs at least 3 points, got {n_beta}")
    grid_fixed = None
    if betas is not None:
        grid_fixed = np.asarray(betas, dtype=np.float64).reshape(-1)
        if grid_fixed.size < 3:
            raise InputError("--betas needs at least 3 points")
        if not np.all(np.isfinite(grid_fixed)) or np.any(grid_fixed <= 0):
            raise InputError("--betas: every β must be finite and > 0")
        if np.any(np.diff(grid_fixed) <= 0):
            raise InputError("--betas: the grid must be strictly increasing")
    if max_rows < 2:
        raise InputError(f"max_rows must be >= 2, got {max_rows}")
    if block_rows < 1:
        raise InputError(f"block_rows must be >= 1, got {block_rows}")
    check_float(band, "band", ge=1)
    check_float(grid_max, "grid_max", gt=0)
    check_int(max_tokens, "max_tokens", ge=2)
    check_int(n_texts, "n_texts", ge=1)
    check_int(n_boot, "n_boot", ge=0)
    check_seed(seed)
    if sizes is None:
        sizes = [n for n in (16, 32, 64) if n < max_tokens]
    if any(n < 2 for n in sizes):
        raise InputError("finite-size token counts must be >= 2")
    units = np.linspace(0.02, grid_max, n_beta)

    lm = loaded if loaded is not None else load_model(model, device=device)
    t_load = time.perf_counter()
    passages = texts if texts is not None else default_texts(n_texts, seed=seed)
    cap = capture_qk(lm, passages, max_tokens)
    t_fwd = time.perf_counter()
    longest = int(cap.token_mask.sum(-1).max())
    dropped = [n for n in sizes if n >= longest]  # the texts are not that long
    sizes = [n for n in sizes if n < longest]

    heads: list[HeadPhase] = []
    grid = units if grid_fixed is None else grid_fixed
    for layer, scale in enumerate(cap.scale):
        peaks, at = layer_phase(
            cap,
            layer,
            grid,
            grid_fixed is None,
            max_rows=max_rows,
            n_boot=n_boot,
            seed=seed + layer,
            dtype=curve_dtype,
            block_rows=block_rows,
        )
        for h, p in enumerate(peaks):
            bp, be = p["beta"], p["beta_err"]
            heads.append(
                HeadPhase(
                    layer=layer,
                    head=h,
                    beta_model=float(scale),
                    beta_peak=float(bp),
                    beta_peak_err=float(be),
                    peak_at_edge=bool(p["at_edge"]),
                    c_max=float(p["c_max"]),
                    c_max_err=float(p["c_max_err"]),
                    beta_c_rem=p["beta_c_rem"],
                    sigma=p["sigma"],
                    n_keys=p["n_keys"],
                    ratio=float(scale / bp) if bp > 0 else float("nan"),
                    entropy_at_model_beta=float(at["entropy"][h]),
                    entropy_fraction=float(at["entropy_fraction"][h]),
                    max_weight_at_model_beta=float(at["max_weight"][h]),
                    ipr_at_model_beta=float(at["ipr"][h]),
                    effective_keys_at_model_beta=float(at["effective_states"][h]),
                    phase=classify_phase(float(scale), float(bp), float(be), band),
                    betas=p["betas"],
                    mean_heat_capacity=p["mean_c"],
                    n_rows=int(p["n_rows"]),
                    n_passages=int(p["n_passages"]),
                )
            )
    t_map = time.perf_counter()

    finite: list[dict] = []
    fss_grid = np.linspace(0.02, grid_max, 64) if grid_fixed is None else grid_fixed
    for n_tok in sizes:
        c = capture_qk(lm, passages, n_tok)
        per_layer = [
            layer_phase(
                c,
                layer,
                fss_grid,
                grid_fixed is None,
                max_rows=min(max_rows, 256),
                n_boot=min(n_boot, 50),
                seed=seed + layer,
                dtype=curve_dtype,
                block_rows=block_rows,
                at_model=False,
            )[0]
            for layer in range(len(c.scale))
        ]
        finite.append(
            {
                "n_tokens": int(c.token_mask.sum(-1).max()),
                "n_keys_mean": float(np.mean([[p["n_keys"] for p in lay] for lay in per_layer])),
                "beta_peak": [[p["beta"] for p in lay] for lay in per_layer],
                "beta_peak_err": [[p["beta_err"] for p in lay] for lay in per_layer],
                "n_rows": [[p["n_rows"] for p in lay] for lay in per_layer],
                "n_boot": min(n_boot, 50),  # the scan's reduced bootstrap (and <= 256 rows)
                "beta_c_rem": [[p["beta_c_rem"] for p in lay] for lay in per_layer],
            }
        )
    finite.append(
        {
            "n_tokens": int(cap.token_mask.sum(-1).max()),
            "n_keys_mean": float(np.mean([h.n_keys for h in heads])),
            "beta_peak": [
                [h.beta_peak for h in heads if h.layer == lay] for lay in range(len(cap.q))
            ],
            "beta_peak_err": [
                [h.beta_peak_err for h in heads if h.layer == lay] for lay in range(len(cap.q))
            ],
            "n_rows": [[h.n_rows for h in heads if h.layer == lay] for lay in range(len(cap.q))],
            "n_boot": n_boot,
            "beta_c_rem": [
                [h.beta_c_rem for h in heads if h.layer == lay] for lay in range(len(cap.q))
            ],
        }
    )
    t_end = time.perf_counter()
    config = {
        "max_tokens": max_tokens,
        "n_texts": len(passages),
        "texts": "shakespeare (default sample)" if texts is None else "user",
        "betas": f"per head: linspace(0.02, {grid_max:g}, {n_beta}) x beta_REM"
        if grid_fixed is None
        else [float(grid_fixed[0]), float(grid_fixed[-1]), len(grid_fixed)],
        "sizes": list(sizes),
        "sizes_dropped": dropped,
        "max_rows": max_rows,
        "block_rows": block_rows,
        "n_boot": n_boot,
        "errors": "beta_peak_err, c_max_err: standard deviation of the peak over n_boot "
        "bootstrap resamples of the passages (whole passages: the query rows of one "
        "passage share its keys; of the head's n_rows query rows when fewer than 3 "
        "passages, which understates the error for other text; null below 3 rows)",
        "band": band,
        "seed": seed,
        "device": device,
    }
    return PhaseMap(
        model=lm.name,
        model_path=str(lm.path),
        n_layers=len(cap.q),
        n_heads=int(cap.q[0].shape[1]),
        n_texts=len(passages),
        n_tokens=int(cap.token_mask.sum()),
        config=config,
        heads=heads,
        finite_size=finite,
        seconds={
            "load": round(t_load - t_start, 3),
            "forward": round(cap.seconds_forward, 3),
            "phase_map": round(t_map - t_fwd, 3),
            "finite_size": round(t_end - t_map, 3),
            "total": round(t_end - t_start, 3),
        },
    )
