"""Figures and the report section of a β-policy comparison."""

from __future__ import annotations

import numpy as np

from isingformer.lm.compare import Comparison, cost_to_target
from isingformer.report import Section, Table, figure

__all__ = ["comparison_figures", "comparison_section"]


def _curves(runs: list[dict], key: str):
    steps = np.array([e["step"] for e in runs[0]["evals"]], dtype=float)
    vals = np.array([[e["val_loss"] for e in r["evals"]] for r in runs])  # [seeds, evals]
    xs = np.array([[e[key] for e in r["evals"]] for r in runs]) if key != "step" else None
    return steps, vals, xs


def comparison_figures(c: Comparison):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by = {p["name"]: [r for r in c.runs if _name(r) == p["name"]] for p in c.policies}
    colors = {name: f"C{i}" for i, name in enumerate(by)}
    figs = []

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, runs in by.items():
        steps, vals, secs = _curves(runs, "train_seconds")
        m = vals.mean(0)
        axes[0].plot(steps, m, color=colors[name], label=f"{name} (mean of {len(runs)})")
        axes[0].fill_between(steps, vals.min(0), vals.max(0), color=colors[name], alpha=0.2)
        for r_secs, r_vals in zip(secs, vals, strict=True):
            axes[1].plot(r_secs, r_vals, color=colors[name], alpha=0.6, lw=1)
    for ax in axes:
        ax.axhline(c.target_loss, color="k", ls=":", lw=1, label="target")
        ax.set_ylabel("validation loss (nats/token)")
        lo = min(min(e["val_loss"] for e in r["evals"]) for r in c.runs)
        ax.set_ylim(lo - 0.05, lo + 1.0)
    axes[0].set_xlabel("step")
    axes[1].set_xlabel("training wall time (s)")
    axes[0].legend(fontsize=8)
    axes[0].set_title("Validation loss (band: min–max over seeds)")
    axes[1].set_title("Validation loss against wall time (one line per seed)")
    n_seeds = "/".join(sorted({str(len(r)) for r in by.values()}))
    figs.append(
        figure(
            fig,
            f"Validation loss per policy. Left: the mean over the {n_seeds} seeds, band: the "
            "minimum to maximum over those seeds (the range, not an interval). Right: each "
            "seed's run against its training wall time. Dotted: the target loss.",
        )
    )

    fig, ax = plt.subplots(figsize=(max(6.4, 1.1 * len(c.policies)), 4.4))
    for i, p in enumerate(c.policies):
        vals = [v for v in p["steps_to_target"]["values"] if v is not None]
        ax.scatter([i] * len(vals), vals, color=colors[p["name"]], alpha=0.6, s=18)
        s = p["steps_to_target"]
        if s["mean"] is not None and s.get("ci") is not None:
            ax.errorbar(
                [i + 0.15],
                [s["mean"]],
                yerr=[[s["mean"] - s["ci"][0]], [s["ci"][1] - s["mean"]]],
                fmt="s",
                color=colors[p["name"]],
                capsize=4,
            )
        ax.annotate(
            f"{s['reached']}/{p['n_seeds']}",
            (i, c.scale["steps"]),
            ha="center",
            fontsize=8,
            textcoords="offset points",
            xytext=(0, 4),
        )
    labels = [p["name"] for p in c.policies]
    long = max(len(x) for x in labels) > 10
    ax.set_xticks(
        range(len(labels)), labels, rotation=25 if long else 0, ha="right" if long else "center"
    )
    fig.tight_layout()
    ax.axhline(c.scale["steps"], color="k", lw=0.8, ls=":")
    ax.set_ylabel(f"steps to val loss {c.target_loss:.3f}")
    ax.set_xlabel("β policy")
    ax.set_title("Steps to target (dots: seeds; squares: mean, 95% Student-t CI, n ≥ 3)")
    figs.append(
        figure(
            fig,
            "Steps to the target loss: dots, the seeds that reached it; squares, their mean with "
            "a 95 % Student-t interval over those seeds (shown from n = 3); the fraction, how "
            f"many seeds reached it within the budget of {c.scale['steps']} steps (dotted).",
        )
    )

    dynamic = [n for n, runs in by.items() if _beta_varies(runs[0])]
    if dynamic:
        fig, axes = plt.subplots(1, len(dynamic), figsize=(5.2 * len(dynamic), 3.8), squeeze=False)
        for ax, name in zip(axes[0], dynamic, strict=True):
            run = by[name][0]
            log = [b for b in run["beta_log"] if b["event"] == "eval"]
            steps = [b["step"] for b in log]
            betas = np.array([b["betas"] for b in log])  # [time, layer, head]
            for layer in range(betas.shape[1]):
                col = f"C{layer}"
                ax.plot(steps, betas[:, layer].mean(1), color=col, label=f"layer {layer}")
                ax.fill_between(
                    steps, betas[:, layer].min(1), betas[:, layer].max(1), color=col, alpha=0.15
                )
            d_head = c.scale["d_model"] // c.scale["n_head"]
            ax.axhline(d_head**-0.5, color="k", ls=":", lw=1, label="1/sqrt(d_k)")
            ax.set_xlabel("step")
            ax.set_ylabel("β (band: heads)")
            ax.set_title(f"β per head over training: {name} (seed {run['seed']})")
            ax.legend(fontsize=7)
        figs.append(
            figure(fig, "β trajectories: mean over heads per layer with the range of heads.")
        )
    return figs


def _name(run: dict) -> str:
    """The row a run belongs to: its policy spec (older results: the policy)."""
    return run.get("name", run["policy"])


def _beta_varies(run: dict) -> bool:
    b = np.array([x["betas"] for x in run["beta_log"]])
    return b.size > 0 and float(np.ptp(b, axis=0).max()) > 1e-9


def _ci(d: dict | None, fmt: str = "{:.4f}", key: str = "mean") -> str:
    """``"value [lo, hi]"`` (Student-t, n >= 3) or ``"value (n = 2)"``."""
    if d is None or d.get(key) is None:
        return "—"
    if d.get("lower_bound"):
        n = d.get("n", "?")
        return f"≥ {fmt.format(d[key])} (not reached in {d.get('censored', n)} of {n} seeds)"
    if d.get("ci") is None:
        return f"{fmt.format(d[key])} (n = {d.get('n', '?')}, no interval)"
    return f"{fmt.format(d[key])} [{fmt.format(d['ci'][0])}, {fmt.format(d['ci'][1])}]"


def comparison_section(c: Comparison, title: str = "Training with dynamic β") -> Section:
    """A report section: verdict, tables, curves, intervals, β trajectories."""
    summary = Table(
        [
            "policy",
            "seeds",
            "final val loss [95% t-CI]",
            "steps to target [95% t-CI]",
            "reached",
            "time to target (s)",
            "tokens/s",
            "β-calibration share",
        ],
        [
            [
                p["name"],
                p["n_seeds"],
                _ci(p["final_val_loss"]),
                _ci(p["steps_to_target"], "{:.0f}"),
                f"{p['steps_to_target']['reached']}/{p['n_seeds']}",
                _ci(p["seconds_to_target"], "{:.1f}"),
                f"{p['tokens_per_s']:,.0f}",
                f"{100 * p['calib_fraction']:.1f}%",
            ]
            for p in c.policies
        ],
        f"Per policy. Target loss {c.target_loss:.4f} ({c.target_source}); means of steps/time "
        "are over the seeds that reached it; intervals: Student t over seeds, none below 3.",
    )
    paired = Table(
        [
            "policy vs " + c.baseline,
            "Δ final loss [95% t-CI]",
            "lower in",
            "steps ratio [95% t-CI]",
            "wall-time ratio [95% t-CI]",
            "CPU-time ratio [95% t-CI]",
            "never reached",
        ],
        [
            [
                q["name"],
                _ci(q["delta_final_loss"], "{:+.4f}"),
                f"{q['delta_final_loss']['wins']}/{q['n_pairs']}",
                _ci(q["steps_ratio"], "{:.3f}", "ratio"),
                _ci(q["seconds_ratio"], "{:.3f}", "ratio"),
                _ci(q.get("cpu_ratio"), "{:.3f}", "ratio"),
                q["censored"],
            ]
            for q in c.paired
        ],
        "Paired by seed (same data order and initial weights); intervals: Student t over the "
        "per-seed differences (ratios: over the log ratios), none below 3 seeds. Ratios: "
        "geometric mean over seeds "
        "of the cost to reach the baseline's final loss of that seed; runs that never reach it "
        "are counted at their full budget (a lower bound).",
    )
    runs = Table(
        ["policy", "seed", "final val loss", "steps to target", "tokens/s", "final β (mean)"],
        [
            [
                _name(r),
                r["seed"],
                r["final_val_loss"],
                (lambda s: f"{s[0]:.0f}" if s[2] else f">{s[0]:.0f}")(
                    cost_to_target(r["evals"], c.target_loss)
                ),
                f"{r['tokens_per_s']:,.0f}",
                float(np.mean(r["beta_per_head"])),
            ]
            for r in c.runs
        ],
        "Every run.",
    )
    tables = [summary, paired, runs]
    if c.control is not None:
        best = c.control["control"]
        rows = []
        for q in c.control.get("each", [c.control["paired"]]):
            d, st, cpu = q["delta_final_loss"], q["steps_ratio"], q["cpu_ratio"]
            rows.append(
                [
                    f"{q['name']} vs {q['baseline']}"
                    + (" (best)" if q["baseline"] == best else ""),
                    _ci(d, "{:+.4f}"),
                    f"{d['wins']}/{q['n_pairs']}",
                    _ci(st, "{:.3f}", "ratio"),
                    _ci(cpu, "{:.3f}", "ratio"),
                    q["censored"],
                    q.get("verdict", c.control["verdict"]),
                ]
            )
        tables.insert(
            2,
            Table(
                [
                    "claim vs control",
                    "Δ final loss [95% t-CI]",
                    "lower in",
                    "steps ratio [95% t-CI]",
                    "CPU-time ratio [95% t-CI]",
                    "never reached",
                    "judgement",
                ],
                rows,
                "The claim row against each fixed-β control, paired by seed: each seed's target "
                "is the control's final loss for that seed (a run that never reaches it counts "
                "at its full budget, so its ratio is a lower bound). The best control has the "
                "lowest mean final loss; picking it among several favours the control.",
            ),
        )
    text = (
        "Claim under test (seeds 000/001): setting each head's inverse temperature at its "
        "critical point, measured at initialization and re-measured during training, instead "
        "of 1/sqrt(d_k), cuts training cost. Every policy trains the same GPT on the same "
        "batches from the same initial weights for each seed; `critical` re-measures β* every "
        f"{c.config['base']['recalibrate_every']} steps.\n\n"
        f"**Verdict:** {c.verdict_text}\n\n"
        "The verdict is about this scale only: tiny models trained briefly on characters can "
        "behave differently from large ones, and a larger run (docs/training.md) is the test "
        "that matters."
    )
    return Section(
        title,
        text,
        comparison_figures(c),
        tables,
        data={
            "verdict": c.verdict,
            "target_loss": c.target_loss,
            "control_verdict": None if c.control is None else c.control["verdict"],
        },
    )
