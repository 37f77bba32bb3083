"""Checkerboard Metropolis / heat-bath in PyTorch, for CUDA (and CPU).

Spins live as a float32 tensor ``[R, *shape]`` on the device; one colour of the
checkerboard is updated at a time from neighbour sums built with ``torch.roll``
along every axis, for all replicas at once. Randomness comes from a
``torch.Generator`` seeded from the replicas' xoshiro states, which are then
advanced, so a saved :class:`SamplerState` resumes deterministically on the
same device.
"""

from __future__ import annotations

import numpy as np
import torch

from isingformer.physics.ising.rng import seed_streams


def _neighbour_sum(s: torch.Tensor) -> torch.Tensor:
    """Sum of the 2d nearest neighbours of every site, ``[R, *shape]``."""
    out = torch.zeros_like(s)
    for ax in range(1, s.dim()):
        out += torch.roll(s, 1, dims=ax) + torch.roll(s, -1, dims=ax)
    return out


def _generator(rng: np.ndarray, device: torch.device) -> torch.Generator:
    # one 63-bit seed from all replica streams, then advance every stream
    mix = int(np.bitwise_xor.reduce(rng[:, 0] ^ (rng[:, 1] >> np.uint64(1)))) & ((1 << 63) - 1)
    gen = torch.Generator(device=device)
    gen.manual_seed(mix)
    rng[:] = seed_streams(mix, rng.shape[0]) ^ rng
    return gen


def run_torch(
    spins: np.ndarray,
    shape: tuple[int, ...],
    betas: np.ndarray,
    rng: np.ndarray,
    J: float,
    h: float,
    n_sweeps: int,
    every: int,
    heatbath: bool,
    device: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run ``n_sweeps`` sweeps; updates ``spins [R, N]`` and ``rng [R, 4]`` in place.

    Returns (energy, magnetization, structure factor), each ``[R, n_sweeps // every]``.
    """
    dev = torch.device(device)
    R = spins.shape[0]
    s = torch.as_tensor(spins.reshape((R, *shape)), device=dev).to(torch.float32)
    beta = torch.as_tensor(betas, dtype=torch.float32, device=dev).view((R,) + (1,) * len(shape))
    parity = torch.as_tensor(np.indices(shape).sum(axis=0) % 2, device=dev).bool()
    y = torch.arange(shape[0], device=dev, dtype=torch.float64)
    phase = torch.exp(2j * torch.pi * y / shape[0])  # [Y]
    gen = _generator(rng, dev)
    n_meas = n_sweeps // every
    energy = torch.empty((R, n_meas), dtype=torch.float64, device=dev)
    mag = torch.empty((R, n_meas), dtype=torch.float64, device=dev)
    four = torch.empty((R, n_meas), dtype=torch.float64, device=dev)

    def sweep() -> None:
        nonlocal s
        for colour in (False, True):
            mask = parity == colour  # [*shape]
            f = J * _neighbour_sum(s) + h  # local field [R, *shape]
            u = torch.rand(s.shape, generator=gen, device=dev)
            if heatbath:
                new = torch.where(u < torch.sigmoid(2 * beta * f), 1.0, -1.0)
            else:
                de = 2 * s * f
                accept = u < torch.exp(-beta * de)
                new = torch.where(accept, -s, s)
            s = torch.where(mask, new, s)

    for k in range(n_meas):
        for _ in range(every):
            sweep()
        nb = torch.zeros_like(s)
        for ax in range(1, s.dim()):
            nb += torch.roll(s, -1, dims=ax)
        dims = tuple(range(1, s.dim()))
        energy[:, k] = (-(J * (s * nb).sum(dims)) - h * s.sum(dims)).double()
        mag[:, k] = s.sum(dims).double()
        rows = s.sum(tuple(range(2, s.dim()))).double() if s.dim() > 2 else s.double()  # [R, Y]
        four[:, k] = (rows.to(phase.dtype) @ phase).abs() ** 2
    for _ in range(n_sweeps - n_meas * every):
        sweep()
    spins[:] = s.reshape(R, -1).to(torch.int8).cpu().numpy()
    return energy.cpu().numpy(), mag.cpu().numpy(), four.cpu().numpy()
