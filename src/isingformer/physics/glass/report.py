"""Figures and the main-job report section of the spin-glass part (SK ground
states, P(q), Max-Cut annealing)."""

from __future__ import annotations

import math

import numpy as np

from isingformer.physics.glass.spinglass import PARISI_E_INF, RS_E_INF, overlap_study, sk_study

__all__ = ["glass_section", "overlap_figure", "sk_figure"]  # + the command sections below

# --------------------------------------------------------------------------
# figures and the main-job report section
# --------------------------------------------------------------------------


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def sk_figure(result: dict):
    """e_N against N^(−2/3) with the extrapolation (a :func:`sk_study` result)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    pts = result["points"]
    x = np.array([p["size"] for p in pts], dtype=float) ** (-2.0 / 3.0)
    ax.errorbar(
        x,
        [p["e0_mean"] for p in pts],
        yerr=[p["e0_err"] for p in pts],
        fmt="o",
        label="PT ground states (mean ± s.e. over samples)",
    )
    if math.isfinite(result.get("e_inf", float("nan"))):
        xx = np.linspace(0, x.max() * 1.05, 50)
        ax.plot(
            xx,
            result["e_inf"] + result["amplitude"] * xx,
            "-",
            label=f"fit: e_∞ = {result['e_inf']:.4f} ± {result['e_inf_err']:.4f}",
        )
    ax.axhline(PARISI_E_INF, color="k", ls="--", lw=1, label="Parisi −0.7632")
    ax.axhline(RS_E_INF, color="gray", ls=":", lw=1, label="replica symmetric −0.798")
    ax.set_xlabel("N^(−2/3)")
    ax.set_ylabel("ground-state energy per spin e_N")
    ax.set_title("SK ground-state energy: finite-size extrapolation")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def overlap_figure(result: dict):
    """P(q) per N with the replica-symmetric peaks ±q_RS (an :func:`overlap_study` result)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for c in result["curves"]:
        ax.stairs(c["density"], c["edges"], label=f"N = {c['size']}")
    for sign in (-1, 1):
        ax.axvline(sign * result["q_rs"], color="k", ls="--", lw=1)
    ax.set_xlabel("overlap q")
    ax.set_ylabel("P(q)")
    ax.set_title(
        f"SK overlap distribution at T = {result['temperature']} (dashed: RS δ-peaks at ±q_RS)"
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _per_size(sk: dict) -> str:
    """Disorder samples per size in words ("160 at N = 32, 57 at N = 128"), not a dict."""
    per = sk.get("samples_per_size")
    if not isinstance(per, dict):
        return str(sk["samples"])
    return ", ".join(f"{v} at N = {k}" for k, v in sorted(per.items(), key=lambda kv: int(kv[0])))


def sk_section(sk: dict):
    """Report section of a :func:`sk_study` result (``glass sk --out``; the main job's part)."""
    from isingformer.report import Section, Table, figure

    if math.isfinite(sk.get("e_inf", float("nan"))):
        fit = (
            f"extrapolated with e_N = e_∞ + A N^(−2/3): e_∞ = {sk['e_inf']:.4f} ± "
            f"{sk['e_inf_err']:.4f} (statistical {sk.get('e_inf_stat_err', sk['e_inf_err']):.4f}"
            f", systematic {sk.get('e_inf_syst_err', 0.0):.4f} from exponents 1/2 and 1 and "
            f"dropping the smallest size; disorder samples per size: {_per_size(sk)}) "
            f"against Parisi's −0.7632 (z = {sk['z_vs_parisi']:.2f}; RS would give −0.798)."
        )
    else:
        fit = (
            f"too few sizes to extrapolate to N → ∞ (disorder samples per size: {_per_size(sk)}); "
            "Parisi's limit is −0.7632, replica symmetry's −0.798."
        )
    text = (
        "SK ground states by parallel tempering (two independent chains per sample; both found "
        f"the same minimum in {np.mean([p['agree_fraction'] for p in sk['points']]):.0%} of "
        f"samples), {fit}"
    )
    rows = [
        [p["size"], p["samples"], f"{p['e0_mean']:.4f}", f"{p['e0_err']:.4f}",
         f"{p['agree_fraction']:.2f}"]
        for p in sk["points"]
    ]  # fmt: skip
    caption = (
        "SK ground-state energy per spin vs N^(−2/3) with the fit; error bars: standard "
        "error of the mean over the disorder samples (per size: "
        + ", ".join(f"n = {p['samples']} at N = {p['size']}" for p in sk["points"])
        + ")."
    )
    table = Table(
        ["N", "samples", "e_N", "err", "chains agree"],
        rows,
        "SK ground-state energies per spin: e_N is the mean over the disorder samples, "
        "err its standard error (std / √samples); chains agree: the fraction of samples "
        "whose two parallel-tempering chains found the same minimum.",
    )
    return Section("SK ground-state energy", text, [figure(sk_figure(sk), caption)], [table])


def overlap_section(ov: dict):
    """Report section of an :func:`overlap_study` result (``glass overlap --out``; the main
    job's part)."""
    from isingformer.report import Section, figure

    text = (
        f"P(q) at T = {ov['temperature']} from two real replicas (q_RS = {ov['q_rs']:.4f}): "
        "the weight at |q| < q_RS/2 is "
        + ", ".join(
            f"{c['weight_small']:.3f} ± {c['weight_small_err']:.3f} (N = {c['size']})"
            for c in ov["curves"]
        )
        + f" (± one-sigma standard error over the {_n_samples(ov)} disorder samples per "
        "size); replica symmetry would send it to 0 as N grows, RSB (Parisi) keeps it finite "
        "(at these small N a slow decrease alone does not discriminate)."
    )
    caption = (
        f"Overlap distribution P(q) of two real replicas at T = {ov['temperature']}, "
        f"pooled over the {_n_samples(ov)} disorder samples per N (symmetrised in q → −q); "
        "dashed: the replica-symmetric peaks ±q_RS."
    )
    return Section("SK overlap distribution", text, [figure(overlap_figure(ov), caption)])


def _n_samples(ov: dict) -> str:
    """``"n = 40"``: the disorder samples of an overlap study, in words."""
    return f"n = {ov['samples']}" if "samples" in ov else "(unrecorded number of)"


def glass_section(ctx):
    """Main-job section: SK ground states, P(q) and Max-Cut annealing vs
    greedy (the Hopfield part is :func:`isingformer.physics.hopfield.report.
    hopfield_section`). ``ctx.quick`` keeps it to under a minute on two cores."""
    from isingformer.physics.glass.annealing import compare_maxcut
    from isingformer.report import Section

    quick = ctx.quick
    common = {"store": ctx.store, "executor": "serial", "progress": False}
    sk = sk_study(
        [32, 64, 128, 256] if quick else [32, 64, 128, 256, 512],
        samples=20 if quick else 100,
        seed=ctx.seed,
        **common,
    )
    ov = overlap_study(
        [32, 64, 128] if quick else [32, 64, 128, 256],
        0.5,
        samples=10 if quick else 40,
        seed=ctx.seed,
        **common,
    )
    mc = compare_maxcut(60, 3, 10 if quick else 40, seed=ctx.seed)
    mc_text = (
        f"Max-Cut on {len(mc['sa_cuts'])} random 3-regular "
        f"graphs (60 nodes): mean cut of simulated annealing {mc['sa_mean']:.1f} vs greedy "
        f"descent {mc['greedy_mean']:.1f} on the same graphs (SA larger on {mc['sa_wins']} of "
        f"{len(mc['sa_cuts'])}" + (f", equal on {mc['ties']}" if "ties" in mc else "") + ")."
    )
    sk_sec, ov_sec = sk_section(sk), overlap_section(ov)
    return Section(
        "Spin glasses and annealing",
        f"{sk_sec.text} {ov_sec.text} {mc_text}",
        figures=[*sk_sec.figures, *ov_sec.figures],
        tables=sk_sec.tables,
    )
