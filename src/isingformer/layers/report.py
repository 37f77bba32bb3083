"""Figures, report section and main-job section of the layer analysis.

Every function takes result dicts of :func:`isingformer.layers.study.layers_study`
(one per model), so stored results can be re-plotted without recomputing.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from isingformer.report import Report, Section, Table, figure, tidy_log_axis

__all__ = ["layers_figures", "layers_job", "layers_section", "write_layers_report"]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _nan(x):
    return np.asarray([math.nan if v is None else v for v in x], dtype=np.float64)


def _star(r: dict) -> float | None:
    """Median over layers and heads of analyze's β*, in units of β_model."""
    s = r["j_eff"].get("beta_star_median")
    if not s:
        return None
    v = _nan(s)
    v = v[np.isfinite(v)]
    return float(np.median(v) / r["beta_model"]) if v.size else None


def _mark(ax, r: dict, color) -> None:
    ax.axvline(1.0, color=color, ls=":", lw=1)
    st = _star(r)
    if st is not None:
        ax.axvline(st, color=color, ls="--", lw=0.8)


def layers_figures(results: list[dict]):
    """Commutator heat maps, error vs β, Trotter error vs n, rollout, J_eff flow."""
    plt = _plt()
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    figs = []

    k = len(results)
    ncol = min(k, 2)  # a row of four panels shrinks to unreadable on the page
    nrow = math.ceil(k / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.6 * ncol, 3.6 * nrow), squeeze=False)
    for ax in axes.flat[k:]:
        ax.axis("off")
    for ax, r in zip(axes.flat, results, strict=False):
        C = np.log10(np.maximum(np.asarray(r["commutators"], dtype=np.float64), 1e-300))
        C[np.eye(len(C), dtype=bool)] = np.nan
        im = ax.imshow(C, cmap="viridis")
        ax.set_xticks(range(len(C)))  # layers are whole numbers
        ax.set_yticks(range(len(C)))
        if len(C) <= 8:  # each cell's value: with 2 layers there is one, and no colour scale
            for (i, j), v in np.ndenumerate(C):
                if np.isfinite(v):
                    dark = im.norm(v) > 0.6  # black on the bright end of viridis
                    ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                            color="k" if dark else "w")  # fmt: skip
        ax.set_title(r["model"], fontsize=8)
        ax.set_xlabel("layer l'")
        ax.set_ylabel("layer l")
        fig.colorbar(im, ax=ax, label="log10 ‖[H⁽ˡ⁾, H⁽ˡ'⁾]‖₂")
    fig.tight_layout()
    figs.append(
        figure(
            fig,
            "Commutator norms between layer Hamiltonians (symmetric part), log10 of the median "
            "over the passages of each model (n = "
            + ", ".join(f"{r.get('n_passages', '?')}" for r in results)
            + "); cells with up to 8 layers show their value.",
        )
    )

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4))
    for i, r in enumerate(results):
        c = colors[i % len(colors)]
        x = np.asarray([e["beta"] for e in r["errors"]]) / r["beta_model"]
        med = _nan([e["product_vs_sum_log10"]["median"] for e in r["errors"]])
        lo = _nan([e["product_vs_sum_log10"]["q25"] for e in r["errors"]])
        hi = _nan([e["product_vs_sum_log10"]["q75"] for e in r["errors"]])
        a1.plot(x, med, "-", color=c, label=r["model"])
        a1.fill_between(x, lo, hi, color=c, alpha=0.2)
        bch = _nan([e["bch2_rel"] for e in r["errors"]])
        lab = "BCH 2nd order (dashed)" if i == 0 else None
        a1.plot(x, np.log10(np.maximum(bch, 1e-300)), "--", color=c, lw=1, label=lab)
        _mark(a1, r, c)
        shape = _nan([e["product_vs_sum_shape"] for e in r["errors"]])
        a2.plot(x, shape, "-", color=c, label=r["model"])
        _mark(a2, r, c)
    a1.axhline(-1.0, color="k", lw=0.6)
    a1.set_xscale("log")
    at_model = [r["at_model"]["log10_product_vs_sum"] for r in results]
    top = max([1.0] + [v for v in at_model if v is not None and math.isfinite(v)])
    a1.set_ylim(-8, 1.5 * top)  # up to just past the models' own β
    a1.set_xlabel("β / β_model")
    a1.set_ylabel("log10 relative error (norm)\nof ∏e^(−βH⁽ˡ⁾) vs e^(−βΣH⁽ˡ⁾)")
    a1.legend(fontsize=7)
    a2.set_xscale("log")
    a2.set_xlabel("β / β_model")
    a2.set_ylabel("‖P/‖P‖ − S/‖S‖‖₂ (shape error, ≤ 2)")
    fig.suptitle("Operator reading: product of layer Boltzmann operators vs one exponential")
    fig.tight_layout()
    figs.append(
        figure(
            fig,
            "Relative error of the product against the summed exponential (median, quartile band "
            "over passages) and its second-order BCH prediction; right: the error once both are "
            "normalized. Dotted: the model's own β; dashed vertical: median β* of its heads "
            "(analyze); horizontal: 10 %.",
        )
    )

    fig, ax = plt.subplots(figsize=(11, 4.2))
    for i, r in enumerate(results):
        c = colors[i % len(colors)]
        t = r["trotter"]
        for j, b in enumerate(t["betas"]):
            ls = "-" if j == 0 else "-."
            lab = f"{r['model']}, β = {b / r['beta_model']:.3g} β_model"
            ax.plot(t["ns"], _nan(t["log10_error"][j]), ls, marker="o", ms=3, color=c, label=lab)
            ax.plot(t["ns"], _nan(t["log10_bound"][j]), ":", color=c, lw=1)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("Trotter number n")
    ax.set_ylabel("log10 relative error (norm)\nof (∏e^(−βH⁽ˡ⁾/n))ⁿ vs e^(−βΣH⁽ˡ⁾)")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))  # off the lines
    ax.set_title("Trotter products: measured (solid) and first-order bound (dotted)")
    fig.tight_layout()
    figs.append(
        figure(
            fig,
            "The Trotter product approaches e^(−βΣH) like 1/n only once β‖H‖/n is small; "
            "n = 1 is the plain product of eq. 8, which does not depend on n.",
        )
    )

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4))
    for i, r in enumerate(results):
        c = colors[i % len(colors)]
        x = np.asarray([e["beta"] for e in r["errors"]]) / r["beta_model"]
        a1.plot(x, _nan([e["rollout_tv"] for e in r["errors"]]), "-", color=c, label=r["model"])
        a1.plot(x, _nan([e["rollout_tv_heads"] for e in r["errors"]]), "--", color=c, lw=1)
        a1.plot(x, _nan([e["rollout_tv_residual"] for e in r["errors"]]), ":", color=c, lw=1)
        _mark(a1, r, c)
        d = r["at_model"]["rollout_tv_by_depth"]
        a2.plot(range(1, len(d) + 1), d, "o-", color=c, label=r["model"])
    a1.set_xscale("log")
    a1.set_xlabel("β / β_model")
    a1.set_ylabel("mean TV per row")
    a1.set_title("rollout vs softmax(β Σ S): head-summed (solid), model heads (--), residual (:)")
    a1.title.set_fontsize(8)
    a1.legend(fontsize=7)
    a2.set_xlabel("depth d")
    a2.set_ylabel("TV at β_model (head-summed)")
    a2.legend(fontsize=7)
    fig.tight_layout()
    figs.append(
        figure(
            fig,
            "Attention reading: total variation per row between the attention rollout "
            "A⁽ᵈ⁾…A⁽¹⁾ and the one-model softmax of the summed logits, against β and depth.",
        )
    )

    fig, ax = plt.subplots(figsize=(8.4, 4.2))
    for i, r in enumerate(results):
        c = colors[i % len(colors)]
        j = r["j_eff"]
        layers = np.arange(r["n_layers"])
        ax.plot(layers, j["heads_median"], "o-", color=c, label=r["model"])
        ax.plot(layers, j["layer_sum"], "s--", color=c, lw=1)
        if j.get("beta_over_beta_star"):
            ax.plot(layers, _nan(j["beta_over_beta_star"]), "^:", color=c, lw=1)
    ax.axhline(1.0, color="k", lw=0.6)
    ax.set_yscale("log")
    tidy_log_axis(ax.yaxis)
    ax.set_xlabel("layer")
    ax.set_ylabel("J_eff = β σ / sqrt(2 ln N)   (1 = REM freezing)")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_title("Coupling flow: heads (o, median), head-summed layer (s), β/β* (^)", fontsize=9)
    fig.tight_layout()
    figs.append(
        figure(
            fig,
            "Per-layer effective coupling in units of the REM freezing point; β/β*: the "
            "model's β over the measured heat-capacity peak (median over heads).",
        )
    )
    return figs


def _table(results: list[dict]) -> Table:
    rows = []
    for r in results:
        a = r["assumptions"]
        v = a["beta_valid"]
        rows.append(
            [
                r["model"],
                r["n_passages"],
                r["epsilon"]["median"],
                a["epsilon_over_2m2"]["median"],
                a["norm_max"]["median"],
                r["a3_product"],
                r["at_model"]["log10_product_vs_sum"],
                "none" if v is None else v / r["beta_model"],
                r["at_model"]["rollout_tv"],
                r["at_model"]["rollout_tv_heads"],
            ]
        )
    return Table(
        [
            "model",
            "passages",
            "ε (median)",
            "ε/2M²",
            "M",
            "β·M·L",
            "log10 rel. error at β_model",
            "valid up to β/β_model",
            "rollout TV (summed)",
            "rollout TV (heads)",
        ],
        rows,
        "Per model (medians over passages): A1 commutator ε, A2 norm M, A3 product β·M·L at "
        "the model's own β, the product-vs-sum error there, the largest β where it stays "
        "below 10 %, and the attention-reading distance.",
    )


def _summary(results: list[dict]) -> str:
    out = []
    for r in results:
        t = r["trotter"]
        v = r["verdict"]
        n1, nN = t["log10_error"][0][0], t["log10_error"][0][-1]
        c = t["c_fit"].get("log10_c_range") or [math.nan, math.nan]
        c1 = t["eq12_at_n1"]["log10_c_range"]
        out.append(
            f"**{r['model']}** ({r['n_layers']} layers, {r['n_passages']} passages of "
            f"{r['n_tokens']:.0f} tokens, β_model = {r['beta_model']:.4g}). A1 {v['a1']}. "
            f"A2 {v['a2']}. A3 {v['a3']}. H_eff {v['h_eff']}. At β_model the Trotter product "
            f"goes from 10^{n1:.3g} (n = 1) to 10^{nN:.3g} (n = {t['ns'][-1]}). "
            f"Fitting eq. 12's form C β²L²ε/n needs log10 C from {c[0]:.3g} to {c[1]:.3g} "
            f"over β and n ≥ 8 (from {c1[0]:.3g} to {c1[1]:.3g} for the plain product over "
            "the β grid): no single C describes the data. "
            f"J_eff flow: {r['j_eff']['fixed_point']}."
        )
    return "\n\n".join(out)


def layers_section(results: list[dict]) -> Section:
    """Report section for one or more models' layer analyses."""
    text = (
        "Seed 000 §4 claims that the L attention layers compose into one Ising model, "
        "∏_l e^(−βH⁽ˡ⁾) ≈ e^(−βΣ_l H⁽ˡ⁾) (eq. 9), with an error ≤ Cβ²L²ε/n (eq. 12) under "
        "weak non-commutativity (A1, ‖[H⁽ˡ⁾,H⁽ˡ'⁾]‖ ≤ ε), bounded norms (A2, ‖H⁽ˡ⁾‖ ≤ M) "
        "and a small uniform β (A3), and that the two sides are *equal* as n → ∞ (eq. 13). "
        "Here H⁽ˡ⁾ = Σ_h E⁽ˡ'ʰ⁾ with E_ij = −q_i·k_j, the energies the phase map uses (for a "
        "model with soft-capping or a position bias: its own logits over −β_model), one "
        "N x N matrix per layer and passage. **Operator reading** (eq. 7–13): the symmetric "
        "part of H⁽ˡ⁾ as an operator on position space, Boltzmann operators as matrix "
        "exponentials (the raw non-symmetric matrices are measured too). **Attention "
        "reading** (eq. 15, 20): row softmaxes softmax(βS⁽ˡ⁾), S = −H, composed as an "
        "attention rollout, against the summed-logit softmax.\n\n"
        "**What eq. 13 gets wrong.** Trotter's formula is a statement about "
        "(∏_l e^(−βH⁽ˡ⁾/n))ⁿ, which does tend to e^(−βΣH) like 1/n. The product of eq. 8 is "
        "the n = 1 member of that family: it does not depend on n, and its distance to "
        "e^(−βΣH) is whatever the commutators make it, at every n. The Trotter figure shows "
        "both. The relative error is invariant under shifting any H⁽ˡ⁾ by a multiple of the "
        "identity, so it is the meaningful measure; the absolute error of eq. 12 is not.\n\n"
        + _summary(results)
    )
    return Section(
        "Layer Hamiltonians: commutators, Trotter error, one large Ising model?",
        text,
        layers_figures(results),
        [_table(results)],
        data={"models": [r["model"] for r in results]},
    )


def write_layers_report(results: list[dict], out: Path) -> Path:
    """Write ``report.html``/``report.md`` of the layer analyses into ``out``."""
    config = {"models": [r["model"] for r in results], **results[0].get("config", {})}
    return Report(
        "Layer Hamiltonians and the Trotter error", config, [layers_section(results)]
    ).write(Path(out))


def _job_checkpoints(ctx) -> list[Path]:
    """GPT checkpoints the main job's ``lm`` section trained (if it ran first)."""
    root = Path(ctx.out) / "lm_runs"
    return sorted(root.glob(f"*seed{ctx.seed}/checkpoint.pt")) if root.is_dir() else []


def layers_job(ctx) -> Section:
    """Main-job section: MiniLM against its random-init control, and the GPTs
    of the ``lm`` section when that section ran before this one."""
    from isingformer.layers.study import layers_study

    n, tokens = (4, 64) if ctx.quick else (16, 128)
    common = dict(n_texts=n, max_tokens=tokens, seed=ctx.seed, device=ctx.device, store=ctx.store)
    results = [layers_study(**common), layers_study(random_init=True, **common)]
    for ck in _job_checkpoints(ctx)[:2]:
        results.append(layers_study(checkpoint=str(ck), **common))
    return layers_section(results)
