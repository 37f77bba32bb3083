"""Figures and report section of the attention phase map."""

from __future__ import annotations

import math

import numpy as np

from isingformer.probe.phase import PHASES, PhaseMap
from isingformer.report import Section, Table, figure

__all__ = ["phase_map_figures", "phase_map_job", "phase_map_section", "phase_map_summary"]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def phase_map_figures(pm: PhaseMap):
    plt = _plt()
    L, H = pm.n_layers, pm.n_heads
    ncol = min(3, L)
    nrow = math.ceil(L / ncol)
    fig1, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.2 * nrow), squeeze=False)
    for layer in range(L):
        ax = axes[layer // ncol][layer % ncol]
        for h in (x for x in pm.heads if x.layer == layer and x.betas):
            ax.plot(np.asarray(h.betas) / h.beta_model, h.mean_heat_capacity, lw=1)
        ax.axvline(1.0, color="k", ls=":", lw=1)
        ax.set_xscale("log")
        ax.set_title(f"layer {layer}", fontsize=9)
        ax.set_xlabel("β / β_model")
        ax.set_ylabel("mean C(β)")
    for j in range(L, nrow * ncol):
        axes[j // ncol][j % ncol].axis("off")
    fig1.suptitle(f"{pm.model}: heat capacity of every head (dotted: the model's own β)")
    fig1.tight_layout()

    fig2, ax = plt.subplots(figsize=(0.55 * H + 2.5, 0.5 * L + 1.6))
    M = np.full((L, H), np.nan)
    for h in pm.heads:
        if math.isfinite(h.beta_peak) and h.beta_peak > 0:
            M[h.layer, h.head] = math.log2(h.beta_model / h.beta_peak)
    lim = max(1.0, float(np.nanmax(np.abs(M))) if np.isfinite(M).any() else 1.0)
    im = ax.imshow(M, cmap="coolwarm", vmin=-lim, vmax=lim, aspect="auto")
    letter = {"disordered": "D", "near-critical": "C", "ordered": "O"}
    for h in pm.heads:
        ax.text(h.head, h.layer, letter[h.phase], ha="center", va="center", fontsize=7)
    ax.set_xticks(range(H))
    ax.set_yticks(range(L))
    ax.set_xlabel("head")
    ax.set_ylabel("layer")
    fig2.colorbar(im, ax=ax, label="log2(β_model / β*)")
    ax.set_title("Phase map (D disordered, C near-critical, O ordered)")

    fig3, ax = plt.subplots(figsize=(6.4, 4.2))
    ns = [f["n_keys_mean"] for f in pm.finite_size]
    beta_model = pm.heads[0].beta_model
    for layer in range(L):
        y = [
            np.nanmean(np.where(np.isfinite(f["beta_peak"][layer]), f["beta_peak"][layer], np.nan))
            for f in pm.finite_size
        ]
        ax.plot(ns, np.asarray(y) / beta_model, "o-", label=f"layer {layer}: β*(N)")
    rem = [
        np.nanmean(np.where(np.isfinite(f["beta_c_rem"]), f["beta_c_rem"], np.nan))
        for f in pm.finite_size
    ]
    ax.plot(ns, np.asarray(rem) / beta_model, "k--", label="REM β_c(N) (mean over heads)")
    ax.axhline(1.0, color="k", ls=":", lw=1)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("N (keys per query)")
    ax.set_ylabel("β / β_model (mean over heads)")
    ax.set_title("Finite size: heat-capacity peak vs sequence length")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))  # off the lines
    n = getattr(pm, "n_texts", None)  # a PhaseMap has it; a re-plotted summary may not
    passages = "passages" if n is None else f"{n} passages"
    return [
        figure(
            fig1,
            "Heat capacity C(β) = β² Var(E) of each head: the mean over the query rows of "
            f"its {passages}, one line per head (no interval drawn; the table "
            "gives each peak's bootstrap error over the passages).",
        ),
        figure(
            fig2,
            "β_model/β* per layer and head, β* the peak of the head's mean C(β) over the "
            f"query rows of its {passages}: blue runs hotter than its peak, red "
            "colder.",
        ),
        figure(
            fig3,
            "Finite size: for texts truncated to N tokens, each head's β* (the peak of its "
            "row-averaged C(β)) averaged over the heads of a layer, against the REM freezing "
            "point sqrt(2 ln N)/σ averaged over all heads; both in units of β_model. No "
            "interval drawn (the table gives per-head errors at full length).",
        ),
    ]


def phase_map_summary(pm: PhaseMap) -> str:
    c = pm.counts()
    finite = [h for h in pm.heads if math.isfinite(h.beta_peak)]
    r_rem = np.array([h.beta_peak / h.beta_c_rem for h in finite if math.isfinite(h.beta_c_rem)])
    ratio = np.array([h.ratio for h in finite])
    fs = pm.finite_size
    trend = ""
    if len(fs) >= 2:
        first = np.nanmean(np.where(np.isfinite(fs[0]["beta_peak"]), fs[0]["beta_peak"], np.nan))
        last = np.nanmean(np.where(np.isfinite(fs[-1]["beta_peak"]), fs[-1]["beta_peak"], np.nan))
        trend = (
            f" From N = {fs[0]['n_keys_mean']:.0f} to {fs[-1]['n_keys_mean']:.0f} keys the mean "
            f"β* moves from {first:.3f} to {last:.3f} ({'up' if last > first else 'down'}), "
            "the direction the REM predicts for a freezing point that grows like sqrt(2 ln N)."
        )
    return (
        f"{pm.model}: {pm.n_layers} layers × {pm.n_heads} heads, {pm.n_texts} passages, "
        f"{pm.n_tokens} tokens. Of {len(pm.heads)} heads {c['disordered']} are disordered, "
        f"{c['near-critical']} near-critical and {c['ordered']} ordered at the model's own β "
        f"(median β_model/β* = {np.median(ratio):.2f}, range {ratio.min():.2f}–{ratio.max():.2f}). "
        f"The measured peaks sit at a median {np.median(r_rem):.2f} of the REM freezing point "
        f"sqrt(2 ln N)/σ of the same logit spread.{trend}"
    )


def _error_units(heads) -> str:
    """What the β* bootstrap resamples, in words: whole passages (their query
    rows share keys) from 3 passages on, else the query rows; none below 3 rows."""
    rows = "/".join(map(str, sorted({h.n_rows for h in heads})))
    passages = sorted({h.n_passages for h in heads})
    if passages and passages[0] >= 3:
        return (
            f"the head's {'/'.join(map(str, passages))} passages, whole (their {rows} query "
            "rows share keys)"
        )
    return f"the head's {rows} query rows (fewer than 3 passages; none below 3 rows)"


def phase_map_section(pm: PhaseMap) -> Section:
    rows = [
        [
            h.layer,
            h.head,
            h.beta_model,
            h.beta_peak,
            h.beta_peak_err,
            h.beta_c_rem,
            h.ratio,
            h.entropy_fraction,
            h.max_weight_at_model_beta,
            h.phase,
        ]
        for h in pm.heads
    ]
    table = Table(
        [
            "layer",
            "head",
            "β_model",
            "β*",
            "± err",
            "β_c REM",
            "β_model/β*",
            "S/ln N",
            "max weight",
            "phase",
        ],
        rows,
        "Per head: heat-capacity peak β* (error: standard deviation over "
        f"{pm.config.get('n_boot', '?')} bootstrap resamples of {_error_units(pm.heads)}), "
        "the REM "
        "freezing point of the head's logit spread, and the state at the model's own β.",
    )
    text = (
        "Each query row of each head is a Gibbs ensemble over the keys it sees, with energies "
        "E_ij = −q_i·k_j and the model's inverse temperature β_model (its own attention scale). "
        "β* is the peak of the row-averaged heat capacity C(β) = β² Var(E). "
        "**Rule:** a head is near-critical when β_model lies within a factor 1.25 of β* "
        "(widened by two standard errors), disordered (hot, attention spread out) below, "
        "ordered (cold, attention frozen on few keys) above.\n\n"
        + phase_map_summary(pm)
        + "\n\nThe heat-capacity peak of a finite softmax is a smooth maximum, not a "
        "singularity: these are finite-size crossovers, located with error bars, and the phase "
        "labels depend on the band chosen."
    )
    return Section(
        f"Attention phase map of {pm.model}",
        text,
        phase_map_figures(pm),
        [table],
        data={"counts": pm.counts(), "phases": list(PHASES)},
    )


def phase_map_job(ctx) -> Section:
    """Main-job section: phase map of the packaged MiniLM on Shakespeare."""
    from isingformer.probe.phase import analyze_attention

    pm = analyze_attention(
        n_texts=16 if ctx.quick else 32,
        max_tokens=128,
        max_rows=256 if ctx.quick else 512,
        n_boot=50 if ctx.quick else 200,
        seed=ctx.seed,
        device=ctx.device,
    )
    return phase_map_section(pm)
