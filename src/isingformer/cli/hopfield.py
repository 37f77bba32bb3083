"""``isingformer hopfield capacity|modern``: Hopfield networks
(``isingformer.physics.hopfield``)."""

from __future__ import annotations

from pathlib import Path

import typer

from isingformer.cli._common import (
    JSON_OPTION_HELP,
    OUT_OPTION_HELP,
    emit,
    out_dir,
    parse_grid,
    parse_int_list,
)
from isingformer.cli._options import DASK_ADDRESS_HELP, spaced_values, write_report
from isingformer.cli._options import EXECUTOR_HELP as _EXECUTOR_HELP
from isingformer.cli._options import STORE_HELP as _STORE_HELP
from isingformer.cli._options import check_executor as _check_executor

hopfield = typer.Typer(no_args_is_help=True, help="Hopfield networks, classical and modern.")


@hopfield.command("capacity")
def capacity(
    n: str = typer.Option(
        "500,1000,2000", "--sizes", help="Numbers of neurons N (>= 10): list or START:STOP:NUM."
    ),
    alpha: str = typer.Option(
        "0.08:0.22:15", "--alphas", help="Loads α = P/N: START:STOP:NUM or a comma list."
    ),
    trials: int = typer.Option(40, help="Independent pattern sets per point (>= 3)."),
    noise: float = typer.Option(0.0, help="Fraction of cue spins flipped (0: stored pattern)."),
    temperature: float = typer.Option(0.0, help="Dynamics temperature (0: zero-T)."),
    threshold: float = typer.Option(0.9, help="Retrieval if final overlap m > threshold."),
    exponent: float = typer.Option(0.5, help="Finite-size exponent in α_50 = α_c + A N^-x."),
    seed: int = typer.Option(0, help="Random seed."),
    executor: str = typer.Option("process", help=_EXECUTOR_HELP),
    dask_address: str = typer.Option(None, "--dask-address", help=DASK_ADDRESS_HELP),
    store: Path = typer.Option(None, help=_STORE_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """Storage-capacity transition vs α for several N, with α_c extrapolated (theory 0.138)."""
    from isingformer.errors import InputError
    from isingformer.physics.hopfield.classical import capacity_study
    from isingformer.physics.hopfield.report import capacity_section
    from isingformer.runs import store_for

    sizes = parse_int_list(n, "sizes", minimum=10)
    alphas = parse_grid(alpha, "alphas")
    if not exponent > 0:
        raise InputError(f"--exponent must be > 0, got {exponent}")
    _check_executor(executor)
    od = out_dir(out)
    with store_for(od, store) as st:
        result = capacity_study(
            sizes,
            alphas,
            trials,
            seed,
            noise=noise,
            temperature=temperature,
            threshold=threshold,
            exponent=exponent,
            store=st,
            executor=executor,
            progress=not as_json,
            dask_address=dask_address,
        )
    if od is not None:
        sec = capacity_section(result)  # α_c with its error in the text, n in the caption
        result["report"] = write_report(od, "Hopfield capacity", {"sizes": sizes}, sec)
    lines = []
    for c in result["curves"]:
        lines.append(f"N = {c['size']}")
        lines += [
            f"  alpha {a:.4f}  m {m:.3f}  P(ret) {p:.2f}"
            for a, m, p in zip(c["alpha"], c["overlap"], c["p_retrieval"], strict=True)
        ]
    if result["alpha_c"] is not None:
        lines.append(
            f"alpha_c = {result['alpha_c']:.4f} ± {result['alpha_c_err']:.4f} (theory 0.138)"
        )
    else:
        lines.append(f"alpha_c: {result['alpha_c_note']}")
    emit(result, as_json, "\n".join(lines))


@hopfield.command("modern")
def modern(
    d: int = typer.Option(64, "--dim", help="Pattern dimension d."),
    patterns: int = typer.Option(32, help="Number of stored patterns P (>= 2)."),
    clusters: int = typer.Option(4, help="Clusters of similar patterns (1..P; P = unclustered)."),
    spread: float = typer.Option(0.5, help="Within-cluster spread (relative noise >= 0)."),
    betas: str = typer.Option(
        "0.1:1000:41", help="Inverse temperatures β > 0: START:STOP:NUM or a comma list (>= 2)."
    ),
    spacing: str = typer.Option("log", help="Spacing of a START:STOP:NUM grid: log | linear."),
    noise: float = typer.Option(0.1, help="Noise added to each start (relative)."),
    seed: int = typer.Option(0, help="Random seed."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """Attention as a modern Hopfield network: global / metastable / retrieval β ranges."""
    import numpy as np

    from isingformer.errors import InputError
    from isingformer.physics.hopfield.modern import modern_study
    from isingformer.physics.hopfield.report import modern_section

    beta_values = spaced_values(betas, "betas", spacing, gt=0)
    if len(beta_values) < 2:
        raise InputError("--betas: need at least two values")
    if noise < 0:
        raise InputError(f"--noise must be >= 0, got {noise}")
    od = out_dir(out)
    result = modern_study(
        d, patterns, clusters, spread, np.asarray(beta_values), noise=noise, seed=seed
    )
    if od is not None:
        sec = modern_section(result)  # the regimes in words (not a Python list), a full caption
        config = {"dim": d, "patterns": patterns}
        result["report"] = write_report(od, "Modern Hopfield", config, sec)
    lines = [
        f"{r['regime']:>10}: beta in [{r['beta_min']:.4g}, {r['beta_max']:.4g}]"
        for r in result["regimes"]
    ]
    lines.append(
        f"all patterns retrieved from beta = {result['retrieval_beta']:.4g}; "
        f"separation bound median {result['separation_beta']['median'] or float('nan'):.4g}"
    )
    emit(result, as_json, "\n".join(lines))


def register(app: typer.Typer) -> None:
    """Attach ``hopfield`` to the root app."""
    app.add_typer(hopfield, name="hopfield")
