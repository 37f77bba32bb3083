"""``isingformer verify``: check the Coq proofs of seed 000 §9 and list every theorem."""

from __future__ import annotations

from pathlib import Path

import typer

from isingformer.cli._common import JSON_OPTION_HELP, OUT_OPTION_HELP, emit, out_dir, write_json


def _human(result: dict) -> str:
    rows = result["theorems"]
    width = max((len(r["name"]) for r in rows), default=4)
    lines = [f"Coq {result['coq_version']}: {len(rows)} theorems in {result['proofs_dir']}"]
    for r in rows:
        lines.append(f"  {r['status']:<11} {r['name']:<{width}}  {r['file']}: {r['statement']}")
    axioms = sorted({a for r in rows for a in r["assumptions"]})
    lines.append("  assumptions: " + (", ".join(axioms) if axioms else "none"))
    if result["forbidden"]:
        lines.append("  forbidden words: " + "; ".join(result["forbidden"]))
    if result["error"]:
        lines.append(f"  build error: {result['error']}")
    proved = sum(r["status"] == "proved" for r in rows)
    if result["all_proved"]:
        lines.append(f"  every one of the {len(rows)} theorems is proved")
    else:
        lines.append(f"  not every theorem is proved: {proved} of {len(rows)}")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Attach ``isingformer verify`` to the root app."""

    @app.command("verify")
    def verify(
        proofs: Path | None = typer.Option(
            None, "--proofs", help="The Coq development (default: the checkout's proofs/)."
        ),
        as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
        out: Path | None = typer.Option(None, "--out", help=OUT_OPTION_HELP),
    ) -> None:
        """Compile the Coq proofs (in a temporary directory) and list each theorem,
        its status and the axioms it rests on."""
        from isingformer.verify import verify_proofs

        directory = out_dir(out)  # a bad --out fails before the (slow) build
        result = verify_proofs(proofs)
        if directory is not None:
            write_json(directory / "verify.json", result)
        emit(result, as_json, _human(result))
        if not result["all_proved"]:
            raise typer.Exit(1)
