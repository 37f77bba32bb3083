"""``isingformer hyperbolic conjecture`` and ``isingformer hyperbolic trees``:
hyperbolic attention and the conjecture β_opt ~ 1/(sqrt|κ| · λ)."""

from __future__ import annotations

from pathlib import Path

import typer

from isingformer.cli._common import JSON_OPTION_HELP, OUT_OPTION_HELP, emit, out_dir, write_json
from isingformer.cli._options import DASK_ADDRESS_HELP, EXECUTOR_HELP, STORE_HELP, check_executor


def _fit_line(name: str, fit: dict | None, verdict: str) -> str:
    if fit is None:
        return f"{name}: no fit (fewer than 5 cells with an interior minimum): {verdict}"
    return (
        f"{name}: p = {fit['p']:.2f} [{fit['p_ci'][0]:.2f}, {fit['p_ci'][1]:.2f}], "
        f"q = {fit['q']:.2f} [{fit['q_ci'][0]:.2f}, {fit['q_ci'][1]:.2f}], R² = {fit['r2']:.2f}, "
        f"n = {fit['n']} cells: {verdict}"
    )


def _human(r: dict) -> str:
    lines = [f"{'κ':>7} {'b':>3} {'λ':>6} {'β_opt [95% t-CI]':>24} {'edge':>5} {'β*':>8}"]
    for c in r["cells"]:
        b, ci = c["beta_opt"], c["beta_opt"]["ci"]
        opt = f"{b['value']:.3g}" + (f" [{ci[0]:.3g}, {ci[1]:.3g}]" if ci else "")
        lines.append(
            f"{c['curvature']:>7g} {c['branching']:>3} {c['lambda']:>6.2f} {opt:>24} "
            f"{'yes' if c['at_edge'] else 'no':>5} {c['beta_critical']['value']:>8.3g}"
        )
    lines.append(_fit_line("β_opt", r["fit"], r["verdict"]))
    lines.append(_fit_line("β*", r["fit_critical"], r["verdict_critical"]))
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Attach the ``hyperbolic`` group to the root app."""
    group = typer.Typer(
        no_args_is_help=True,
        help="Hyperbolic attention (logits −β d_H) and the conjecture β_opt ~ 1/(sqrt|κ| λ).",
    )

    @group.command("conjecture")
    def conjecture_cmd(
        curvatures: str = typer.Option(
            "-10,-3,-1,-0.3,-0.1", help="Curvatures κ < 0 (comma list or START:STOP:NUM)."
        ),
        branching: str = typer.Option(
            "2,3,4,6", "--branching", help="Mean branching factors b >= 2 of the trees."
        ),
        betas: str = typer.Option(
            "0.1,0.3,1,3,10,30", help="The β sweep (> 0, at least 3 values; comma list or grid)."
        ),
        seeds: int = typer.Option(3, help="Seeds per point K (seeds seed .. seed+K-1)."),
        seed: int = typer.Option(0, help="Base seed."),
        steps: int = typer.Option(60, help="Training steps per run (the fixed budget)."),
        depth: int = typer.Option(2, help="Tree depth D (1..16)."),
        form: str = typer.Option(
            "euler",
            help="Sequences: euler (Euler tours: attention needed), walks or brackets "
            "(bracketed depth-first traversals).",
        ),
        executor: str = typer.Option("process", help=EXECUTOR_HELP),
        workers: int = typer.Option(None, help="Worker processes (default: CPU count)."),
        dask_address: str = typer.Option(None, "--dask-address", help=DASK_ADDRESS_HELP),
        store: Path = typer.Option(None, help=STORE_HELP),
        as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
        out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
    ) -> None:
        """Fit log β_opt = a − p log sqrt|κ| − q log λ over a κ × λ grid (p = q = 1?)."""
        from isingformer.hyperbolic.conjecture import run_conjecture
        from isingformer.runs import store_for
        from isingformer.validate import check_int, parse_values

        check_executor(executor)
        # |κ| below 1e-12 underflows the distance (NaN loss); -1e-6 is already Euclidean
        kappas = parse_values(curvatures, "curvatures", kind=float, le=-1e-12, ge=-1e4)
        bs = parse_values(branching, "branching", kind=int, ge=2, le=64)
        grid = parse_values(betas, "betas", kind=float, gt=0, le=1e6)
        check_int(depth, "depth", ge=1, le=16)
        check_int(seeds, "seeds", ge=1, le=100)
        from isingformer.hyperbolic.trees import FORMS

        if form not in FORMS:
            from isingformer.errors import InputError

            raise InputError(f"--form: use {', '.join(FORMS)}, got {form!r}")
        check_int(steps, "steps", ge=1, le=100_000)
        od = out_dir(out)
        with store_for(od, store) as st:
            r = run_conjecture(
                kappas,
                bs,
                grid,
                seeds=seeds,
                seed=seed,
                steps=steps,
                depth=depth,
                form=form,
                store=st,
                executor=executor,
                workers=workers,
                dask_address=dask_address,
                progress=not as_json,
            )
        if od is not None:
            from isingformer.hyperbolic.report import conjecture_section
            from isingformer.report import Report

            Report("isingformer hyperbolic conjecture", r["config"], [conjecture_section(r)]).write(
                od
            )
        emit(r, as_json, _human(r))

    @group.command("trees")
    def trees_cmd(
        branching: str = typer.Option(
            "2,3,4,6", "--branching", help="Mean branching factors b >= 2."
        ),
        depth: int = typer.Option(2, help="Tree depth D (1..16)."),
        seed: int = typer.Option(0, help="Seed of the tree and its walks."),
        control: bool = typer.Option(
            False, "--control", help="Also measure the Shakespeare character graph (control)."
        ),
        as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
        out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
    ) -> None:
        """Measure λ (growth rate), mean degree and Gromov δ of the tree data;
        with --out also write each tree's Euler tours as a --corpus text file."""
        import numpy as np

        from isingformer.hyperbolic.trees import tree_data, tree_stats, tree_text
        from isingformer.validate import check_int, parse_values

        bs = parse_values(branching, "branching", kind=int, ge=2, le=64)
        check_int(depth, "depth", ge=1, le=16)
        od = out_dir(out)
        rows = []
        for b in bs:
            data, tree = tree_data(b, depth, 20_000, seed=seed)
            rows.append(tree_stats(tree, data.train, seed=seed).to_dict())
            if od is not None:  # a corpus for train/compare --corpus (Euler tours)
                text = tree_text(np.concatenate([data.train, [0], data.val]))
                (od / f"tree-b{b}-D{depth}.txt").write_text(text, encoding="utf-8")
        result = {
            "trees": rows,
            "lambda_estimator": "growth rate (N_D / N_0)^(1/D)",
            "seed": seed,  # the trees and their walks
        }
        if control:
            from isingformer.hyperbolic.trees import shakespeare_graph_stats

            result["control"] = shakespeare_graph_stats(seed=seed)
        if od is not None:
            write_json(od / "trees.json", result)  # the --json object, strict
        human = "\n".join(
            f"b = {t['branching']}: {t['n_nodes']} nodes, λ = {t['growth_rate']:.3f}, "
            f"mean children {t['mean_children']:.3f}, mean degree {t['mean_degree']:.3f}, "
            f"Gromov δ = {t['gromov_delta']:g}, walk entropy {t['entropy_per_token']:.4f} nats/token"
            for t in rows
        )
        if control:
            c = result["control"]
            human += (
                f"\ncontrol (Shakespeare characters): {c['nodes']} nodes, mean degree "
                f"{c['mean_degree']:.1f}, Gromov δ ≥ {c['gromov_delta']:g}"
            )
        emit(result, as_json, human)

    app.add_typer(group, name="hyperbolic")
