"""Figures, report section and main-job section of the ICL study."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from isingformer.report import Report, Section, Table, figure, tidy_log_axis

__all__ = ["icl_figures", "icl_job_section", "icl_section", "write_sweep_report"]


def _k_axis(points: list[dict]) -> tuple[list[float], float]:
    """x positions: finite k as is, ∞ drawn at 4x the largest finite k."""
    finite = [p["tasks"] for p in points if p["tasks"] != "inf"]
    inf_x = 4.0 * max(finite)
    return [inf_x if p["tasks"] == "inf" else float(p["tasks"]) for p in points], inf_x


def _mean_err(points: list[dict], key: str) -> tuple[np.ndarray, np.ndarray]:
    mean, err = [], []
    for p in points:
        iv = p.get(key)
        if iv is None or iv.get("mean") is None:
            mean.append(np.nan)
            err.append(0.0)
            continue
        mean.append(iv["mean"])
        err.append(0.0 if iv.get("ci") is None else (iv["ci"][1] - iv["ci"][0]) / 2)
    return np.asarray(mean), np.asarray(err)


def icl_figures(result: dict) -> list:
    """OOD error vs k per d (theory, baselines, k*); distances to the Bayes
    baselines; P(q) across k (largest d)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from isingformer.icl.theory import theory_ood_error

    figs = []
    fig, ax = plt.subplots(figsize=(6.8, 4.4))
    for d, entry in result["dims"].items():
        pts = entry["points"]
        x, inf_x = _k_axis(pts)
        m, e = _mean_err(pts, "ood_error")
        (line,) = ax.plot([], [])
        c = line.get_color()
        ax.errorbar(x, m, yerr=e, fmt="o", color=c, ms=4, label=f"model, d = {d}")
        if result["model"] == "linear":
            ks = np.geomspace(min(x) / 2, inf_x / 4, 200)
            alpha = entry["context"] / int(d)
            th = [theory_ood_error(k / int(d), alpha, result["noise"]) for k in ks]
            ax.plot(ks, th, "-", color=c, lw=1, label=f"theory τ = ∞, d = {d}")
        rm, _ = _mean_err(pts, "ridge_ood_error")
        pm, _ = _mean_err(pts, "pool_ood_error")
        ax.plot(x, rm, ":", color=c, lw=1, label=f"ridge (Bayes, fresh tasks), d = {d}")
        ax.plot(x, pm, "--", color=c, lw=1, label=f"pool posterior, d = {d}")
        t = entry["threshold"]
        if t["value"] is not None:
            ax.axvline(t["value"], color=c, lw=0.8)
            if t["ci"]:
                ax.axvspan(t["ci"][0], t["ci"][1], color=c, alpha=0.12)
    ax.axhline(1 + result["noise"] ** 2, color="grey", lw=0.8, label="null predictor 1 + σ²")
    ax.set_xscale("log")
    tidy_log_axis(ax.xaxis)  # 1 2 5 10 20 …, not only 10⁰ and 10¹
    has_inf = any(p["tasks"] == "inf" for e in result["dims"].values() for p in e["points"])
    ax.set_xlabel("pretraining tasks k" + (" (rightmost point: k = ∞)" if has_inf else ""))
    if has_inf:  # the k = ∞ column gets the tick "∞", not the number it is drawn at
        inf_xs = sorted({_k_axis(e["points"])[1] for e in result["dims"].values()})
        lo, hi = ax.get_xlim()
        top = min(inf_xs) / 2.5  # keep 1-2-5 ticks clear of the ∞ column
        ticks = [m * 10.0**k for k in range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
                 for m in (1, 2, 5)]  # fmt: skip
        ticks = [t for t in ticks if lo <= t <= top]
        ax.set_xticks(ticks + inf_xs, [f"{t:g}" for t in ticks] + ["∞"] * len(inf_xs))
        ax.set_xlim(lo, hi)
    ax.set_ylabel("out-of-distribution error")
    ax.set_ylim(0, 1.6 * (1 + result["noise"] ** 2))
    ax.set_title(f"{result['model']} model: OOD error vs task diversity (vertical: k*)")
    ax.legend(fontsize=7, ncol=2)
    bars = f"bars: 95 % Student-t CIs over n = {result['n_seeds']} seeds (none below 3)"
    figs.append(figure(fig, f"OOD error vs k, {bars}; theory: τ = ∞; shaded: the interval of k*."))

    fig, ax = plt.subplots(figsize=(6.8, 4.2))
    for d, entry in result["dims"].items():
        pts = [p for p in entry["points"] if p["tasks"] != "inf"]
        x = [float(p["tasks"]) for p in pts]
        (line,) = ax.plot([], [])
        c = line.get_color()
        for key, style, name in (
            ("dist_to_ridge", "o-", "to ridge"),
            ("dist_to_pool", "s--", "to the pool posterior"),
        ):
            m, e = _mean_err(pts, key)
            ax.errorbar(x, m, yerr=e, fmt=style, color=c, ms=3, label=f"{name}, d = {d}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    tidy_log_axis(ax.xaxis)
    tidy_log_axis(ax.yaxis)  # a short log axis: plain 1-2-5 ticks, not 6×10⁻¹
    ax.set_xlabel("pretraining tasks k")
    ax.set_ylabel("mean squared distance of predictions (fresh tasks)")
    ax.set_title("Distance to the two Bayes baselines")
    ax.legend(fontsize=7)
    figs.append(
        figure(
            fig,
            f"Model predictions vs ridge and vs the pool posterior; {bars}; a bar whose lower "
            "end is ≤ 0 runs off the bottom of the log axis.",
        )
    )

    last = list(result["dims"].values())[-1]
    hist_pts = [p for p in last["points"] if p.get("overlap_hist")]
    if hist_pts:
        fig, ax = plt.subplots(figsize=(6.8, 4.2))
        for p in hist_pts:
            h = np.asarray(p["overlap_hist"], dtype=float)
            edges = np.linspace(-1, 1, h.size + 1)
            dens = h / (h.sum() * (edges[1] - edges[0]))
            k = "∞" if p["tasks"] == "inf" else p["tasks"]
            ax.stairs(dens, edges, label=f"k = {k}")
        ax.set_xlabel("replica overlap q = ⟨Γ_a, Γ_b⟩ / (‖Γ_a‖ ‖Γ_b‖)")
        ax.set_ylabel("P(q)")
        ax.set_xlim(-0.2, 1.0)
        n = int(result["n_seeds"])
        if result["model"] == "softmax":  # one pair of trained models per seed
            ax.set_title(f"Replica overlap of trained softmax models, d = {last['dim']}")
            what = (
                "Overlap q of the effective weights of two softmax models trained on the same "
                f"data from different initializations, d = {last['dim']}; one q per seed, each "
                f"curve a histogram of the n = {n} seeds' values."
            )
        else:
            ax.set_title(f"Gibbs measure over weights, d = {last['dim']}, β = {result.get('beta')}")
            what = (
                "P(q) of two independent replicas drawn from the Gibbs measure over the linear "
                f"model's weights Γ at β = {result.get('beta')}, d = {last['dim']}; each curve "
                f"pools n = {n} seeds × {result.get('pairs', '?')} replica pairs."
            )
        ax.legend(fontsize=7)
        figs.append(figure(fig, what))
    plt.close("all")
    return figs


def _fmt_threshold(t: dict) -> str:
    if t["value"] is None:
        return "not bracketed"
    if t["ci"] is None:
        vals = ", ".join(f"{v:.2f}" for v in t["values"])
        return f"{t['value']:.2f} (n = {t['n']}: {vals})"
    return f"{t['value']:.2f} [{t['ci'][0]:.2f}, {t['ci'][1]:.2f}] (n = {t['n']})"


def icl_section(result: dict) -> Section:
    """The report section of an :func:`isingformer.icl.icl_sweep` result."""
    rows = []
    for d, entry in result["dims"].items():
        th = entry.get("theory_threshold")
        rows.append(
            [
                int(d),
                entry["context"],
                _fmt_threshold(entry["threshold"]),
                "-" if th is None else f"{th:.2f}",
                _fmt_threshold(entry["threshold_baselines"]),
            ]
        )
    table = Table(
        ["d", "ℓ", "k* from OOD error (95 % t-CI on log k*)", "theory k* (τ = ∞)",
         "k* where dist to ridge = dist to pool"],
        rows,
        "k*: the k where the OOD error is halfway between the null error 1 + σ² and "
        "its value at the largest k; one k* per seed, interval over seeds.",
    )  # fmt: skip
    text = (
        f"Model: {result['model']}; σ = {result['noise']}; {result['n_seeds']} seeds per point "
        f"(pretraining τ = n/d² = {result.get('pretrain')}). Below the threshold the model "
        "fits the pool's tasks (in-distribution error below the out-of-distribution one); "
        "above it the OOD error reaches its k = ∞ value. The theory curve is the τ = ∞ "
        "limit of Lu et al. 2024 (docs/icl.md); at finite τ the trained model's error lies "
        "above it by the finite-data excess."
    )
    return Section(
        "In-context learning: the task-diversity transition",
        text,
        figures=icl_figures(result),
        tables=[table],
        data={"dims": {d: e["threshold"] for d, e in result["dims"].items()}},
    )


def write_sweep_report(out: Path, result: dict) -> str:
    """Write ``out/report.html`` for one sweep; return its path."""
    keys = ("model", "noise", "seeds", "n_seeds", "seed", "pretrain", "ridge", "beta", "pairs")
    keys = (*keys, "n_eval")
    config = {k: result.get(k) for k in keys}
    if "steps" in result:  # the softmax model's training steps
        config["steps"] = result["steps"]
    first = next(iter(result["dims"].values()), {"points": []})
    config["dims"] = [int(d) for d in result["dims"]]  # what the sweep ran over
    config["context"] = {str(d): e.get("context") for d, e in result["dims"].items()}
    config["tasks"] = [p["tasks"] for p in first["points"]]
    return str(Report("isingformer icl sweep", config, [icl_section(result)]).write(out))


def icl_job_section(ctx) -> Section:
    """Main-job version: linear model, d = 8, ℓ = 16, a few k, 3 seeds."""
    from isingformer.icl.sweep import icl_sweep

    tasks = [1, 2, 4, 8, 16, 64, None] if ctx.quick else [1, 2, 4, 8, 16, 32, 64, 256, 1024, None]
    result = icl_sweep(
        [8], 16, tasks, seeds=3, seed=ctx.seed, model="linear", pairs=100, n_eval=1000,
        store=ctx.store, executor="serial", progress=False,
    )  # fmt: skip
    return icl_section(result)
