"""Figures, report and main-job section of the phase-transition detector.

Every function takes result dicts (:func:`~isingformer.phases.detect`, the
validation functions), so stored results can be re-plotted."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from isingformer.report import Report, Section, Table, figure, tidy_log_axis

__all__ = [
    "detection_figure",
    "mc_init_table",
    "phases_job",
    "phases_section",
    "series_parts",
    "spin_section",
    "write_detect_report",
    "write_spin_report",
]

_TEXT = (
    "The detector of Arnold, Holtorf, Schäfer and Lörch (2024): at each grid point λ the "
    "next-token distributions (exact, summed over prompts and positions) of the grid points "
    "left and right of λ are compared with symmetric f-divergences — total variation, "
    "Jensen–Shannon (bits) and the low-variance linear estimator g(x) = 2x − 1, "
    "½Σ(p − q)²/(p + q), which for neighbouring points is h²·F(λ) with F the Fisher "
    "information. Peaks mark candidate transitions; bands are intervals of the mean over "
    "prompts (the method and n in each figure's caption), peak intervals x̂ ± (t·se + step/4) "
    "with se from a bootstrap over prompts. Before it is applied to a "
    "language model it is checked on systems with known transitions: the 2D Ising model "
    "over T (energy histograms of Wolff chains; the energy is sufficient, so the divergences "
    "of configurations and of energies agree), the REM over β (exact Gibbs distributions, "
    "ln β grid, where F is the heat capacity) and a two-phase toy LM that condenses on one "
    "token below T* ≈ a/ln M."
)


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _axis(ax, det: dict, label: str, transform=None, expected=None, marker=None) -> None:
    tr = (lambda v: v) if transform is None else transform
    x = tr(np.asarray(det["points"]))
    for name, color in (("linear", "C0"), ("tv", "C1"), ("js", "C2")):
        y = np.asarray(det["indicators"][name])
        band = np.asarray(det["bands"][name])
        ax.plot(x, y, color=color, label=_INDICATORS[name])
        ax.fill_between(x, band[0], band[1], color=color, alpha=0.25)
    for p in det["peaks"]:
        if p["ci"] is not None:
            ax.axvspan(tr(p["ci"][0]), tr(p["ci"][1]), color="0.8", zorder=0)
    if expected is not None:
        ax.axvline(expected, color="k", ls="--", label="expected")
    if marker is not None:
        ax.axvline(marker, color="r", ls=":", label="the model")
    ax.set_xlabel(label)
    ax.set_ylabel("dissimilarity")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2)  # off the data


_INDICATORS = {
    "linear": "linear estimator (≈ h²F)",
    "tv": "total variation",
    "js": "Jensen–Shannon (bits)",
}

_AXIS_LABELS = {
    "beta": "β / β_model",
    "temperature": "sampling temperature T",
    "step": "training step",
    "prompt": "the number x in the prompt",
}


def _bands(det: dict) -> str:
    """What the shaded bands of one detection are, with n (older results: the method)."""
    n, b = det.get("n_prompts"), det.get("n_boot")
    if "band_method" in det and n is not None:
        return f"{det['band_method']}, n = {n}"
    if n is None or b is None:
        return "percentile bootstrap over prompts"
    return f"percentile bootstrap over the {n} prompts ({b} resamples)"


def _source_title(source, parameter: str | None = None, n_points: int | None = None) -> str:
    """A title in words: ``RUN/checkpoint.pt`` is "model RUN" (the file name is the
    same for every run); over training steps, the snapshot directory
    ``RUN/series`` (or ``RUN``) is "training run RUN, its N snapshots"; other
    paths as ``parent/name``."""
    p = Path(str(source))
    if parameter == "step":
        run = p.parent.name if p.name == "series" and p.parent.name else p.name
        count = "" if n_points is None else f", its {n_points} snapshots"
        return f"Over training: run {run}{count}"
    if p.name == "checkpoint.pt" and p.parent.name:
        return f"Model {p.parent.name}"
    return f"{p.parent.name}/{p.name}" if p.parent.name else p.name


def _step_axis(axis, steps) -> None:
    """A log axis of training steps labelled at the snapshot steps themselves (25
    and 300 had no label between matplotlib's 50, 100, 200); more than 8 steps:
    the plain 1-2-5 labels of :func:`tidy_log_axis`."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    s = sorted({float(v) for v in np.asarray(steps, dtype=np.float64).ravel() if v > 0})
    if not 2 <= len(s) <= 8:
        tidy_log_axis(axis)
        return
    axis.set_major_locator(FixedLocator(s))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def _ci_text(ci) -> str:
    return "— (fewer than 3 prompts)" if ci is None else f"[{ci[0]:.4g}, {ci[1]:.4g}]"


def detection_figure(result: dict, title: str = ""):
    """Indicators with bootstrap bands and the peak interval (grey) of one ``detect`` result."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    marker = 1.0 if result.get("parameter") == "beta" else None
    label = _AXIS_LABELS.get(result.get("parameter"), str(result.get("parameter")))
    _axis(ax, result, label, marker=marker)
    if result.get("spacing") == "log":
        ax.set_xscale("log")
        if result.get("parameter") == "step":
            _step_axis(ax.xaxis, result["points"])
        else:
            tidy_log_axis(ax.xaxis)
    n_points = len(result.get("points", [])) or None
    title = title or _source_title(result.get("source", ""), result.get("parameter"), n_points)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    out = figure(
        fig,
        f"Dissimilarity over {label}; bands: {_bands(result)}; grey: the peak's 95 % interval.",
    )
    plt.close(fig)
    return out


def validation_figure(validations: list[dict]):
    """One panel per validation system (full results with ``detection``)."""
    plt = _plt()
    fig, axes = plt.subplots(1, len(validations), figsize=(4.2 * len(validations), 3.3))
    for ax, v in zip(np.atleast_1d(axes), validations, strict=True):
        rem = v["system"].startswith("REM")
        _axis(ax, v["detection"], "β" if rem else "T", np.exp if rem else None, v["expected"])
        ax.set_title(v["system"], fontsize=8)
    fig.tight_layout()
    methods = {v["detection"].get("band_method") for v in validations}
    if len(methods) == 1 and None not in methods:  # one method: say it once, n per system
        counts = ", ".join(f"{v['system']} {v['detection'].get('n_prompts')}" for v in validations)
        bands = f"{methods.pop()}; n = {counts}"
    else:
        bands = "; ".join(f"{v['system']}: {_bands(v['detection'])}" for v in validations)
    out = figure(
        fig,
        "Validation: the detector's peak against the exact expected position (dashed); "
        f"bands: {bands}; grey: the peak's 95 % interval.",
    )
    plt.close(fig)
    return out


def _rows(validations: list[dict]) -> list[list]:
    return [
        [
            v["system"],
            v["expected"],
            v["found"],
            f"[{v['ci'][0]:.4g}, {v['ci'][1]:.4g}]",
            v["agrees"],
        ]
        for v in validations
    ]


_VALIDATION_CAPTION = (
    "Validation: the exact expected position of each system's transition, the peak found on "
    "the linear estimator's mean curve (parabolic refinement), its 95 % interval x̂ ± (t·se + "
    "step/4) (se: bootstrap sd of the peak over the prompts); agrees: the expected position "
    "lies in that interval widened by one grid step."
)
_APPLICATION_CAPTION = (
    "The detector on models: the peak of the linear estimator's mean curve over the control "
    "parameter with its 95 % interval (as above); at edge: the peak is at the end of the "
    "grid, so it marks no transition inside it."
)


def phases_section(validations: list[dict], applications: list[dict]) -> Section:
    """Report section: the validation systems and the detector on models."""
    figs = [validation_figure(validations)] if validations else []
    figs += [detection_figure(a) for a in applications]
    tables = [
        Table(
            ["system", "expected", "found", "95% CI", "agrees"],
            _rows(validations),
            _VALIDATION_CAPTION,
        )
    ]
    if applications:
        rows = [
            [Path(a["source"]).parent.name or a["source"], a["parameter"], p["value"],
             _ci_text(p["ci"]), p["at_edge"]]
            for a in applications for p in a["peaks"]
        ]  # fmt: skip
        tables.append(
            Table(["model", "parameter", "peak", "95% CI", "at edge"], rows, _APPLICATION_CAPTION)
        )
    return Section(
        "Phase transitions of language models: output distributions", _TEXT, figs, tables
    )


def write_detect_report(result: dict, out: Path) -> Path:
    """``report.html``/``report.md`` of one ``detect`` result (and its validation table)."""
    val = [dict(v) for v in result.get("validated_on", [])]
    sec = Section(
        "Output-distribution transitions",
        _TEXT,
        [detection_figure(result)],
        [
            Table(
                ["system", "expected", "found", "95% CI", "agrees"], _rows(val), _VALIDATION_CAPTION
            )
        ]
        if val
        else [],
    )
    config = {k: result[k] for k in ("source", "parameter", "n_prompts", "n_boot")}
    return Report("phases detect", config, [sec]).write(Path(out))


def phases_job(ctx) -> Section:
    """Main-job section: the three validation systems, then the detector over T and β
    on the GPTs of the ``lm`` section when that section ran before this one."""
    from isingformer.phases.api import detect
    from isingformer.phases.validation import ising_validation, rem_validation, toy_validation

    vals = [
        toy_validation(),
        rem_validation(),
        ising_validation(16, sweeps=600 if ctx.quick else 4000),
    ]
    if not ctx.quick:  # the narrower peak at L = 64 needs a finer grid
        vals.append(ising_validation(32, sweeps=4000))
        vals.append(ising_validation(64, np.linspace(2.1, 2.5, 15), sweeps=2000))
    root = Path(ctx.out) / "lm_runs"
    cks = sorted(root.glob(f"*seed{ctx.seed}/checkpoint.pt")) if root.is_dir() else []
    grids = {"temperature": np.geomspace(0.1, 10, 21), "beta": np.geomspace(1 / 16, 16, 17)}
    from isingformer.errors import InputError

    apps = []
    for ck in cks[:3]:
        for name, grid in grids.items():
            try:  # e.g. β cannot be scaled under qk_norm: that model is left out
                apps.append(detect(parameter=name, grid=grid, checkpoint=ck, n_prompts=16,
                                   tokens=32, validate=False, spacing="log", device=ctx.device))  # fmt: skip
            except InputError:
                continue
    over_steps, spin = series_parts(
        _training_series(ctx), seed=ctx.seed, sweeps=600 if ctx.quick else 2000, device=ctx.device
    )
    sec = phases_section(vals, [*apps, over_steps])
    mc_seeds = [ctx.seed + i for i in range(4 if ctx.quick else 5)]
    mc = mc_init_table(mc_seeds, samples=16 if ctx.quick else 24, sweeps=600)
    return Section(
        sec.title,
        sec.text + "\n\n" + _SPIN_TEXT + _MC_INIT_TEXT + _SERIES_TEXT,
        [*sec.figures, *spin.figures],
        [*sec.tables, _init_table(cks), mc, *spin.tables],
    )


_SERIES_TEXT = (
    " Over training: one GPT trained at critical β (seed of the job; quick: 2 layers x 2"
    " heads, width 32, 300 steps; full: 2 x 4 heads, width 64, 400 steps), snapshotted"
    " five times; the detector over its training step (ln-step grid; the peak is the"
    " Fisher maximum on this non-uniform grid) and the spin map of each snapshot (P(q),"
    " T_c(t) by three criteria, the bond spectrum; three Monte Carlo seeds)."
)


def series_parts(
    series: str | Path, *, seed: int, sweeps: int, device: str = "cpu"
) -> tuple[dict, Section]:
    """Over one run's snapshot checkpoints: the detector over the training step
    (16 windows of 32 tokens, ln-step grid) and the spin-map section (``spin_study``
    with three Monte Carlo seeds from ``seed``, ``sweeps`` sweeps each)."""
    from isingformer.phases.api import detect
    from isingformer.phases.spin_study import spin_study

    over_steps = detect(parameter="step", checkpoints=series, n_prompts=16, tokens=32,
                        validate=False, spacing="log", seed=seed, device=device)  # fmt: skip
    spin = spin_section(spin_study(series, sweeps=sweeps, seeds=(seed, seed + 1, seed + 2)))
    return over_steps, spin


def _training_series(ctx) -> Path:
    """The snapshot directory of one critical-β training run for the main job."""
    from isingformer.phases.policy_study import POLICY_CONFIG, SNAPSHOTS, train_series

    config, snaps = None, SNAPSHOTS
    if ctx.quick:  # the docs GPT (tests/phases/conftest.py)
        config = dict(POLICY_CONFIG, n_head=2, d_model=32, context=32, eval_every=100)
        snaps = (25, 50, 100, 200, 300)
    work = Path(ctx.out) / "phases_series"
    return train_series("critical", ctx.seed, work, config=config, snapshots=snaps)[1]


def mc_init_table(seeds: list[int], *, samples: int, sweeps: int, width: int = 64) -> Table:
    """The validation of the spin map at initialization: the spin-glass T_c of two
    identical random coupling layers (L = 2, C = 1) from replica-exchange Monte Carlo
    (:func:`~isingformer.phases.spin_mc.susceptibility_tc`, widths ``width/2`` and
    ``width``, ``samples`` disorder samples and ``sweeps`` sweeps per seed) against
    the paper's closed form [2C cos(π/(L+2))]^½ and against the TAP instability and
    ρ(J∘J)^½ of one ``width`` instance per seed; means over seeds with Student-t
    95 % intervals (values only below 3 seeds)."""
    from isingformer.phases.spin import (
        layered_bond_matrix,
        tc_closed_form,
        tc_squared_bonds,
        tc_tap,
    )
    from isingformer.phases.spin_mc import susceptibility_tc
    from isingformer.stats import mean_interval

    tc = tc_closed_form(1.0, 2)
    runs = [
        susceptibility_tc((width // 2, width), 2, 1.0, samples=samples, sweeps=sweeps, seed=s)
        for s in seeds
    ]
    tap, rs = [], []
    for s in seeds:
        rng = np.random.default_rng([s, 23])
        J = layered_bond_matrix([rng.normal(0.0, width**-0.5, (width, width)) for _ in range(2)])
        tap.append(tc_tap(J)[0])
        rs.append(tc_squared_bonds(J))

    def mean_row(name: str, values: list[float]) -> list:
        iv = mean_interval(values)
        if iv.ci is None:
            return [name, iv.mean, iv.mean / tc, f"values {[round(v, 4) for v in values]}"]
        return [name, iv.mean, iv.mean / tc, f"[{iv.ci[0]:.4g}, {iv.ci[1]:.4g}] (t, n = {iv.n})"]

    rows = [["closed form [2C cos(π/4)]^½", tc, 1.0, "exact"]]
    rows += [
        [f"Monte Carlo, seed {s}", r["value"], r["value"] / tc, f"± {r['err']:.3g} (bootstrap sd)"]
        for s, r in zip(seeds, runs, strict=True)
    ]
    mc = mean_interval([r["value"] for r in runs])
    rows.append(mean_row("Monte Carlo, mean over seeds", [r["value"] for r in runs]))
    rows.append(mean_row(f"TAP instability (eigenvalue), N = {width}", tap))
    rows.append(mean_row(f"ρ(J∘J)^½, N = {width}", rs))
    inside = mc.ci is not None and mc.ci[0] <= tc <= mc.ci[1]
    caption = (
        "Spin-glass T_c at initialization, two identical random coupling layers (L = 2, "
        f"C = 1): replica exchange (zero of 1/χ_SG over 1.2–2 T_c, widths {width // 2} and "
        f"{width} extrapolated in 1/N, {samples} disorder samples, {sweeps} sweeps per seed) "
        "against the closed form and TAP. Closed form inside the Monte Carlo interval: "
        f"{'yes' if inside else 'no'}."
    )
    return Table(["estimator", "T_c", "T_c / closed form", "error or 95 % interval"], rows, caption)


def _init_table(checkpoints) -> Table:
    """The spin map's T_c at initialization (random identical layers, width 100, L = 3,
    seed 0) and of the ``lm`` section's trained GPTs, by the three criteria."""
    from isingformer.lm.sample import load_trained
    from isingformer.phases.spin import (
        gpt_bond_matrix,
        layered_bond_matrix,
        tc_closed_form,
        tc_squared_bonds,
        tc_tap,
    )

    rng = np.random.default_rng(0)
    J = layered_bond_matrix([rng.normal(0, 0.1, (100, 100)) for _ in range(3)])
    rows = [
        [
            "random layers (N = 100, L = 3, C = 1)",
            tc_closed_form(1.0, 3),
            tc_squared_bonds(J),
            tc_tap(J)[0],
        ]
    ]
    for ck in checkpoints[:3]:
        Jm, _ = gpt_bond_matrix(load_trained(ck).model)
        rows.append([Path(ck).parent.name, "—", tc_squared_bonds(Jm), tc_tap(Jm)[0]])
    return Table(
        ["bonds", "closed form", "ρ(J∘J)^½", "TAP"], rows, "Spin-glass T_c of MLP bond matrices."
    )


_SPIN_TEXT = (
    "The MLP blocks of the GPT as a layered Ising model (Barney, Winer, Galitski 2024): "
    "neurons as spins, weights as couplings. T_c at initialization from the closed form "
    "λ_max(Λ)^½ (for identical layers [2C cos(π/(L+2))]^½). Per checkpoint (step 0: the "
    "initialization rebuilt from the run's seed): replica-exchange Monte Carlo of the bond "
    "matrix (two real replicas) gives the overlap distribution P(q) at half the initial "
    "T_c, the magnetization along the hidden-order pattern (the signs of the ordered TAP "
    "solution) and T_c as the maximum of its susceptibility (mean over seeds, Student-t); "
    "alongside the TAP instability of the paramagnet (eigenvalue criterion and damped "
    "iteration), the glass criterion ρ(J∘J)^½, the largest eigenvalues of J, and power-law "
    "fits T_c ∝ t^α (Student-t CI). A pattern-free T_c needs no hidden-order pattern: the "
    "temperature where the Binder parameter g = ½(3 − ⟨q⁴⟩/⟨q²⟩²) of the overlap q of the "
    "two replicas falls below ½ on heating (1: one ordered state and its reversal, 0: a "
    "paramagnet; in Curie–Weiss and Mattis models below T_c by ≈ 1.5 N^−½, exact), per "
    "seed, mean over seeds with a Student-t interval."
)


_MC_INIT_TEXT = (
    " At initialization the paper's closed form is checked against our own Monte Carlo: "
    "for two identical random coupling layers the spin-glass susceptibility of two real "
    "replicas along the critical mode satisfies 1/χ = 1 − β²/β_c² in the paramagnet; its "
    "zero, extrapolated in 1/N over two widths, is the Monte Carlo T_c (per seed ± the "
    "bootstrap sd over disorder samples; over seeds a Student-t interval)."
)


def spin_section(result: dict) -> Section:
    """Report section of one ``spin_study`` result: T_c(t), the bond spectrum, P(q)
    and the hidden-order magnetization per checkpoint."""
    plt = _plt()
    steps = np.asarray(result["steps"], dtype=np.float64)
    tc = [t["value"] for t in result["tc"]]
    err = [t.get("err") for t in result["tc"]]
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 4.4))
    keep = [i for i, v in enumerate(tc) if v is not None and steps[i] > 0]
    a.errorbar(steps[keep], [tc[i] for i in keep], [err[i] or 0.0 for i in keep], fmt="o-",
               label="Monte Carlo (hidden order)")  # fmt: skip
    tq = result.get("tc_overlap") or []
    kq = [i for i, t in enumerate(tq) if t["value"] is not None and steps[i] > 0]
    if kq:
        a.errorbar(steps[kq], [tq[i]["value"] for i in kq], [tq[i]["err"] or 0.0 for i in kq],
                   fmt="D-", label="Monte Carlo (overlap Binder ½)")  # fmt: skip
    pos = steps > 0
    a.plot(steps[pos], np.asarray(result["tc_tap"])[pos], "s-", label="TAP instability")
    a.plot(steps[pos], np.asarray(result["tc_rs"])[pos], "^-", label="ρ(J∘J)^½ (glass)")
    a.axhline(result["tc_init_theory"], color="k", ls="--", label="closed form at init")
    a.set_xscale("log")
    a.set_xlabel("training step")
    a.set_ylabel("T_c")
    a.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)  # off the data
    spec = np.asarray(result["spectrum"])
    for k in range(spec.shape[1]):
        b.plot(steps[pos], spec[pos, k], color="C0", alpha=1.0 - 0.8 * k / spec.shape[1])
    b.set_xscale("log")
    b.set_xlabel("training step")
    b.set_ylabel("largest eigenvalues of J")
    for ax in (a, b):  # labelled at the snapshot steps
        _step_axis(ax.xaxis, steps[pos])
    fig.tight_layout()
    n_seeds = len(result.get("seeds") or [])
    bars = (
        f"Monte Carlo T_c: the mean over {n_seeds} Monte Carlo seeds, bars its standard "
        f"error (n = {n_seeds})"
        if n_seeds
        else "Monte Carlo T_c: one run, no bars"
    )
    figs = [
        figure(
            fig,
            "T_c of the MLP spin model over training by three criteria (left; "
            f"{bars}; TAP and ρ(J∘J)^½ are computed from the bonds, no sampling) and the "
            "largest eigenvalues of the bond matrix J (right), at each snapshot step.",
        )
    ]
    plt.close(fig)
    if result.get("overlap"):
        binder = result.get("binder_overlap")
        fig, axes = plt.subplots(1, 3 if binder else 2, figsize=(13 if binder else 9, 3.4))
        a, b = axes[0], axes[1]
        for i, (s, ov) in enumerate(zip(result["steps"], result["overlap"], strict=True)):
            e = np.asarray(ov["edges"])
            c = f"C{i % 10}"
            a.step(0.5 * (e[1:] + e[:-1]), ov["density"], where="mid", color=c, label=f"{s}")
            b.plot(result["temperatures"], result["magnetization"][i], "o-", ms=3, color=c)
            if binder:
                axes[2].plot(result["temperatures"], binder[i], "o-", ms=3, color=c)
        a.set_xlabel(f"q (T = {result['t_ref']:.3g})")
        a.set_ylabel("P(q)")
        a.legend(fontsize=6, title="step", title_fontsize=7)
        b.set_xscale("log")
        b.set_xlabel("T")
        b.set_ylabel("⟨m⟩ along the hidden-order pattern")
        if binder:
            axes[2].axhline(0.5, color="k", ls=":")
            axes[2].set_xscale("log")
            axes[2].set_xlabel("T")
            axes[2].set_ylabel("Binder parameter of q")
        fig.tight_layout()
        figs.append(
            figure(
                fig,
                "Per snapshot step: P(q) of two replicas (left; the histogram pooled over "
                f"the {n_seeds} Monte Carlo seeds), the hidden-order magnetization ⟨m⟩"
                + (" and the Binder parameter g of q (right; T_c at g = ½)" if binder else "")
                + f" (mean over the {n_seeds} seeds; no interval drawn).",
            )
        )
        plt.close(fig)

    def dash(v):
        return "—" if v is None else v

    n_q = len(tq)
    rows = [
        [s, dash(t), dash(e)]
        + ([dash(tq[i]["value"]), dash(tq[i]["err"])] if n_q else [])
        + [tap, r]
        for i, (s, t, e, tap, r) in enumerate(
            zip(result["steps"], tc, err, result["tc_tap"], result["tc_rs"], strict=True)
        )
    ]

    def law(name: str, what: str) -> str:
        pl = result.get(name)
        if pl is None:
            return ""
        if pl["exponent"] is None:
            return f"power law of {what}: too few checkpoints. "
        return (
            f"power law of {what}: α = {pl['exponent']:.3g}, 95 % CI "
            f"[{pl['ci'][0]:.3g}, {pl['ci'][1]:.3g}] (n = {pl['n']}, {pl['method']}). "
        )

    caption = law("powerlaw", "the Monte Carlo T_c (hidden order)")
    if n_q:
        caption += law("powerlaw_overlap", "the Monte Carlo T_c (overlap)")
    if result.get("overlap"):
        caption += f"± : standard error over {len(result['seeds'])} Monte Carlo seeds."
    head = ["step", "T_c (MC, pattern)", "± (sem)"]
    head += ["T_c (MC, overlap)", "± (sem)"] if n_q else []
    table = Table([*head, "T_c (TAP)", "ρ(J∘J)^½"], rows, caption.strip())
    text = _SPIN_TEXT
    if result.get("bonds", "mlp") != "mlp":
        text += (
            " Bonds here: the MLP blocks and the attention projections (x → q, k, v "
            "through qkv; v → the stream through out)."
        )
    return Section("The MLP blocks as a spin model", text, figs, [table])


def write_spin_report(result: dict, out: Path) -> Path:
    """``report.html``/``report.md`` of one ``spin_study`` result."""
    config = {"checkpoints": result["checkpoints"], "bonds": result.get("bonds", "mlp")}
    return Report("phases spin", config, [spin_section(result)]).write(Path(out))
