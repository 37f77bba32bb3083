"""``isingformer ensemble ...``: the Gibbs-ensemble core and the REM reference."""

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
from isingformer.cli._options import DASK_ADDRESS_HELP, EXECUTOR_HELP, STORE_HELP, check_executor

group = typer.Typer(
    no_args_is_help=True, help="Gibbs ensembles, critical points and the REM reference."
)


# what the extrapolations' errors are: n = the sizes fitted (those whose peak is inside the grid)
_FIT_METHOD = (
    "weighted least squares over the n sizes (weights 1/err^2 of the bootstrap errors); "
    "one-sigma error from the fit covariance, scaled by sqrt(chi2/dof) when > 1"
)


@group.command("rem")
def rem(
    n: str = typer.Option(
        "16,64,256,1024,4096",
        "--sizes",
        help="Numbers of keys N (>= 2): comma list or START:STOP:NUM.",
    ),
    samples: int = typer.Option(200, help="Rows (independent logit vectors) per N."),
    sigma: float = typer.Option(1.0, help="Standard deviation σ of the Gaussian logits (> 0)."),
    seed: int = typer.Option(0, help="Random seed."),
    betas: str = typer.Option(
        None,
        help="β values START:STOP:NUM or a comma list, >= 3 (default: 0.02..1.6 β_c(N) per N).",
    ),
    n_boot: int = typer.Option(200, "--n-boot", help="Bootstrap resamples for error bars."),
    executor: str = typer.Option("process", help=EXECUTOR_HELP),
    dask_address: str = typer.Option(None, "--dask-address", help=DASK_ADDRESS_HELP),
    store: Path = typer.Option(None, help=STORE_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """The REM study: finite-N heat-capacity peak β*(N) against β_c = sqrt(2 ln N)/σ."""
    from isingformer.ensemble import rem_study
    from isingformer.errors import InputError
    from isingformer.runs import store_for

    ns = parse_int_list(n, "sizes", minimum=2)
    check_executor(executor)
    if not sigma > 0:
        raise InputError(f"--sigma must be > 0, got {sigma}")
    if samples < 2:
        raise InputError(f"--samples must be >= 2, got {samples}")
    grid = parse_grid(betas, "betas") if betas is not None else None
    if grid is not None and len(grid) < 3:
        raise InputError("--betas needs at least 3 points")
    od = out_dir(out)
    with store_for(od, store) as st:
        study = rem_study(
            ns,
            samples,
            sigma,
            seed,
            None if grid is None else grid.tolist(),
            store=st,
            executor=executor,
            n_boot=n_boot,
            progress=not as_json,
            dask_address=dask_address,
        )
    result = {
        "sigma": sigma,
        "samples": samples,
        "seed": seed,
        "points": [
            {"size": p.n}  # N; "n" counts the values behind an estimate (docs/cli.md)
            | {
                k: getattr(p, k)
                for k in (
                    "beta_peak",
                    "beta_peak_err",
                    "c_max",
                    "c_max_err",
                    "beta_c_theory",
                    "beta_slope",
                    "beta_slope_err",
                    "peak_at_edge",
                )
            }
            for p in study.points
        ],
        # what the *_err fields are (stats rule: every error bar states n and method)
        "errors": {
            "method": "standard deviation of the feature over bootstrap resamples of the rows "
            "(none below 3 rows)",
            "n": samples,
            "n_boot": n_boot,
        },
        "ratio_extrapolation": None
        if study.ratio_fit is None
        else {
            "form": "beta_peak/beta_c = y_inf + a/ln N",
            "y_inf": study.ratio_fit.y_inf,
            "y_inf_err": study.ratio_fit.y_inf_err,
            "chi2_per_dof": study.ratio_fit.chi2_per_dof,
            "n": len(study.ratio_fit.sizes),
            "method": _FIT_METHOD,
        },
        "height_scaling": None
        if study.height_fit is None
        else {
            "form": "c_max = a N^omega",
            "omega": study.height_fit.exponent,
            "omega_err": study.height_fit.exponent_err,
            "chi2_per_dof": study.height_fit.chi2_per_dof,
            "n": len(study.height_fit.sizes),
            "method": _FIT_METHOD,
        },
    }
    if od is not None:
        from isingformer.report import Report
        from isingformer.report.rem import rem_section

        result["report"] = str(Report("REM study", study.config, [rem_section(study)]).write(od))
    lines = [f"{'N':>7} {'beta*':>8} {'err':>7} {'C_max':>7} {'beta_c':>7}"]
    lines += [
        f"{p['size']:>7} {p['beta_peak']:8.4f} {p['beta_peak_err']:7.4f} {p['c_max']:7.3f} "
        f"{p['beta_c_theory']:7.4f}"
        for p in result["points"]
    ]
    emit(result, as_json, "\n".join(lines))


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="ensemble")
