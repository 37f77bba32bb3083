"""The device of the ``cuda``-marked tests.

``ISINGFORMER_TEST_DEVICE`` (default ``cuda``) names it; without that device
every test here is skipped. ``ISINGFORMER_TEST_DEVICE=cpu pytest -m cuda
tests/gpu`` runs the same checks on the CPU (how they were validated on a
machine without a GPU).
"""

import os

import pytest
import torch


@pytest.fixture(scope="session")
def device() -> str:
    name = os.environ.get("ISINGFORMER_TEST_DEVICE", "cuda")
    if name.startswith("cuda") and not torch.cuda.is_available():
        pytest.skip("no CUDA device (set ISINGFORMER_TEST_DEVICE=cpu to run these on the CPU)")
    return name
