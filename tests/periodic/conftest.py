import pytest

# The documented run (docs/periodic.md): the training comparison of 4 bias
# rows x 2 β policies x 3 seeds, 40 steps each, and the three-claim study on
# the sqrt_dk models with 4 validation windows.
DOC_SEEDS, DOC_STEPS, DOC_WINDOWS = 3, 40, 4


@pytest.fixture(scope="session")
def study_root(tmp_path_factory):
    return tmp_path_factory.mktemp("periodic_study")


@pytest.fixture(scope="session")
def doc_result(study_root):
    """The documented study (trains its 24 models under ``study_root``)."""
    from isingformer.periodic import periodic_study

    return periodic_study(
        None, seeds=DOC_SEEDS, seed=0, steps=DOC_STEPS, n_windows=DOC_WINDOWS, work_dir=study_root
    )


@pytest.fixture(scope="session")
def tiny(doc_result, study_root, tmp_path_factory):
    """{bias: DIR} with DIR/seed{s}/checkpoint.pt (links to the study's
    sqrt_dk models) for s = 0, 1, 2."""
    root = tmp_path_factory.mktemp("periodic_models")
    for b in ("none", "alibi", "periodic"):
        for s in range(DOC_SEEDS):
            (root / b).mkdir(exist_ok=True)
            (root / b / f"seed{s}").symlink_to(study_root / b / f"sqrt_dk_seed{s}")
    return {b: root / b for b in ("none", "alibi", "periodic")}
