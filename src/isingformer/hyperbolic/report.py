"""The ``hyperbolic`` report section: loss vs β per κ, β_opt and β* against
sqrt|κ| and λ on log axes with the fitted slopes and the conjecture's, the
cell table, and the verdicts. Also the main job's short version."""

from __future__ import annotations

import math

from isingformer.report import Section, Table, figure, tidy_log_axis

__all__ = [
    "JOB_EXECUTOR",
    "JOB_GRID",
    "JOB_SEEDS",
    "JOB_STEPS",
    "conjecture_section",
    "hyperbolic_job_section",
]

# main job: the smallest grid that still gives a fit (5 κ x 2 λ = 10 cells)
JOB_GRID = dict(
    curvatures=[-0.1, -0.3, -1.0, -3.0, -10.0],
    branchings=[2, 6],
    betas=[0.3, 1.0, 3.0, 10.0, 30.0],
)
JOB_STEPS = {True: 60, False: 200}  # quick, full
JOB_SEEDS = {True: 3, False: 5}
JOB_EXECUTOR = "process"


def _fmt_iv(d: dict) -> str:
    v, ci = d.get("value"), d.get("ci")
    if v is None or not math.isfinite(v):
        return "-"
    return f"{v:.3g}" + (f" [{ci[0]:.3g}, {ci[1]:.3g}]" if ci else f" (n = {d.get('n')})")


def _fit_text(name: str, fit: dict | None, verdict: str) -> str:
    if fit is None:
        return f"**{name}**: too few cells for a fit (need 5 with an interior minimum): {verdict}."
    return (
        f"**{name}**: p = {fit['p']:.2f} (95 % t-CI {fit['p_ci'][0]:.2f} to {fit['p_ci'][1]:.2f}), "
        f"q = {fit['q']:.2f} ({fit['q_ci'][0]:.2f} to {fit['q_ci'][1]:.2f}), "
        f"R² = {fit['r2']:.2f}, n = {fit['n']} cells; the conjecture says p = q = 1: "
        f"**{verdict}** at this scale."
    )


def _scaling_axes(ax, cells, key: str, fit: dict | None, x_of: str) -> None:
    import numpy as np

    for c in cells:
        v = c[key]["value"]
        if v is None or not math.isfinite(v):
            continue
        x = math.sqrt(abs(c["curvature"])) if x_of == "kappa" else c["lambda"]
        ci = c[key].get("ci")
        err = None if not ci else [[v - ci[0]], [ci[1] - v]]
        marker = "s" if c.get("at_edge") and key == "beta_opt" else "o"
        ax.errorbar([x], [v], yerr=err, fmt=marker, color="C0", ms=4, capsize=2)
    xs = np.array(
        sorted({math.sqrt(abs(c["curvature"])) if x_of == "kappa" else c["lambda"] for c in cells})
    )
    if fit is not None and len(xs) > 1:
        slope = fit["p"] if x_of == "kappa" else fit["q"]
        mid = float(np.exp(np.mean(np.log([c[key]["value"] for c in cells if c[key]["value"]]))))
        x0 = float(np.exp(np.mean(np.log(xs))))
        ax.plot(xs, mid * (xs / x0) ** (-slope), "C1-", label=f"fit: slope {-slope:.2f}")
        ax.plot(xs, mid * (xs / x0) ** (-1.0), "k--", label="conjecture: slope −1")
        ax.legend(fontsize=7)
    ax.set_xscale("log")
    ax.set_yscale("log")
    tidy_log_axis(ax.xaxis)
    tidy_log_axis(ax.yaxis)
    ax.set_xlabel("sqrt|κ|" if x_of == "kappa" else "λ (growth rate)")


def conjecture_section(
    result: dict, title: str = "Hyperbolic attention: β_opt vs κ and λ"
) -> Section:
    """A report section for a :func:`~isingformer.hyperbolic.run_conjecture` result."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells, betas, cfg = result["cells"], result["betas"], result["config"]
    lams = sorted({c["branching"] for c in cells})
    fig, axes = plt.subplots(1, len(lams), figsize=(3.6 * len(lams), 3.0), squeeze=False)
    for ax, b in zip(axes[0], lams, strict=True):
        for i, c in enumerate(x for x in cells if x["branching"] == b):
            ax.plot(
                betas, c["loss_mean"], "o-", ms=3, color=f"C{i}", label=f"κ = {c['curvature']:g}"
            )
        ax.set_xscale("log")
        tidy_log_axis(ax.xaxis)
        ax.set_xticks(betas, [f"{v:g}" for v in betas])  # the grid itself, not 10⁰ and 10¹
        ax.set_xlabel("β")
        ax.set_title(
            f"b = {b}, λ = {cells[[x['branching'] for x in cells].index(b)]['lambda']:.2f}"
        )
    for ax in axes[0]:  # each panel has its own y range
        ax.set_ylabel(f"val loss after {cfg['steps']} steps (mean of {cfg['n_seeds']} seeds)")
    fig.tight_layout()
    axes[0][0].legend(fontsize=7)
    f1 = figure(
        fig,
        f"Validation loss against β: the mean over the {cfg['n_seeds']} seeds (no interval "
        "drawn), one curve per curvature κ, one panel per tree.",
    )
    figs = [f1]
    for key, fit, name in (
        ("beta_opt", result["fit"], "β_opt"),
        ("beta_critical", result["fit_critical"], "β*"),
    ):
        fig, axes = plt.subplots(1, 2, figsize=(7.4, 3.0))
        _scaling_axes(axes[0], cells, key, fit, "kappa")
        _scaling_axes(axes[1], cells, key, fit, "lambda")
        axes[0].set_ylabel(name)
        axes[1].set_ylabel(name)
        fig.tight_layout()
        figs.append(
            figure(
                fig,
                f"{name} per cell (95 % t-CI over seeds where n ≥ 3; squares: minimum on the "
                "grid's edge, left out of the fit) against sqrt|κ| and λ, with the fitted "
                "slopes and the conjecture's slope −1.",
            )
        )
    rows = [
        [
            c["curvature"],
            c["branching"],
            round(c["lambda"], 3),
            _fmt_iv(c["beta_opt"]),
            "yes" if c["at_edge"] else "no",
            _fmt_iv(c["beta_critical"]),
        ]
        for c in cells
    ]
    table = Table(
        ["κ", "b", "λ", "β_opt (95 % t-CI)", "at grid edge", "β* (95 % t-CI)"],
        rows,
        f"One cell per (κ, tree); {cfg['n_seeds']} seeds, β grid {betas}.",
    )
    text = "\n\n".join(
        [
            "Seed 001 §6 conjectures β_opt ~ 1/(sqrt|κ| · λ) for attention A_ij ∝ exp(−β d_H). "
            f"A GPT ({cfg['model']['n_layer']} layer, width {cfg['model']['d_model']}) with "
            f"hyperbolic attention is trained {cfg['steps']} steps at each β on walks of random "
            f"trees of depth {cfg['depth']}; λ is the tree's measured growth rate; fit "
            "log β = a − p log sqrt|κ| − q log λ (OLS, Student-t intervals).",
            _fit_text("β_opt", result["fit"], result["verdict"]),
            _fit_text(
                "β* (heat-capacity peak)", result["fit_critical"], result["verdict_critical"]
            ),
            f"{result['n_interior']} of {len(cells)} cells have an interior minimum; a minimum "
            "on the grid's edge says only that β_opt lies beyond it.",
        ]
    )
    return Section(title, text, figures=figs, tables=[table])


def hyperbolic_job_section(ctx) -> Section:
    """``isingformer main-job`` section (``ctx``: :class:`isingformer.jobs.JobContext`)."""
    from isingformer.hyperbolic.conjecture import run_conjecture

    result = run_conjecture(
        **JOB_GRID,
        seeds=JOB_SEEDS[ctx.quick],
        seed=ctx.seed,
        steps=JOB_STEPS[ctx.quick],
        store=ctx.store,
        executor=JOB_EXECUTOR,
    )
    return conjecture_section(result, "Hyperbolic attention (short conjecture run)")
