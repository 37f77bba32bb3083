"""The periodic-attention study: GPTs with ``none``, ``alibi`` and ``periodic``
biases (given as checkpoints, or trained here at a small budget), measured
on their own validation text, and a verdict for each of the four claims.

Every per-model number comes from one checkpoint (one seed); intervals are
Student-t over seeds (``isingformer.stats.mean_interval``), none below 3.
Differences between biases are paired by run (training seed and β policy).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch

from isingformer.errors import InputError
from isingformer.periodic.measures import (
    attention_entropy,
    causal_allowed,
    decay_length,
    distance_profile,
    mean_distance,
    nan_mean,
    peak_beta,
    peak_fwhm,
    rounding_exponent,
    row_heat_capacity,
    tenths_spread,
    wrap_fraction,
)

__all__ = [
    "BIASES",
    "DEFAULT_BETAS",
    "XI_BETAS",
    "capture_logits",
    "correlation_window",
    "find_checkpoints",
    "measure_logits",
    "parse_checkpoints",
    "rem_rounding",
]

BIASES = ("none", "alibi", "periodic")
DEFAULT_BETAS = np.geomspace(0.05, 200.0, 81)  # relative to the model's own β (= 1)
XI_BETAS = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)
MIN_KEYS_FIT = 4  # rows with fewer keys are left out of the rounding fit


def parse_checkpoints(text: str) -> dict[str, Path]:
    """``none=DIR1,alibi=DIR2,periodic=DIR3`` -> ``{bias: Path}``; names must be
    known biases, each given once."""
    out: dict[str, Path] = {}
    for part in (p.strip() for p in text.split(",")):
        name, sep, path = part.partition("=")
        name = name.strip()
        if not sep or not name or not path.strip():
            raise InputError(f"--checkpoints: expected BIAS=DIR, got {part!r}")
        if name not in BIASES:
            raise InputError(f"--checkpoints: unknown bias {name!r}; choose from {list(BIASES)}")
        if name in out:
            raise InputError(f"--checkpoints: bias {name!r} given twice")
        out[name] = Path(path.strip())
    return out


def find_checkpoints(path: Path) -> list[Path]:
    """The checkpoints of one bias: ``path`` itself (a file), ``path/checkpoint.pt``,
    or ``path/*/checkpoint.pt`` (one per seed), sorted."""
    p = Path(path)
    if p.is_file():
        return [p]
    if (p / "checkpoint.pt").is_file():
        return [p / "checkpoint.pt"]
    found = sorted(p.glob("*/checkpoint.pt")) if p.is_dir() else []
    if not found:
        raise InputError(f"--checkpoints: no checkpoint.pt in {p} or its subdirectories")
    return found


def capture_logits(checkpoint: Path, expect_bias: str | None, n_windows: int = 8) -> dict:
    """Load a GPT checkpoint and return its attention logits on ``n_windows``
    windows of its validation text: ``logits [S, L*H, T, T]`` (float64,
    ``β q·k + P``, exactly what the softmax sees before the mask), the bias
    name and options, and ``loss_profile [T]`` (validation loss per position)."""
    from isingformer.lm import build_model, load_checkpoint, prepare_data_for, resume_config

    ckpt = load_checkpoint(checkpoint)
    cfg = resume_config(checkpoint)
    if expect_bias is not None and cfg.bias != expect_bias:
        raise InputError(
            f"--checkpoints: {checkpoint} was trained with bias {cfg.bias!r}, "
            f"not {expect_bias!r}; fix the label"
        )
    if cfg.attention != "beta":
        raise InputError(f"--checkpoints: {checkpoint} is not a β-attention GPT")
    model = build_model(cfg, int(ckpt["vocab_size"]))
    model.load_state_dict(ckpt["model"])
    model.eval()
    data = prepare_data_for(cfg)
    t = cfg.context
    val = np.asarray(data.val)
    if len(val) < t + 2:
        raise InputError(f"{checkpoint}: validation text shorter than the context")
    starts = np.linspace(0, len(val) - t - 2, n_windows).astype(np.int64)
    xy = torch.as_tensor(np.stack([val[s : s + t + 1] for s in starts]).astype(np.int64))
    x, y = xy[:, :-1], xy[:, 1:]
    layers = model.attention_layers()
    for layer in layers:
        layer.capture = True
    try:
        with torch.no_grad():
            out, _ = model(x)
            loss = torch.nn.functional.cross_entropy(out.transpose(1, 2), y, reduction="none")
            parts = []
            for layer in layers:
                q, k, scale = layer.policy.apply(layer.last_q, layer.last_k, None, True)
                s = q.shape[-1] ** -0.5 if scale is None else scale
                logit = s * (q.double() @ k.double().transpose(-1, -2))  # [S, H, T, T]
                bias = layer.pos_bias(t, dtype=torch.float64)
                parts.append(logit if bias is None else logit + bias)
    finally:
        for layer in layers:
            layer.capture = False
            layer.last_q = layer.last_k = layer.last_mask = None
    period = cfg.bias_kwargs.get("period") if cfg.bias == "periodic" else None
    return {
        "bias": cfg.bias,
        "bias_kwargs": dict(cfg.bias_kwargs),
        "period": period,
        "decay": cfg.bias_kwargs.get("decay", "linear") if cfg.bias == "periodic" else None,
        "logits": torch.cat(parts, dim=1),
        "loss_profile": loss.mean(0).double().numpy(),
        "evals": list(ckpt["history"]["evals"]),
        "final_val_loss": float(ckpt["history"]["evals"][-1]["val_loss"]),
        "checkpoint": str(checkpoint),
        "seed": int(cfg.seed),
        "policy": cfg.policy,
    }


def _fit_range(t: int, periodic: bool) -> tuple[int, int]:
    """The distances ``(d_min, d_max)`` the decay of a ``t``-token window is fitted
    over: 1..t−1, or 1..t/2−1 for the circular distance."""
    return 1, (t // 2 - 1 if periodic else t - 1)


def correlation_window(
    allowed: torch.Tensor, periodic: bool = False, period: int | None = None
) -> float:
    """The longest decay length ξ (tokens) a window with mask ``allowed [T, T]``
    tells from no decay at all: the smaller of the span ``d_max − d_min`` of the
    fitted distances (a longer ξ falls by less than a factor e over the whole
    window) and the ξ fitted to uniform attention under the same mask (causal
    rows are normalised over their own i + 1 keys, so the mean weight falls with
    distance without any decay: 58.6 tokens for |i − j| at T = 64). A longer
    fitted ξ is not measured there: it is reported as ξ > window (a lower
    bound), while its rate 1/ξ stays a measurement (near 0)."""
    t = allowed.shape[-1]
    d_min, d_max = _fit_range(t, periodic)
    flat = torch.zeros(1, 1, t, t, dtype=torch.float64)
    prof = distance_profile(flat, allowed, periodic=periodic, period=period)[0]
    return float(min(d_max - d_min, decay_length(prof, d_min=d_min, d_max=d_max)))


def _beyond(xi: float, window: float) -> bool:
    """ξ not measured: not shorter than the window by more than rounding (uniform
    attention itself fits the window's ξ to ~1e-8); NaN (no fit) is not beyond."""
    return bool(xi >= window * (1 - 1e-6))


def _head_rates(logits, allowed, periodic, period) -> list[float]:
    """The fitted decay rate 1/ξ of each (layer, head) ``[L*H]`` (≤ 0: no decay;
    NaN: no fit)."""
    t = logits.shape[-1]
    prof = distance_profile(logits, allowed, periodic=periodic, period=period)
    d_min, d_max = _fit_range(t, periodic)
    return [1.0 / decay_length(p, d_min=d_min, d_max=d_max) for p in prof]


def _xi(logits, allowed, periodic, period) -> float:
    """Median over heads of the fitted decay length (via the rate 1/ξ, so that a
    non-decaying head counts as rate 0 instead of breaking the median)."""
    rates = [r for r in _head_rates(logits, allowed, periodic, period) if math.isfinite(r)]
    if not rates:
        return math.nan
    rate = float(np.median(rates))
    return math.inf if rate <= 0 else 1.0 / rate


def measure_logits(cap: dict, betas=DEFAULT_BETAS) -> dict:
    """All per-model measures of one :func:`capture_logits` result (or any
    ``{"logits", "bias", "checkpoint"}`` with optional ``allowed [T, T]``,
    ``period``, ``loss_profile``, ``final_val_loss``, ``evals``)."""
    logits = cap["logits"]
    t = logits.shape[-1]
    allowed = cap.get("allowed")
    allowed = causal_allowed(t) if allowed is None else allowed
    periodic = cap["bias"] == "periodic"
    period = cap.get("period")
    loss = cap.get("loss_profile")
    ent = attention_entropy(logits, allowed).mean(dim=(0, 1)).numpy()  # [T]
    c = row_heat_capacity(logits, allowed, betas).mean(0).numpy()  # [LH, T, K]
    bstar = peak_beta(betas, c)  # [LH, T]
    beta_profile = nan_mean(bstar, 0)  # [T]
    width = nan_mean(peak_fwhm(betas, c), 0)  # [T], relative FWHM
    n_keys = np.arange(1, t + 1)
    sel = n_keys >= MIN_KEYS_FIT
    fit = rounding_exponent(n_keys[sel], width[sel])
    xi_curve = [_xi(logits * b, allowed, periodic, period) for b in XI_BETAS]
    window = correlation_window(allowed, periodic, period)
    xi = xi_curve[XI_BETAS.index(1.0)]
    return {
        "bias": cap["bias"],
        "checkpoint": cap.get("checkpoint"),
        "seed": cap.get("seed"),
        "policy": cap.get("policy"),
        "entropy_profile": ent.tolist(),
        "beta_star_profile": beta_profile.tolist(),
        "loss_profile": None if loss is None else loss.tolist(),
        "edge_spread": tenths_spread(beta_profile),
        "entropy_edge_spread": tenths_spread(ent),
        "loss_edge_spread": math.nan if loss is None else tenths_spread(loss),
        "mean_distance": float(
            mean_distance(logits, allowed, periodic=periodic, period=period).mean()
        ),
        # the fitted ξ; beyond ``correlation_window`` it is not resolved (ξ > window)
        "correlation_length": xi,
        "correlation_window": window,
        "correlation_beyond_window": _beyond(xi, window),
        "xi_vs_beta": {
            "betas": list(XI_BETAS),
            "xi": xi_curve,
            "beyond_window": [_beyond(x, window) for x in xi_curve],
        },
        # per (layer, head) at β = 1: the decay rate 1/ξ, clipped at 0 (no decay)
        "head_decay_rates": [
            max(r, 0.0) if math.isfinite(r) else math.nan
            for r in _head_rates(logits, allowed, periodic, period)
        ],
        "beta_star_mean": float(nan_mean(beta_profile)),
        "width_profile": width.tolist(),
        "width_at_max_n": float(nan_mean(width[-max(t // 10, 1) :])),
        "rounding_fit": fit,
        "wrap": wrap_fraction(logits, allowed, period),
        "decay": cap.get("decay"),
        "final_val_loss": cap.get("final_val_loss", math.nan),
        "evals": cap.get("evals", []),
    }


def rem_rounding(sizes=(4, 8, 16, 32, 64), samples: int = 64, seed: int = 0, betas=None) -> dict:
    """The REM control: relative FWHM of the sample-averaged C(β) of ``N``
    Gaussian energies (σ = 1) and its rounding exponent fit."""
    from isingformer.ensemble import rem_energies

    if len(sizes) < 2:
        raise InputError(f"sizes: the rounding exponent needs >= 2 REM sizes, got {list(sizes)}")
    b = np.geomspace(0.05, 20.0, 121) if betas is None else np.asarray(betas)
    widths = []
    for n in sizes:
        e = rem_energies(int(n), samples, 1.0, seed)  # [samples, n]
        allowed = torch.ones(1, int(n), dtype=torch.bool)
        c = row_heat_capacity(-e, allowed, b).mean(0).numpy()  # [K]
        widths.append(float(peak_fwhm(b, c[None])[0]))
    fit = rounding_exponent(list(sizes), widths)
    return {"sizes": list(sizes), "widths": widths, "fit": fit, "samples": samples}
