"""Compile the Coq development in a temporary directory and report, for each
theorem, whether it is proved and which axioms it rests on."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from isingformer.errors import InputError
from isingformer.verify.coq import coq_version, find_coq, run_coq
from isingformer.verify.theorems import THEOREMS, Theorem

__all__ = [
    "FORBIDDEN_WORDS",
    "STANDARD_AXIOMS",
    "default_proofs_dir",
    "forbidden_words",
    "parse_assumptions",
    "verify_proofs",
]

#: The axioms of Coq's standard library of real numbers (``Reals``); nothing
#: else is accepted. The first three underlie the construction of ``R``
#: itself; excluded middle (``classic``) is what the standard library's own
#: real analysis rests on (``Print Assumptions MVT`` or ``ln_increasing`` in
#: Coq 8.16 lists exactly these four), and Coquelicot uses it the same way.
STANDARD_AXIOMS = frozenset(
    {
        "ClassicalDedekindReals.sig_forall_dec",
        "ClassicalDedekindReals.sig_not_dec",
        "FunctionalExtensionality.functional_extensionality_dep",
        "Classical_Prop.classic",
    }
)

#: Words that would leave a hole in a proof or add an assumption.
FORBIDDEN_WORDS = ("Admitted", "admit", "Axiom", "Axioms", "Parameter", "Parameters")

_MARK = "@@theorem "


def default_proofs_dir() -> Path:
    """``proofs/`` of the source checkout this package is installed from."""
    return Path(__file__).resolve().parents[3] / "proofs"


def _sources(proofs: Path) -> list[str]:
    project = proofs / "_CoqProject"
    if not project.is_file():
        raise InputError(f"--proofs: {proofs} has no _CoqProject; pass the repository's proofs/")
    return [w for w in project.read_text().split() if w.endswith(".v")]


def forbidden_words(proofs: Path) -> list[str]:
    """``"file:line: word"`` for every forbidden word in the ``.v`` files of ``proofs``."""
    pattern = re.compile(r"\b(" + "|".join(FORBIDDEN_WORDS) + r")\b")
    hits = []
    for path in sorted(proofs.glob("*.v")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for match in pattern.finditer(line):
                hits.append(f"{path.name}:{number}: {match.group(1)}")
    return hits


def parse_assumptions(output: str) -> dict[str, list[str]]:
    """Axioms per theorem from the output of ``Print Assumptions`` blocks that
    are each preceded by a line ``@@theorem NAME``."""
    result: dict[str, list[str]] = {}
    current: str | None = None
    in_axioms = False
    for line in output.splitlines():
        if line.startswith(_MARK):
            current = line[len(_MARK) :].strip()
            result[current] = []
            in_axioms = False
        elif current is None:
            continue
        elif line.startswith("Axioms:"):
            in_axioms = True
        elif line.startswith("Closed under the global context"):
            in_axioms = False
        elif in_axioms and line and not line[0].isspace():
            result[current].append(line.split()[0])
    return result


def _assumptions_file(theorems: tuple[Theorem, ...], modules: list[str]) -> str:
    lines = ["From Isingformer Require " + " ".join(modules) + "."]
    for t in theorems:
        if t.covered_by:
            continue
        lines.append(f'Goal True. idtac "{_MARK}{t.qualified}". exact I. Qed.')
        lines.append(f"Print Assumptions Isingformer.{t.qualified}.")
    return "\n".join(lines) + "\n"


def _print_assumptions(build: Path, modules: list[str]) -> tuple[dict[str, list[str]], str]:
    """``Print Assumptions`` of every theorem (about a second each), split over
    two ``coqc`` processes that run at once."""
    theorems = [t for t in THEOREMS if not t.covered_by]
    parts = [tuple(theorems[i::2]) for i in range(2)]
    procs = []
    for i, part in enumerate(parts):
        (build / f"Assumptions{i}.v").write_text(_assumptions_file(part, modules))
        procs.append(
            subprocess.Popen(
                ["coqc", "-R", ".", "Isingformer", f"Assumptions{i}.v"],
                cwd=build,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    assumptions: dict[str, list[str]] = {}
    error = ""
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        if proc.returncode != 0 and not error:
            error = (err or out).strip()
        assumptions.update(parse_assumptions(out))
    return assumptions, error


def verify_proofs(proofs_dir: Path | None = None) -> dict[str, Any]:
    """Check every proof of the development.

    Copies ``proofs_dir`` (default: the checkout's ``proofs/``) to a temporary
    directory, builds it with ``coq_makefile`` + ``make``, runs ``Print
    Assumptions`` on every theorem of :data:`THEOREMS` and returns
    ``{"coq_version", "theorems": [{"name", "file", "statement", "python",
    "status", "assumptions", "assumptions_of"}], "all_proved", "forbidden",
    "build_seconds", "error"}``. A theorem is ``"proved"`` when its file
    checks and it rests on no axiom outside :data:`STANDARD_AXIOMS`;
    ``assumptions_of`` names the theorem whose ``Print Assumptions`` was read
    (itself, or one whose proof uses it: see :attr:`Theorem.covered_by`).
    """
    _, coq_makefile = find_coq()
    version = coq_version()
    proofs = default_proofs_dir() if proofs_dir is None else Path(proofs_dir)
    if not proofs.is_dir():
        raise InputError(f"--proofs: {proofs} is not a directory")
    sources = _sources(proofs)
    forbidden = forbidden_words(proofs)
    error = ""
    assumptions: dict[str, list[str]] = {}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="isingformer-proofs-") as tmp:
        build = Path(tmp) / "proofs"
        shutil.copytree(proofs, build, ignore=shutil.ignore_patterns("*.vo*", "*.glob", ".*"))
        made = run_coq([coq_makefile, "-f", "_CoqProject", "-o", "Makefile"], build)
        if made.returncode == 0:
            made = run_coq(["make", "-s", "-j2"], build)
        if made.returncode != 0:
            error = (made.stderr or made.stdout).strip()
        else:
            modules = [s.removesuffix(".v") for s in sources]
            assumptions, error = _print_assumptions(build, modules)
    seconds = time.perf_counter() - start
    rows = []
    by_name = {t.name: t for t in THEOREMS}
    for t in THEOREMS:
        source = by_name[t.covered_by] if t.covered_by else t
        axioms = assumptions.get(source.qualified)
        if axioms is None:
            status = "not checked"
        elif set(axioms) <= STANDARD_AXIOMS and not forbidden:
            status = "proved"
        else:
            status = "rests on extra axioms"
        rows.append(
            {
                "name": t.name,
                "file": t.file,
                "statement": t.statement,
                "python": t.python,
                "status": status,
                "assumptions": axioms if axioms is not None else [],
                "assumptions_of": source.name,
            }
        )
    return {
        "coq_version": version,
        "proofs_dir": str(proofs),
        "theorems": rows,
        "all_proved": bool(rows) and all(r["status"] == "proved" for r in rows) and not error,
        "forbidden": forbidden,
        "build_seconds": seconds,
        "error": error.splitlines()[-1] if error else "",
    }
