"""Figures and the report section of the Ising engine (main job: a short T_c study)."""

from __future__ import annotations

import numpy as np

_T_LABEL = "temperature T (units of J/k_B)"


def _error_bars(study: dict) -> str:
    """What the error bars of the Monte Carlo curves are (n and method)."""
    return (
        "error bars: one-sigma blocked jackknife of one Monte Carlo run per point "
        f"({study['sweeps']} {study['algorithm']} sweeps)"
    )


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def binder_figure(study: dict):
    """Binder cumulant U_L(T) per size, with the estimated and exact T_c."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 4))
    T = np.asarray(study["temperatures"])
    for L, u, du in zip(
        study["sizes"], study["curves"]["binder"], study["curves"]["binder_err"], strict=True
    ):
        ax.errorbar(T, u, du, marker="o", ms=3, capsize=2, label=f"L = {L}")
    ax.axvline(study["exact_tc"], color="k", ls="--", lw=1, label="exact T_c")
    ax.axvspan(
        study["tc"] - study["tc_err"],
        study["tc"] + study["tc_err"],
        color="C3",
        alpha=0.2,
        label="crossing estimate",
    )
    ax.set_xlabel(_T_LABEL)
    ax.set_ylabel("Binder cumulant U")
    ax.legend(fontsize=8)
    return fig


def specific_heat_figure(study: dict):
    """Monte Carlo C(T) per size against the exact Kaufman curves (2D only)."""
    from isingformer.physics.ising.kaufman import torus_specific_heat
    from isingformer.physics.ising.onsager import specific_heat

    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 4))
    T = np.asarray(study["temperatures"])
    fine = np.linspace(T.min(), T.max(), 801)  # the exact curves resolve their peaks
    top = 0.0  # the highest MC point or finite-torus curve: the L = ∞ curve diverges at T_c
    for i, (L, c, dc) in enumerate(
        zip(
            study["sizes"],
            study["curves"]["specific_heat"],
            study["curves"]["specific_heat_err"],
            strict=True,
        )
    ):
        ax.errorbar(T, c, dc, fmt="o", ms=3, capsize=2, color=f"C{i}", label=f"MC L = {L}")
        top = max(top, float(np.nanmax(np.asarray(c, float) + np.asarray(dc, float))))
        if study["dim"] == 2:
            ex = torus_specific_heat(L, L, fine)
            ax.plot(fine, ex, color=f"C{i}", lw=1)
            top = max(top, float(ex.max()))
    if study["dim"] == 2:
        ax.plot(fine, specific_heat(fine), "k--", lw=1, label="Onsager (L = ∞)")
        ax.set_ylim(bottom=0, top=1.1 * top)  # the L = ∞ curve leaves the top at T_c
    ax.set_xlabel(_T_LABEL)
    ax.set_ylabel("specific heat per spin C/N (units of k_B)")
    ax.legend(fontsize=8)
    return fig


def tfim_figure(result: dict):
    """d^2 e_0 / dg^2 of the transverse-field chain for growing N."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 4))
    g = np.asarray(result["fields"])
    for row in result["sizes"]:
        ax.plot(g, row["d2e0_dg2"], lw=1, label=f"N = {row['size']}")
    inf = np.asarray(result["infinite"]["d2e0_dg2"], dtype=float)
    ax.plot(g, np.where(np.isfinite(inf), inf, np.nan), "k--", lw=1, label="N = ∞")
    ax.axvline(1.0, color="gray", lw=0.8)
    ax.set_xlabel("transverse field g / J")
    ax.set_ylabel(r"$d^2 e_0/dg^2$ (e$_0$: ground-state energy per site / J)")
    ax.set_ylim(
        bottom=max(np.nanmin(inf[np.isfinite(inf)]) * 1.8, -4) if np.isfinite(inf).any() else None
    )
    ax.legend(fontsize=8)
    return fig


_TFIM_CAPTION = (
    "Transverse-field Ising chain (exact free-fermion solution): the second "
    "derivative of the ground-state energy per site e_0 with respect to the field g, one "
    "curve per chain length N and the N = ∞ limit (dashed); it sharpens into a log "
    "singularity at g_c = 1 (grey line)."
)


def tfim_section(result: dict):
    """Report section of a :func:`tfim_study` result (``ising tfim --out``; the main job's
    part): the quantum transition in words, the curves, the peak per size."""
    from isingformer.report import Section, Table, figure

    text = (
        "Quantum phase transition (seed 000, remark 6): the ground-state energy of the "
        "transverse-field Ising chain is analytic for every finite N, but its second "
        "derivative develops a peak at g → 1 that grows like ln N (exact free-fermion "
        "solution, checked against exact diagonalization)."
    )
    rows = [[r["size"], r["d2_peak_g"], r["d2_peak"]] for r in result["sizes"]]
    table = Table(
        ["N", "g at the extremum", "d²e_0/dg² there"],
        rows,
        "Extremum of d²e_0/dg² per chain length (on the g grid).",
    )
    return Section(
        "Transverse-field Ising chain", text, [figure(tfim_figure(result), _TFIM_CAPTION)], [table]
    )


def _table(study: dict):
    from isingformer.report import Table

    rows = [
        ["T_c", study["tc"], study["tc_err"], study["exact_tc"]],
        ["nu", study["nu"], study["nu_err"], study["exact_nu"]],
        [
            "gamma/nu",
            study["gamma_over_nu"],
            study["gamma_over_nu_err"],
            study["exact_gamma_over_nu"],
        ],
        [
            "rounding-width exponent 1/(d nu)",
            study["width_exponent"],
            study["width_exponent_err"],
            study["exact_width_exponent"],
        ],
    ]
    return Table(
        ["quantity", "estimate", "error", "exact"],
        rows,
        "Finite-size scaling estimates (errors: standard deviation over "
        f"{study.get('n_boot', '?')} parametric-bootstrap resamples of the whole analysis).",
    )


def tc_section(study: dict, tfim: dict | None = None):
    """A report section for a T_c study (and optionally the TFIM curves)."""
    from isingformer.report import Section, figure

    z = (study["tc"] - study["exact_tc"]) / max(study["tc_err"], 1e-12)
    text = (
        f"Monte Carlo ({study['algorithm']}, {study['sweeps']} sweeps per point) on "
        f"{study['dim']}D periodic lattices of sides {', '.join(map(str, study['sizes']))}. "
        f"From the Binder cumulants ({study.get('tc_method', 'pair crossings')}): "
        f"T_c = {study['tc']:.4f} ± {study['tc_err']:.4f} (statistical "
        f"{study.get('tc_stat_err', study['tc_err']):.4f}, systematic "
        f"{study.get('tc_syst_err', 0.0):.4f} from varying ω), "
        f"{z:+.1f} errors from the exact {study['exact_tc']:.4f}. "
        f"From a scaling collapse of U and χ at T_c: ν = {study['nu']:.3f} ± "
        f"{study['nu_err']:.3f}, γ/ν = {study['gamma_over_nu']:.3f} ± "
        f"{study['gamma_over_nu_err']:.3f}. The rounding width of the transition then shrinks "
        f"as N^-x with x = 1/(d ν) = {study['width_exponent']:.3f} ± "
        f"{study['width_exponent_err']:.3f} (expected {study['exact_width_exponent']:.3f}, "
        "seed 000 section 5; not an independent check). One seed: see the README for the "
        "seed-averaged values."
    )
    figs = [
        figure(
            binder_figure(study),
            f"Binder cumulant vs T for each size; {_error_bars(study)}. Shaded: the crossing "
            f"estimate T_c ± one standard deviation over {study.get('n_boot', '?')} "
            "parametric-bootstrap resamples; dashed: the exact T_c.",
        )
    ]
    exact = (
        " vs the exact finite-torus curves of the same sizes (Kaufman, solid) and the "
        "infinite lattice (Onsager, dashed; it diverges at T_c)"
        if study["dim"] == 2
        else ""
    )
    figs.append(
        figure(
            specific_heat_figure(study),
            f"Specific heat: Monte Carlo points{exact}; {_error_bars(study)}.",
        )
    )
    if tfim is not None:
        tf = tfim_section(tfim)
        figs += tf.figures
        text += "\n\n" + tf.text
    return Section(
        "Ising engine: T_c by finite-size scaling",
        text,
        figures=figs,
        tables=[_table(study)],
        data={"tc": study["tc"], "tc_err": study["tc_err"]},
    )


def ising_job_section(ctx):
    """Main-job section: a short 2D T_c study (+ TFIM curves), stored in ``ctx.store``."""
    from isingformer.physics.ising.study import tc_study, tfim_study

    sizes = [16, 32, 64] if ctx.quick else [16, 32, 64, 128]
    sweeps = 4000 if ctx.quick else 40000
    study = tc_study(
        sizes,
        dim=2,
        sweeps=sweeps,
        algorithm="wolff",
        seed=ctx.seed,
        store=ctx.store,
        executor="process",
        progress=False,
    )
    tf = tfim_study([8, 16, 32, 64, 128, 256], np.linspace(0.5, 1.5, 101), ed_max=10)
    return tc_section(study, tf)
