"""The accelerator path of the ensemble core (``_sums_batched``: a block of β
values per batched pass) gives the sums of the CPU path, whatever its work block."""

import numpy as np
import pytest
import torch

from isingformer.ensemble import thermo


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("grid", ["uniform", "irregular"])
@pytest.mark.parametrize("block_bytes", [2**28, 4096])
def test_batched_sums_equal_the_cpu_path(monkeypatch, masked, grid, block_bytes):
    g = torch.Generator().manual_seed(1)
    E = torch.randn(37, 53, generator=g, dtype=torch.float64) * 3
    m = torch.rand(37, 53, generator=g) > 0.3 if masked else None
    if m is not None:
        m[:, 0] = True
    b = torch.linspace(0.0, 4.0, 29, dtype=torch.float64)
    if grid == "irregular":
        b = b**1.5
    e_min = E.amin(-1) if m is None else torch.where(m, E, torch.inf).amin(-1)
    ref = thermo._sums_streamed(E, e_min, m, b, None)  # the CPU path
    monkeypatch.setattr(thermo, "_DEVICE_BLOCK_BYTES", block_bytes)  # 4096: many blocks
    got = thermo._sums_batched(E, e_min, m, b, None)
    assert got.shape == ref.shape == (4, 29, 37)
    np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-11, atol=1e-300)


def test_batched_sums_against_direct_formula():
    g = torch.Generator().manual_seed(2)
    E = torch.randn(5, 7, generator=g, dtype=torch.float64)
    b = torch.tensor([0.0, 0.5, 2.0], dtype=torch.float64)
    e = E - E.amin(-1, keepdim=True)
    w = torch.exp(-b[:, None, None] * e[None])
    want = torch.stack([w.sum(-1), (w * e).sum(-1), (w * e * e).sum(-1), (w * w).sum(-1)])
    got = thermo._sums_batched(E, E.amin(-1), None, b, chunk=2)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-13)
