"""Finding and running the Coq toolchain (``coqc``, ``coq_makefile``).

The development in ``proofs/`` is always compiled in a temporary copy, never in
the source tree or the installed package.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from isingformer.errors import IsingformerError

__all__ = ["INSTALL_COMMAND", "CoqMissingError", "coq_version", "find_coq", "run_coq"]

INSTALL_COMMAND = "apt-get install -y coq libcoq-coquelicot libcoq-interval"


class CoqMissingError(IsingformerError):
    """The Coq proof assistant (or one of its libraries) is not installed."""


def find_coq() -> tuple[str, str]:
    """Paths of ``coqc`` and ``coq_makefile``; :class:`CoqMissingError` if absent."""
    coqc = shutil.which("coqc")
    makefile = shutil.which("coq_makefile")
    if coqc is None or makefile is None or shutil.which("make") is None:
        missing = "coqc" if coqc is None else ("coq_makefile" if makefile is None else "make")
        raise CoqMissingError(
            f"{missing} not found: install Coq with `{INSTALL_COMMAND}` (as root; "
            "scripts/setup.sh does it when run as root)"
        )
    return coqc, makefile


def coq_version() -> str:
    """The Coq version string, e.g. ``"8.16.1"``."""
    coqc, _ = find_coq()
    text = subprocess.run(
        [coqc, "--version"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    match = re.search(r"version\s+(\S+)", text)
    return match.group(1) if match else text.strip()


def run_coq(args: list[str], cwd: Path, timeout: float = 600.0) -> subprocess.CompletedProcess:
    """Run a Coq tool (or ``make``) in ``cwd``; output captured, never raises on failure."""
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
