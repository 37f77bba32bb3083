"""Figures and the main-job report section of the Hopfield part: classical
capacity (:func:`capacity_figure`) and modern Hopfield regimes
(:func:`modern_figure`)."""

from __future__ import annotations

import numpy as np

from isingformer.physics.hopfield.classical import ALPHA_C
from isingformer.physics.hopfield.modern import REGIMES
from isingformer.report.axes import tidy_log_axis

__all__ = ["capacity_figure", "hopfield_section", "modern_figure"]  # + the command sections


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def capacity_figure(result: dict):
    """Mean overlap and P(retrieval) vs α per N (a :func:`capacity_study` result)."""
    plt = _plt()

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for c in result["curves"]:
        ax1.plot(c["alpha"], c["overlap"], "o-", ms=3, label=f"N = {c['size']}")
        if "p_ci" in c:  # Wilson 95 % intervals (asymmetric)
            p = np.asarray(c["p_retrieval"], dtype=float)
            ci = np.asarray(c["p_ci"], dtype=float).reshape(-1, 2)
            yerr = np.clip([p - ci[:, 0], ci[:, 1] - p], 0.0, None)
        else:  # curves without intervals: the binomial standard error
            yerr = c["p_err"]
        ax2.errorbar(
            c["alpha"], c["p_retrieval"], yerr=yerr, fmt="o-", ms=3, label=f"N = {c['size']}"
        )
    if result.get("alpha_c") is not None:
        ax2.axvspan(
            result["alpha_c"] - result["alpha_c_err"],
            result["alpha_c"] + result["alpha_c_err"],
            color="C3",
            alpha=0.15,
            label="extrapolated α_c ± error",
        )
    for ax in (ax1, ax2):  # the legend after every labelled artist, the band included
        ax.axvline(ALPHA_C, color="k", ls="--", lw=1)
        ax.set_xlabel("α = P/N")
        # below the panel: inside, it would sit on the curves, the α_c line or its band
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2)
    ax1.set_ylabel("mean final overlap m")
    ax2.set_ylabel(f"P(m > {result.get('threshold', 0.9)})")
    ax1.set_title("Hopfield retrieval overlap (dashed: α_c = 0.138)")
    bars = "Wilson 95 %" if all("p_ci" in c for c in result["curves"]) else "binomial s.e."
    ax2.set_title(f"retrieval probability (bars: {bars}, {result['trials']} trials)")
    fig.tight_layout()
    return fig


def modern_figure(result: dict):
    """Regime fractions and ensemble-core curves vs β (a :func:`modern_study` result)."""
    plt = _plt()

    b = np.asarray(result["betas"])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for name in REGIMES:
        ax1.plot(b, result["fractions"][name], "o-", ms=3, label=name)
    sep = result["separation_beta"]
    if sep["median"] is not None:
        ax1.axvspan(
            sep["min"], sep["max"], color="gray", alpha=0.2, label="separation bound (sufficient)"
        )
    ax1.set_xscale("log")
    ax1.set_xlabel("β")
    ax1.set_ylabel("fraction of starts")
    ax1.set_title("fixed-point regimes")
    # below the panel: inside it would hide the regime changes, which span the whole height
    ax1.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    ax2.plot(b, result["effective_states"], "o-", ms=3, label="e^S at the fixed point")
    ax2.plot(
        b, np.exp(result["query_entropy"]), "--", label="e^S of the start query's attention row"
    )
    ax2.plot(b, result["n_fixed_points"], ":", label="distinct fixed points")
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    tidy_log_axis(ax2.yaxis)  # 1 2 5 10 20 patterns, not only 10⁰ and 10¹
    ax2.set_xlabel("β")
    ax2.set_ylabel("number of patterns")
    ax2.set_title("effective number of attended patterns")
    ax2.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2))  # off the lines
    fig.tight_layout()
    return fig


def hopfield_section(ctx):
    """Main-job section: classical Hopfield capacity and modern Hopfield
    regimes. ``ctx.quick`` keeps it to well under a minute on two cores."""
    from isingformer.physics.hopfield.classical import capacity_study
    from isingformer.physics.hopfield.modern import modern_study
    from isingformer.report import Section

    quick = ctx.quick
    cap = capacity_study(
        [500, 1000, 2000] if quick else [500, 1000, 2000, 4000],
        np.linspace(0.08, 0.22, 15),
        trials=40 if quick else 200,
        seed=ctx.seed,
        store=ctx.store,
        executor="serial",
        progress=False,
    )
    mod = modern_study(seed=ctx.seed)
    cap_sec, mod_sec = capacity_section(cap), modern_section(mod)
    return Section(
        "Hopfield networks",
        f"{cap_sec.text} {mod_sec.text}",
        figures=[*cap_sec.figures, *mod_sec.figures],
    )


def capacity_section(cap: dict):
    """Report section of a :func:`capacity_study` result (``hopfield capacity --out``; the
    main job's part)."""
    from isingformer.report import Section, figure

    a_c = cap.get("alpha_c")
    a_txt = (
        f"α_c = {a_c:.4f} ± {cap['alpha_c_err']:.4f} (theory 0.138), from α_50(N) = α_c + "
        f"A N^(−{cap.get('exponent', 0.5):g}) with a systematic error from exponents 1/3..1"
        if a_c is not None
        else f"α_c not estimated: {cap.get('alpha_c_note')}"
    )
    temp = cap.get("temperature", 0.0)
    dynamics = "zero-T" if not temp else f"T = {temp:g}"
    text = (
        f"Hopfield capacity ({dynamics} asynchronous dynamics from a stored pattern, retrieval "
        f"= m > {cap.get('threshold', 0.9):g}): {a_txt}."
    )
    caption = (
        f"Hopfield retrieval vs load α = P/N; {cap['trials']} trials per point, bars: "
        "Wilson 95 % intervals over the trials; dashed: α_c = 0.138 (theory)."
    )
    return Section("Hopfield capacity", text, [figure(capacity_figure(cap), caption)])


def modern_section(mod: dict):
    """Report section of a :func:`modern_study` result (``hopfield modern --out``; the main
    job's part)."""
    from isingformer.report import Section, figure

    reg = "; ".join(
        f"{r['regime']} β ∈ [{r['beta_min']:.4g}, {r['beta_max']:.4g}]" for r in mod["regimes"]
    )
    sep = mod["separation_beta"]["median"]
    retrieval = mod.get("retrieval_beta")
    if retrieval is not None and not np.isfinite(retrieval):  # NaN: never all retrieved
        retrieval = None
    found = (
        f"every pattern retrieved from β = {retrieval:.3g}"
        if retrieval is not None
        else "not every pattern retrieved on this β grid"
    )
    bound = (
        f", {'below' if retrieval is not None and retrieval < sep else 'not below'} the "
        f"sufficient separation bound (median {sep:.3g})"
        if sep is not None
        else ""
    )
    text = (
        f"Modern Hopfield (ξ ← X softmax(β Xᵀξ), {mod['n_patterns']} patterns in "
        f"{mod['n_clusters']} clusters): {reg}; {found}{bound}."
    )
    caption = (
        f"Modern Hopfield vs β (d = {mod['dim']}, {mod['n_patterns']} patterns in "
        f"{mod['n_clusters']} clusters, one pattern draw, seed {mod['seed']}). Left: the "
        f"fraction of the {mod['n_patterns']} starts (each pattern plus noise "
        f"{mod['noise']:g}) whose fixed point is in each regime; shaded: the range over "
        "patterns of the sufficient separation bound. Right: e^S of the attention row "
        "(mean over the starts) at the fixed point and at the start, and the number of "
        "distinct fixed points."
    )
    return Section("Modern Hopfield regimes", text, [figure(modern_figure(mod), caption)])
