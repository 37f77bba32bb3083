"""Spacing statistics of symmetric matrices: the pipeline on known ensembles,
and (slow) the real MiniLM attention matrices."""

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.numbers import attention_spacings, ks_table, matrix_spacings


def _closest(spacings) -> str:
    """The closest ensemble, exact and surmise laws counted as one ensemble."""
    t = ks_table(spacings, n_boot=2)
    return min(t, key=lambda k: t[k]["d"]).removesuffix("_exact")


def test_goe_matrices_are_recognised_as_goe():
    rng = np.random.default_rng(0)
    s = matrix_spacings(rng.normal(size=(20, 64, 64)))
    assert _closest(s) == "goe"


def test_independent_levels_are_recognised_as_poisson():
    rng = np.random.default_rng(1)
    d = np.zeros((20, 64, 64))
    idx = np.arange(64)
    d[:, idx, idx] = rng.random((20, 64))
    assert _closest(matrix_spacings(d)) == "poisson"


def test_shape_is_checked():
    with pytest.raises(InputError):
        matrix_spacings(np.zeros((3, 8, 8)))


@pytest.mark.slow
def test_minilm_attention_spectra_are_goe_like():
    r = attention_spacings(n_texts=2, max_tokens=64, n_boot=10)
    assert r["n_matrices"] == 2 * 72
    assert _closest(np.array(r["spacings"])) == "goe"
