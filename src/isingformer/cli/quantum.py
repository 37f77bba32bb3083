"""``isingformer quantum``: the Fock-space open-quantum-system model of a transformer (seed 003)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from isingformer.cli._common import JSON_OPTION_HELP, OUT_OPTION_HELP, emit, out_dir

MODE_HELP = "dense (full matrices on F^(M), tiny systems), sparse (populated strings only) or auto."


def _write(out: Path | None, name: str, result: dict[str, Any], jd=None) -> None:
    """Save the result JSON and, for small trees, the figure of the measurement tree."""
    directory = out_dir(out)
    if directory is None:
        return
    from isingformer.cli._common import write_json

    write_json(directory / f"{name}.json", result)
    if jd is not None and len(jd.joint) <= 64:
        from isingformer.quantum.figures import save_tree_figure

        save_tree_figure(jd, directory / f"{name}_tree.png")


def _human_joint(title: str, result: dict[str, Any]) -> str:
    lines = [title]
    joint = result.get("joint", {})
    for key, p in list(joint.items())[:40]:
        lines.append(f"  P({key}) = {p:.15g}")
    if len(joint) > 40:
        lines.append(f"  … {len(joint) - 40} more outcomes (use --json)")
    lines.append(f"  cptp: {str(result['cptp']).lower()}")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Attach ``isingformer quantum example|run|verify`` to the root app."""
    group = typer.Typer(
        no_args_is_help=True,
        help="Fock-space open-quantum-system model of the transformer: exact joint law, CPTP checks.",
    )

    @group.command("example")
    def example(
        mode: str = typer.Option("auto", "--mode", help=MODE_HELP),
        as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
        out: Path | None = typer.Option(None, "--out", help=OUT_OPTION_HELP),
    ) -> None:
        """The document's worked Example: joint law, marginals, closed form, CPTP."""
        from isingformer.quantum.api import example_summary
        from isingformer.quantum.measurement import sequential_measurement
        from isingformer.quantum.spec import example_spec

        result = example_summary(mode)
        _write(
            out,
            "quantum_example",
            result,
            sequential_measurement(example_spec(), mode) if out else None,
        )
        human = _human_joint("Worked Example (β = 1), T = (x0, x1, x0), F^(6)(C²):", result)
        human += f"\n  first step: {result['marginals']}\n  max |error| vs closed form: {result['max_abs_error']:.3g}"
        emit(result, as_json, human)

    @group.command("run")
    def run(
        spec: Path = typer.Option(
            ..., "--spec", help="Transformer spec JSON (see docs/quantum.md)."
        ),
        mode: str = typer.Option("auto", "--mode", help=MODE_HELP),
        samples: int = typer.Option(
            None, "--samples", help="Also sample this many texts (>= 1) by repeated measurement."
        ),
        seed: int = typer.Option(0, "--seed", help="Seed of the sampling."),
        as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
        out: Path | None = typer.Option(None, "--out", help=OUT_OPTION_HELP),
    ) -> None:
        """Exact joint distribution of the generated tokens of a spec, with CPTP checks."""
        from isingformer.errors import InputError
        from isingformer.quantum.api import run_summary
        from isingformer.quantum.measurement import sequential_measurement
        from isingformer.quantum.spec import load_spec

        if samples is not None and samples < 1:
            raise InputError(f"--samples must be >= 1, got {samples}")
        model = load_spec(spec)
        result = run_summary(model, mode, samples or 0, seed)
        _write(out, "quantum_run", result, sequential_measurement(model, mode) if out else None)
        emit(
            result,
            as_json,
            _human_joint(f"Joint law of the generated tokens ({result['mode']} mode):", result),
        )

    @group.command("verify")
    def verify(
        spec: Path | None = typer.Option(
            None, "--spec", help="Spec JSON; default: built-in specs."
        ),
        mode: str = typer.Option("auto", "--mode", help=MODE_HELP),
        seeds: int = typer.Option(
            5, "--seeds", help="Number K of seeds of the χ² sampling tests: seed .. seed+K-1."
        ),
        seed: int = typer.Option(0, "--seed", help="Base seed (0 <= seed < 2^63)."),
        samples: int = typer.Option(20000, "--samples", help="Samples per seed."),
        quick: bool = typer.Option(False, "--quick", help="Skip the vocabulary-50 spec."),
        as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
        out: Path | None = typer.Option(None, "--out", help=OUT_OPTION_HELP),
    ) -> None:
        """CPTP, exact agreement with the autoregressive sampler, χ² of sampled frequencies."""
        from isingformer.errors import InputError
        from isingformer.quantum.api import verify_summary
        from isingformer.quantum.spec import load_spec

        if seeds < 1:
            raise InputError(f"--seeds is a count and must be >= 1, got {seeds}")
        if not 0 <= seed < 2**63 - seeds:
            raise InputError(f"--seed must be in 0 .. 2^63 - seeds, got {seed}")
        seed_list = list(range(seed, seed + seeds))
        if samples < 1:
            raise InputError(f"--samples must be >= 1, got {samples}")
        model = load_spec(spec) if spec is not None else None
        result = verify_summary(model, mode=mode, seeds=seed_list, n_samples=samples, quick=quick)
        _write(out, "quantum_verify", result)
        lines = ["Fock-space model verification:"]
        for r in result["specs"]:
            lines.append(
                f"  {r['name']}: cptp={str(r['cptp']).lower()} |joint − autoregressive| = "
                f"{r['joint_max_abs_diff']:.2g}, χ² combined p (measurement) = {r['p_combined_quantum']:.3g}, "
                f"(autoregressive) = {r['p_combined_classical']:.3g} -> {'ok' if r['passed'] else 'FAILED'}"
            )
        lines.append(f"passed: {str(result['passed']).lower()}")
        emit(result, as_json, "\n".join(lines))
        if not result["passed"]:
            raise typer.Exit(code=1)

    app.add_typer(group, name="quantum")
