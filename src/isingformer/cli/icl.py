"""``isingformer icl sweep``: the task-diversity transition of in-context learning."""

from __future__ import annotations

from pathlib import Path

import typer

from isingformer.cli._common import JSON_OPTION_HELP, OUT_OPTION_HELP, emit, out_dir
from isingformer.cli._options import DASK_ADDRESS_HELP

_STORE_HELP = "Results store (default: OUT/runs.sqlite with --out)."


def _fmt_ci(iv: dict | None) -> str:
    if not iv or iv.get("mean") is None:
        return "-"
    ci = iv.get("ci")
    return f"{iv['mean']:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")


def _extra(p: dict, key: str) -> str:
    iv = p.get(key)
    return "-" if not iv or iv.get("mean") is None else format(iv["mean"], ".3f")


def _human(result: dict) -> str:
    lines = []
    for d, entry in result["dims"].items():
        lines.append(f"d = {d}, context = {entry['context']}, model = {result['model']}")
        extra = ["overlap"] + (["beta_over_critical"] if result["model"] == "softmax" else [])
        head = " ".join(f"{'β/β*' if e == 'beta_over_critical' else e:>8}" for e in extra)
        lines.append(f"{'k':>7} {'OOD error (95% t-CI)':>26} {'theory':>7} {head}")
        for p in entry["points"]:
            th = p.get("theory_ood_error")
            lines.append(
                f"{p['tasks']!s:>7} {_fmt_ci(p['ood_error']):>26} "
                f"{'-' if th is None else format(th, '.3f'):>7} "
                + " ".join(f"{_extra(p, e):>8}" for e in extra)
            )
        t = entry["threshold"]
        ci = t["ci"]
        lines.append(
            "k* = "
            + ("not bracketed" if t["value"] is None else f"{t['value']:.2f}")
            + (f" (95% CI {ci[0]:.2f}-{ci[1]:.2f}, n = {t['n']})" if ci else f" (n = {t['n']})")
            + (f"; theory {entry['theory_threshold']:.2f}" if entry.get("theory_threshold") else "")
        )
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Attach ``isingformer icl sweep`` to the root app."""
    group = typer.Typer(
        no_args_is_help=True,
        help="In-context learning as a spin glass: the task-diversity transition.",
    )

    @group.command("sweep")
    def sweep_cmd(
        dim: int = typer.Option(8, "--dim", help="Token dimension d (>= 1)."),
        dims: str = typer.Option(
            None,
            "--dims",
            help="Several dimensions: a list 8,16 or a grid 8:32:4 (overrides --dim).",
        ),
        context: int = typer.Option(
            None, "--context", help="Context length ℓ (>= 1; default 2 d, see --context-ratio)."
        ),
        context_ratio: float = typer.Option(
            2.0, "--context-ratio", help="ℓ = ratio · d when --context is not given (> 0)."
        ),
        tasks: str = typer.Option(
            "1,2,4,8,16,64,256,1024,inf",
            "--tasks",
            help="Pretraining pool sizes k, comma-separated positive integers or inf.",
        ),
        seeds: int = typer.Option(3, "--seeds", help="Seeds per point (a count, >= 1)."),
        seed: int = typer.Option(0, "--seed", help="Base seed."),
        model: str = typer.Option("linear", "--model", help="linear | softmax"),
        noise: float = typer.Option(0.5, "--noise", help="Label noise σ (> 0)."),
        pretrain: str = typer.Option(
            "16", "--pretrain", help="Pretraining sequences per d² (τ > 0), or inf (linear)."
        ),
        ridge: float = typer.Option(1e-4, "--ridge", help="Ridge λ of the linear model (>= 0)."),
        beta: float = typer.Option(
            1.0, "--beta", help="Inverse temperature of the Gibbs measure over weights (> 0)."
        ),
        pairs: int = typer.Option(
            200,
            "--pairs",
            help="Replica pairs per point for P(q) (softmax: > 0 trains one second replica).",
        ),
        samples: int = typer.Option(2000, "--samples", help="Evaluation sequences per point."),
        steps: int = typer.Option(300, "--steps", help="Training steps (softmax model)."),
        executor: str = typer.Option("serial", "--executor", help="serial | process | dask"),
        dask_address: str = typer.Option(None, "--dask-address", help=DASK_ADDRESS_HELP),
        store: Path = typer.Option(None, "--store", help=_STORE_HELP),
        as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
        out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
    ) -> None:
        """OOD error, distances to the Bayes baselines and replica overlap vs the
        number of pretraining tasks k; the threshold k* with its CI."""
        from isingformer.icl.cli_args import parse_sweep_args
        from isingformer.icl.sweep import icl_sweep
        from isingformer.runs import store_for

        args = parse_sweep_args(
            dim=dim, dims=dims, context=context, context_ratio=context_ratio, tasks=tasks,
            seeds=seeds, model=model, noise=noise, pretrain=pretrain, ridge=ridge, beta=beta,
            pairs=pairs, samples=samples, steps=steps, executor=executor,
        )  # fmt: skip
        od = out_dir(out)
        with store_for(od, store) as st:
            result = icl_sweep(
                **args, seed=seed, store=st, progress=not as_json, dask_address=dask_address
            )
        if od is not None:
            from isingformer.icl.report import write_sweep_report

            result["report"] = write_sweep_report(od, result)
        emit(result, as_json, _human(result))

    app.add_typer(group, name="icl")
