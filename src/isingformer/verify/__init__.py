"""Machine-checked statements of the Ising–attention correspondence (seed 000 §9).

The Coq development in ``proofs/`` proves the statements; this package builds
it in a temporary directory (:func:`verify_proofs`), lists each theorem with
its status and assumptions, ties each to the Python function it justifies
(:data:`THEOREMS`) and reads the certified numerical bounds
(:func:`certified_bounds`).
"""

from isingformer.verify.bounds import certified_bounds
from isingformer.verify.check import (
    FORBIDDEN_WORDS,
    STANDARD_AXIOMS,
    default_proofs_dir,
    forbidden_words,
    parse_assumptions,
    verify_proofs,
)
from isingformer.verify.coq import INSTALL_COMMAND, CoqMissingError, coq_version, find_coq
from isingformer.verify.report import VERDICT, proofs_job_section, proofs_section
from isingformer.verify.theorems import THEOREMS, Theorem

__all__ = [
    "FORBIDDEN_WORDS",
    "INSTALL_COMMAND",
    "STANDARD_AXIOMS",
    "THEOREMS",
    "VERDICT",
    "CoqMissingError",
    "Theorem",
    "certified_bounds",
    "coq_version",
    "default_proofs_dir",
    "find_coq",
    "forbidden_words",
    "parse_assumptions",
    "proofs_job_section",
    "proofs_section",
    "verify_proofs",
]
