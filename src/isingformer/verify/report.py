"""The ``proofs`` section of the report and of the main job: the theorem table
(statement in words, file, status) and the verdict on seed 000 §9."""

from __future__ import annotations

from typing import Any

from isingformer.report import Section, Table

__all__ = ["VERDICT", "proofs_job_section", "proofs_section"]

VERDICT = (
    "**Verdict on §9.** The document's Lean 4 sketch proves nothing: its Trotter–Suzuki "
    "theorem ends in `sorry`, `TransformerAsIsingModel` concludes `True`, its finite-size-"
    "scaling and RG statements are vacuous, and its partition function (a fold over an "
    "empty list of states) is identically 0 — each of these is checked in "
    "`proofs/LeanSketch.v`. What the section should have verified is proved here in Coq: "
    "softmax attention is a Gibbs distribution at β = 1/√d_k, the thermodynamic "
    "identities of a finite ensemble, the β → ∞ and β → 0 limits, multi-head additivity "
    "(eq. 5) and certified constants. Eq. 13 (the layer product is the Boltzmann operator "
    "of the summed Hamiltonian) holds for commuting layers and is **false** in general: an "
    "explicit pair of 2×2 projectors violates it at every β ≠ 0."
)


def _status_words(result: dict[str, Any]) -> str:
    """The outcome in words: "every one of the 41 theorems is proved", or how
    many are not (and that the build failed, where it did)."""
    rows = result["theorems"]
    proved = sum(r["status"] == "proved" for r in rows)
    if result["all_proved"]:
        return f"every one of the {len(rows)} theorems is proved"
    words = f"{proved} of {len(rows)} theorems proved, so not every theorem is proved"
    return words + (" (the build failed)" if result.get("error") else "")


def proofs_section(result: dict[str, Any]) -> Section:
    """A report section from the result of :func:`isingformer.verify.verify_proofs`."""
    rows = [[r["name"], r["file"], r["statement"], r["status"]] for r in result["theorems"]]
    axioms = sorted({a for r in result["theorems"] for a in r["assumptions"]})
    text = (
        f"Coq {result['coq_version']} checked the development in `proofs/` "
        f"({result['build_seconds']:.0f} s): {_status_words(result)}. Axioms used anywhere: "
        + (", ".join(f"`{a}`" for a in axioms) or "none")
        + " (those of Coq's standard real numbers).\n\n"
        + VERDICT
    )
    if result.get("error"):
        text += f"\n\nBuild error: {result['error']}"
    table = Table(
        ["theorem", "file", "statement", "status"],
        rows,
        "Machine-checked statements (proofs/README.md ties each to the Python it justifies).",
    )
    return Section("Proofs (seed 000 §9)", text, tables=[table], data={"verify": result})


def proofs_job_section(ctx) -> Section:
    """Main-job entry: check the proofs; without Coq, say how to install it."""
    from isingformer.verify.check import verify_proofs
    from isingformer.verify.coq import CoqMissingError

    try:
        result = verify_proofs()
    except CoqMissingError as exc:
        return Section("Proofs (seed 000 §9)", f"Not checked: {exc}.\n\n{VERDICT}")
    return proofs_section(result)
