"""``isingformer glass sk|overlap``: the SK spin glass (``isingformer.physics.glass``)."""

from __future__ import annotations

import math
from pathlib import Path

import typer

from isingformer.cli._common import (
    JSON_OPTION_HELP,
    OUT_OPTION_HELP,
    emit,
    out_dir,
    parse_int_list,
)
from isingformer.cli._options import DASK_ADDRESS_HELP, ladder_grid, write_report
from isingformer.cli._options import EXECUTOR_HELP as _EXECUTOR_HELP
from isingformer.cli._options import STORE_HELP as _STORE_HELP
from isingformer.cli._options import check_executor as _check_executor

glass = typer.Typer(no_args_is_help=True, help="Sherrington–Kirkpatrick spin glass.")


@glass.command("sk")
def sk(
    n: str = typer.Option(
        "32,64,128", "--sizes", help="Numbers of spins N (>= 4): list or START:STOP:NUM."
    ),
    samples: int = typer.Option(
        20,
        help="Disorder samples at the largest N (>= 3); a smaller N gets "
        "samples·(N_max/N)^(3/2), at most 8x, for similar error bars.",
    ),
    seed: int = typer.Option(0, help="Random seed."),
    sweeps: int = typer.Option(None, help="PT sweeps per sample (default max(500, 12 N))."),
    method: str = typer.Option("pt", help="pt (parallel tempering) | anneal"),
    ladder: str = typer.Option("geometric", help="geometric | adaptive temperature ladder"),
    temperatures: str = typer.Option(
        "0.2:1.6:20",
        help="PT ladder TMIN:TMAX:NUM (NUM temperatures, spaced by --ladder).",
    ),
    executor: str = typer.Option("process", help=_EXECUTOR_HELP),
    dask_address: str = typer.Option(None, "--dask-address", help=DASK_ADDRESS_HELP),
    store: Path = typer.Option(None, help=_STORE_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """SK ground-state energy per spin vs N, extrapolated to N → ∞ (Parisi: −0.7632)."""
    from isingformer.physics.glass.report import sk_section
    from isingformer.physics.glass.spinglass import sk_study
    from isingformer.runs import store_for

    sizes = parse_int_list(n, "sizes", minimum=4)
    t_min, t_max, n_temps = ladder_grid(temperatures)
    _check_executor(executor)
    od = out_dir(out)
    with store_for(od, store) as st:
        result = sk_study(
            sizes,
            samples,
            seed,
            sweeps=sweeps,
            method=method,
            ladder=ladder,
            n_temps=n_temps,
            t_min=t_min,
            t_max=t_max,
            store=st,
            executor=executor,
            progress=not as_json,
            dask_address=dask_address,
        )
    if od is not None:
        sec = sk_section(result)  # text, captions with n and the error method, the table
        result["report"] = write_report(od, "SK ground states", {"sizes": sizes}, sec)
    lines = [f"{'N':>6} {'e0_mean':>9} {'e0_err':>8} {'agree':>6}"]
    lines += [
        f"{p['size']:>6} {p['e0_mean']:9.4f} {p['e0_err']:8.4f} {p['agree_fraction']:6.2f}"
        for p in result["points"]
    ]
    if math.isfinite(result["e_inf"]):
        lines.append(
            f"e_inf = {result['e_inf']:.4f} ± {result['e_inf_err']:.4f} "
            f"(Parisi {result['parisi']}, z = {result['z_vs_parisi']:.2f})"
        )
    emit(result, as_json, "\n".join(lines))


@glass.command("overlap")
def overlap(
    n: str = typer.Option(
        "32,64,128", "--sizes", help="Numbers of spins N (>= 4): list or START:STOP:NUM."
    ),
    temperature: float = typer.Option(0.5, help="Temperature T < 1 (below T_c)."),
    samples: int = typer.Option(10, help="Disorder samples per N (>= 3)."),
    sweeps: int = typer.Option(4000, help="PT sweeps per sample (half are burn-in)."),
    ladder_size: int = typer.Option(
        12, "--ladder-size", help="Temperatures in the PT ladder (--temperature .. 1.6)."
    ),
    bins: int = typer.Option(41, help="Histogram bins on [-1, 1]."),
    seed: int = typer.Option(0, help="Random seed."),
    executor: str = typer.Option("process", help=_EXECUTOR_HELP),
    dask_address: str = typer.Option(None, "--dask-address", help=DASK_ADDRESS_HELP),
    store: Path = typer.Option(None, help=_STORE_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """Overlap distribution P(q) of two real replicas vs the replica-symmetric peaks."""
    from isingformer.physics.glass.report import overlap_section
    from isingformer.physics.glass.spinglass import overlap_study
    from isingformer.runs import store_for

    sizes = parse_int_list(n, "sizes", minimum=4)
    _check_executor(executor)
    od = out_dir(out)
    with store_for(od, store) as st:
        result = overlap_study(
            sizes,
            temperature,
            samples,
            seed,
            sweeps=sweeps,
            n_temps=ladder_size,
            bins=bins,
            store=st,
            executor=executor,
            progress=not as_json,
            dask_address=dask_address,
        )
    if od is not None:
        sec = overlap_section(result)  # the weight near q = 0 with its error, a full caption
        result["report"] = write_report(od, "SK overlaps", {"sizes": sizes}, sec)
    lines = [
        f"T = {temperature}  q_RS = {result['q_rs']:.4f}",
        f"{'N':>6} {'P(|q|<q_RS/2)':>14} {'err':>7} {'<|q|>':>7}",
    ]
    lines += [
        f"{c['size']:>6} {c['weight_small']:14.4f} {c['weight_small_err']:7.4f} {c['mean_abs_q']:7.4f}"
        for c in result["curves"]
    ]
    emit(result, as_json, "\n".join(lines))


def register(app: typer.Typer) -> None:
    """Attach ``glass`` to the root app."""
    app.add_typer(glass, name="glass")
