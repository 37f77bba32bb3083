"""``isingformer ising exact|simulate|tc|tfim|bench``: the Ising engine."""

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
from isingformer.cli._options import DASK_ADDRESS_HELP

ising = typer.Typer(no_args_is_help=True, help="Ising models: exact solutions, Monte Carlo, T_c.")

_TC = 2.269185314213022


def _write_json(od: Path | None, name: str, result: dict) -> None:
    if od is not None:
        from isingformer.cli._common import write_json

        write_json(od / name, result)


@ising.command("exact")
def exact(
    L: int = typer.Option(16, "--size", help="Torus side L (rows, >= 2)."),
    M: int = typer.Option(None, "--width", help="Second side M of the torus (default: --size)."),
    T: float = typer.Option(_TC, "--temperature", help="Temperature T > 0 (J = 1, k_B = 1)."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """Exact ln Z, energy and specific heat per spin of the L x M torus (Kaufman)."""
    from isingformer.physics.ising.study import exact_torus

    result = exact_torus(L, T, M)
    _write_json(out_dir(out), "exact.json", result)
    human = (
        f"{result['size']}x{result['width']} torus at T = {T:g}: ln Z/N = {result['log_z_per_spin']:.15g}, "
        f"u = {result['energy_per_spin']:.13g}, c = {result['specific_heat_per_spin']:.10g}"
    )
    emit(result, as_json, human)


@ising.command("simulate")
def simulate(
    L: int = typer.Option(32, "--size", help="Lattice side L."),
    M: int = typer.Option(None, "--width", help="Second side M of a 2D torus (default: --size)."),
    T: float = typer.Option(2.4, "--temperature", help="Temperature T > 0."),
    sweeps: int = typer.Option(20000, help="Measurement sweeps (>= 1)."),
    algorithm: str = typer.Option("metropolis", help="metropolis | heatbath | wolff"),
    backend: str = typer.Option(
        "auto",
        help="metropolis: auto | msc | numba | torch | cuda (a CUDA GPU, via Numba); "
        "heatbath: numba | torch | msc",
    ),
    dim: int = typer.Option(2, help="2 (square) or 3 (cubic)."),
    seed: int = typer.Option(0, help="Random seed."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """Monte Carlo estimates with error bars (and the exact torus values in 2D)."""
    from isingformer.errors import InputError
    from isingformer.physics.ising.study import ALGORITHMS
    from isingformer.physics.ising.study import simulate as run

    if algorithm not in ALGORITHMS:
        raise InputError(f"--algorithm: use one of {', '.join(ALGORITHMS)}, got {algorithm!r}")
    if algorithm == "heatbath" and backend == "auto":
        backend = "numba"
    result = run(L, T, sweeps, algorithm, seed, M=M, dim=dim, backend=backend)
    _write_json(out_dir(out), "simulate.json", result)
    e, c = result["energy_per_spin"], result["specific_heat"]
    human = (
        f"L = {L}, T = {T:g}, {algorithm}: e = {e['mean']:.5f} +- {e['err']:.5f}, "
        f"c = {c['mean']:.4f} +- {c['err']:.4f}, |m| = {result['abs_magnetization']['mean']:.4f}, "
        f"U = {result['binder']['mean']:.4f}, tau_int(E) = {result['tau_int']['energy']:.1f}"
    )
    if "exact" in result:
        human += (
            f"\nexact torus: e = {result['exact']['energy_per_spin']:.5f}, "
            f"c = {result['exact']['specific_heat_per_spin']:.4f}"
        )
    emit(result, as_json, human)


@ising.command("tc")
def tc(
    sizes: str = typer.Option("16,32,64", help="Lattice sides L (>= 4): list or START:STOP:NUM."),
    temperatures: str = typer.Option(
        None,
        help="Temperatures START:STOP:NUM or a comma list (default T_c +- 3%, 9 points).",
    ),
    dim: int = typer.Option(2, help="2 (square) or 3 (cubic)."),
    sweeps: int = typer.Option(20000, help="Measurement sweeps per point."),
    algorithm: str = typer.Option("wolff", help="metropolis | heatbath | wolff"),
    seed: int = typer.Option(0, help="Random seed."),
    executor: str = typer.Option("process", help="serial | process | dask"),
    dask_address: str = typer.Option(None, "--dask-address", help=DASK_ADDRESS_HELP),
    store: Path = typer.Option(None, help="Results store (default: OUT/runs.sqlite with --out)."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """T_c from Binder-cumulant crossings; nu, gamma/nu and the rounding width by FSS."""
    from isingformer.errors import InputError
    from isingformer.physics.ising.study import ALGORITHMS, tc_study
    from isingformer.runs import EXECUTORS, store_for

    L = parse_int_list(sizes, "sizes", minimum=4)
    grid = parse_grid(temperatures, "temperatures") if temperatures is not None else None
    if algorithm not in ALGORITHMS:
        raise InputError(f"--algorithm: use one of {', '.join(ALGORITHMS)}, got {algorithm!r}")
    if executor not in EXECUTORS:
        raise InputError(f"--executor: use one of {', '.join(EXECUTORS)}, got {executor!r}")
    if sweeps < 1:
        raise InputError(f"--sweeps must be >= 1, got {sweeps}")
    od = out_dir(out)
    with store_for(od, store) as st:
        result = tc_study(
            L,
            grid,
            dim=dim,
            sweeps=sweeps,
            algorithm=algorithm,
            seed=seed,
            store=st,
            executor=executor,
            progress=not as_json,
            dask_address=dask_address,
        )
    if od is not None:
        from isingformer.physics.ising.report import tc_section
        from isingformer.report import Report

        _write_json(od, "tc.json", result)
        config = {"sizes": L, "dim": dim, "sweeps": sweeps, "algorithm": algorithm, "seed": seed}
        config["temperatures"] = result["temperatures"]  # the grid run (default: T_c ± 3 %)
        Report("Ising T_c study", config, [tc_section(result)]).write(od)
    human = (
        f"T_c = {result['tc']:.5f} +- {result['tc_err']:.5f} (exact {result['exact_tc']:.5f}); "
        f"nu = {result['nu']:.3f} +- {result['nu_err']:.3f}; "
        f"gamma/nu = {result['gamma_over_nu']:.3f} +- {result['gamma_over_nu_err']:.3f}"
    )
    emit(result, as_json, human)


@ising.command("tfim")
def tfim(
    sizes: str = typer.Option("8,16,32,64,128,256", help="Chain lengths N."),
    fields: str = typer.Option(
        "0.5:1.5:101", help="Transverse fields g >= 0: START:STOP:NUM or a comma list."
    ),
    ed_max: int = typer.Option(
        12, "--ed-max", help="Cross-check by exact diagonalization up to N."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """Transverse-field Ising chain: E_0(g), dE_0/dg, d^2E_0/dg^2 (free fermions + ED)."""
    from isingformer.physics.ising.study import tfim_study

    N = parse_int_list(sizes, "sizes", minimum=2)
    grid = parse_grid(fields, "fields", positive=False)
    result = tfim_study(N, grid, ed_max=ed_max)
    od = out_dir(out)
    if od is not None:
        from isingformer.physics.ising.report import tfim_section
        from isingformer.report import Report

        _write_json(od, "tfim.json", result)
        Report("TFIM", {"sizes": N}, [tfim_section(result)]).write(od)  # text, caption, peaks
    lines = [
        f"N = {r['size']}: d2e0/dg2 minimum {r['d2_peak']:.4f} at g = {r['d2_peak_g']:.4f}"
        for r in result["sizes"]
    ]
    emit(result, as_json, "\n".join(lines))


@ising.command("bench")
def bench(
    L: int = typer.Option(1024, "--size", help="Metropolis lattice side L (multiple of 128)."),
    wolff_L: int = typer.Option(256, "--wolff-size", help="Wolff lattice side L (>= 4)."),
    seconds: float = typer.Option(1.0, "--min-seconds", help="Minimum seconds per timing."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
    out: Path = typer.Option(None, "--out", help=OUT_OPTION_HELP),
) -> None:
    """flips/ns of multi-spin-coded Metropolis vs a NumPy checkerboard, and Wolff speed."""
    from isingformer.errors import InputError
    from isingformer.physics.ising.bench import bench_metropolis, bench_wolff

    if seconds <= 0:
        raise InputError("--min-seconds must be > 0")
    if wolff_L < 4:
        raise InputError("--wolff-size must be >= 4")
    met = bench_metropolis(L=L, min_seconds=seconds)
    wol = bench_wolff(L=wolff_L, min_seconds=seconds)
    result = {
        "flips_per_ns": met["flips_per_ns"],
        "baseline_flips_per_ns": met["baseline_flips_per_ns"],
        "ratio": met["ratio"],
        "metropolis": met,
        "wolff": wol,
    }
    _write_json(out_dir(out), "bench.json", result)
    human = (
        f"Metropolis L = {L}: {met['flips_per_ns']:.3f} flips/ns vs NumPy "
        f"{met['baseline_flips_per_ns']:.4f} ({met['ratio']:.1f}x); Wolff L = {wolff_L}: "
        f"{wol['flipped_spins_per_ns']:.4f} flipped spins/ns"
    )
    emit(result, as_json, human)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.add_typer(ising, name="ising")
