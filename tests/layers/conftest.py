"""One MiniLM layer analysis per test session (2 passages x 128 tokens, the
first two passages of the 16-passage README run) on a β grid with fine steps
where the product leaves 10 %; shared by the contract and regression tests."""

import pytest
import torch

# β / β_model
UNITS = [1e-6, 1e-5, 1e-4, 2e-4, 3e-4, 4e-4, 6e-4, 1e-3, 1e-2, 1e-1, 1.0]
BETAS = [u * 32**-0.5 for u in UNITS]


@pytest.fixture(scope="session")
def minilm(tmp_path_factory):
    """``(result dict, store, betas)``."""
    from isingformer.layers.study import layers_study
    from isingformer.runs import ResultsStore

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        store = ResultsStore.open(tmp_path_factory.mktemp("layers") / "runs.sqlite")
        r = layers_study(n_texts=2, max_tokens=128, betas=BETAS, store=store)
    finally:
        torch.set_num_threads(n)
    return r, store, BETAS
