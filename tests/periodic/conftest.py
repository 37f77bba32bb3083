import pytest

from isingformer.periodic.experiment import train_tiny

# The documented run (docs/periodic.md): 3 seeds per bias, 30 steps each.
DOC_SEEDS, DOC_STEPS = 3, 30


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    """{bias: DIR} with DIR/seed{s}/checkpoint.pt for s = 0, 1, 2."""
    root = tmp_path_factory.mktemp("periodic_models")
    for b in ("none", "alibi", "periodic"):
        for s in range(DOC_SEEDS):
            train_tiny(b, s, DOC_STEPS, root / b / f"seed{s}")
    return {b: root / b for b in ("none", "alibi", "periodic")}


@pytest.fixture(scope="session")
def doc_result(tiny):
    """The documented study on the fixture's models (4 validation windows)."""
    from isingformer.periodic import periodic_study

    return periodic_study(tiny, n_windows=4)
