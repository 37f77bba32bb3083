"""One build of the Coq development per test session (the build takes seconds)."""

from __future__ import annotations

import shutil

import pytest

#: CI installs Coq through scripts/setup.sh (as root); only a machine where that
#: could not run skips the proof-checking tests, and says why.
NO_COQ = shutil.which("coqc") is None or shutil.which("coq_makefile") is None
NO_COQ_REASON = (
    "coqc not installed: run `apt-get install -y coq libcoq-coquelicot libcoq-interval` "
    "(scripts/setup.sh does it when run as root)"
)


@pytest.fixture(scope="session")
def verified() -> dict:
    """The result of :func:`isingformer.verify.verify_proofs` on the checkout's proofs/."""
    if NO_COQ:
        pytest.skip(NO_COQ_REASON)
    from isingformer.verify import verify_proofs

    return verify_proofs()
