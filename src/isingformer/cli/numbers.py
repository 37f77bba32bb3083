"""``isingformer numbers``: primon gas, Lee–Yang zeros, ζ zeros, prime gaps (seed 001 §2.2, §3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from isingformer.cli._common import JSON_OPTION_HELP, OUT_OPTION_HELP, emit, out_dir

THREADS_HELP = "Intra-op threads (default: 1 on machines with <= 2 cores)."


def _save(out: Path | None, name: str, result: dict[str, Any]) -> None:
    directory = out_dir(out)
    if directory is None:
        return
    from isingformer.cli._common import write_json

    write_json(directory / f"numbers_{name}.json", result)


def _threads(n: int | None) -> None:
    from isingformer.threads import set_threads

    set_threads(n)


def register(app: typer.Typer) -> None:
    """Attach ``isingformer numbers primon|leeyang|zeros|gaps`` to the root app."""
    group = typer.Typer(
        no_args_is_help=True,
        help="Primes, ζ and Lee–Yang zeros: primon gas, certified zeros, prime gaps.",
    )

    @group.command("primon")
    def primon_cmd(
        beta: float = typer.Option(2.0, "--beta", help="Inverse temperature β (β·E_0 > 1)."),
        e0: float = typer.Option(1.0, "--e0", help="Energy unit E_0 (> 0)."),
        fermionic: bool = typer.Option(False, "--fermionic", help="Square-free gas ζ(s)/ζ(2s)."),
        threads: int | None = typer.Option(None, "--threads", help=THREADS_HELP),
        as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
        out: Path | None = typer.Option(None, "--out", help=OUT_OPTION_HELP),
    ) -> None:
        """Certified primon-gas thermodynamics Z = ζ(βE_0) (ball arithmetic)."""
        _threads(threads)
        from isingformer.numbers.api import primon_summary

        result = primon_summary(beta, e0, fermionic=fermionic)
        _save(out, "primon", result)
        human = "\n".join(
            f"{k:14s} {result[k]:.15g} ± {result[k + '_radius']:.2g}"
            for k in ("log_z", "free_energy", "energy", "entropy", "heat_capacity")
        )
        emit(result, as_json, f"primon gas ({result['gas']}), β = {beta}, E_0 = {e0}\n{human}")

    @group.command("leeyang")
    def leeyang_cmd(
        lattice: str = typer.Option("ring", "--lattice", help="ring (N spins) or torus (L x L)."),
        size: int = typer.Option(
            8, "--size", help="Spins N of the ring (<= 4096) or side L of the torus (<= 7)."
        ),
        temperature: float = typer.Option(
            2.269185314213022, "--temperature", help="Temperature T in units of |J| (> 0)."
        ),
        coupling: float = typer.Option(1.0, "--coupling", help="J: +1 ferromagnet, -1 antiferro."),
        threads: int | None = typer.Option(None, "--threads", help=THREADS_HELP),
        as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
        out: Path | None = typer.Option(None, "--out", help=OUT_OPTION_HELP),
    ) -> None:
        """Certified Lee–Yang zeros in z = e^(−2βh) of an exact Ising polynomial."""
        _threads(threads)
        from isingformer.numbers.leeyang import lee_yang

        result = lee_yang(lattice, size, temperature, coupling=coupling)
        _save(out, "leeyang", result)
        human = (
            f"{lattice} size {size}, T = {temperature}, J = {coupling}: {result['degree']} zeros\n"
            f"  on |z| = 1 (certified): {str(result['on_unit_circle']).lower()}; "
            f"proven off: {result['n_certified_off_circle']}\n"
            f"  max ||z| - 1| = {result['max_abs_deviation']:.3g}; "
            f"first zero angle = {result['first_zero_angle']:.12g}"
        )
        emit(result, as_json, human)

    @group.command("zeros")
    def zeros_cmd(
        count: int = typer.Option(100, "--count", help="Number K of ζ zeros (12..20000)."),
        n_boot: int = typer.Option(200, "--n-boot", help="Bootstrap resamples of KS distances."),
        seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap."),
        threads: int | None = typer.Option(None, "--threads", help=THREADS_HELP),
        as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
        out: Path | None = typer.Option(None, "--out", help=OUT_OPTION_HELP),
    ) -> None:
        """First K nontrivial ζ zeros certified on the critical line; spacing KS."""
        _threads(threads)
        from isingformer.errors import InputError
        from isingformer.numbers.api import zeros_summary

        if not 1 <= n_boot <= 10_000:
            raise InputError(f"--n-boot must be in 1..10000, got {n_boot}")
        result = zeros_summary(count, n_boot=n_boot, seed=seed)
        _save(out, "zeros", result)
        ks = result["spacing_ks"]
        human = (
            f"{count} zeros, γ_1 = {result['zeros'][0]:.15g}, γ_K = {result['zeros'][-1]:.15g}\n"
            f"  all on the critical line (certified): {str(result['all_on_critical_line']).lower()}"
            f" (N(T) = {result['n_count']} at T = {result['height']:.6g})\n"
            "  spacing KS: " + ", ".join(f"{k} {v:.4f}" for k, v in ks.items())
        )
        emit(result, as_json, human)

    @group.command("gaps")
    def gaps_cmd(
        limit: int = typer.Option(
            10_000_000,
            "--limit",
            help="Sieve primes up to X (100..1e10, within the work ceiling; 1e9 in about a second).",
        ),
        ising_size: int = typer.Option(
            0, "--ising-size", help="Also 2D Ising row-cut walls on an L x L torus (0: skip)."
        ),
        seeds: int = typer.Option(
            3, "--seeds", help="Monte Carlo seeds for the Ising rows (a count)."
        ),
        seed: int = typer.Option(0, "--seed", help="Base seed: seeds seed..seed+K-1."),
        threads: int | None = typer.Option(None, "--threads", help=THREADS_HELP),
        as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
        out: Path | None = typer.Option(None, "--out", help=OUT_OPTION_HELP),
    ) -> None:
        """Prime gaps against Cramér, 1D-Ising walls, Hardy–Littlewood (and 2D Ising rows)."""
        _threads(threads)
        from isingformer.errors import InputError
        from isingformer.numbers.gaps import gaps_study
        from isingformer.numbers.sieve import check_sieve_limit

        check_sieve_limit(limit)
        if ising_size and not 1 <= seeds <= 16:
            raise InputError(f"--seeds must be in 1..16, got {seeds}")
        result = gaps_study(limit, ising_size=ising_size, seeds=seeds, seed=seed)
        _save(out, "gaps", result)
        human = (
            f"π({limit}) = {result['n_primes']}\n  KS (top decade): "
            + ", ".join(f"{k} {v:.4f}" for k, v in result["ks"].items())
            + f"\n  {result['verdict']}"
        )
        emit(result, as_json, human)

    @group.command("theta")
    def theta_cmd(
        sizes: str = typer.Option(
            "2,3,4,5,6", "--sizes", help="Torus sides L (list or grid START:STOP:NUM; 2..7)."
        ),
        temperature: float = typer.Option(
            2.269185314213022, "--temperature", help="Temperature T in units of J (default T_c)."
        ),
        store: Path | None = typer.Option(None, "--store", help="Results store (SQLite)."),
        threads: int | None = typer.Option(None, "--threads", help=THREADS_HELP),
        as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
        out: Path | None = typer.Option(None, "--out", help=OUT_OPTION_HELP),
    ) -> None:
        """First Lee–Yang angle θ₁(L) of L x L tori and the fitted exponent y_h (15/8 at T_c)."""
        _threads(threads)
        from isingformer.cli._common import parse_int_list
        from isingformer.numbers.leeyang import theta_scaling
        from isingformer.numbers.polynomial import TORUS_MAX_SIZE
        from isingformer.runs import store_for

        size_list = parse_int_list(sizes, "sizes", minimum=2, maximum=TORUS_MAX_SIZE)
        directory = out_dir(out)
        with store_for(directory, store) as results:
            result = theta_scaling(size_list, temperature, store=results)
        _save(out, "theta", result)
        human = "\n".join(
            f"  L = {L}: θ₁ = {th:.12g}"
            for L, th in zip(result["sizes"], result["first_zero_angles"], strict=True)
        )
        human += (
            f"\n  y_h = {result['y_h']:.4f} ± {result['y_h_stderr'] or float('nan'):.4f} (fit)"
            f" ± {result['y_h_spread']:.4f} (fit choice); exact 15/8 at T_c"
        )
        emit(result, as_json, human)

    app.add_typer(group, name="numbers")
