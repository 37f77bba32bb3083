"""Data-parallel training under ``torchrun`` (DistributedDataParallel).

``torchrun`` starts one process per rank and sets ``RANK``, ``WORLD_SIZE``
and ``LOCAL_RANK``; :func:`detect` reads them (no variables, or a world of
one: the ordinary single-process run). :func:`ddp_session` opens the process
group (``gloo`` on CPU, ``nccl`` on CUDA) and, on the way out, waits for every
rank and destroys it.

The global batch of step ``s`` is still drawn from ``(seed, s)`` alone; rank
``r`` trains on the contiguous rows :func:`shard_bounds` gives it, and its
loss is weighted by its share of the rows, so the averaged gradient equals the
single-process gradient up to floating-point summation order. β calibration
runs on rank 0 and is broadcast (:func:`broadcast_buffers`), so every rank
holds the same β. Only rank 0 writes checkpoints, the results store and
output.

    torchrun --standalone --nproc_per_node=2 -m isingformer train --policy critical ...
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.distributed as dist

from isingformer.errors import InputError

__all__ = [
    "TRACE_ENV",
    "DistEnv",
    "all_reduce_sum",
    "barrier",
    "broadcast_buffers",
    "ddp_session",
    "detect",
    "device_for",
    "gather_rng_states",
    "shard_bounds",
    "shard_weight",
    "write_trace",
]

# Test hook: when set to a directory, every rank writes rank<R>.json there
# (its β log, losses and final β) at the end of `isingformer train`.
TRACE_ENV = "ISINGFORMER_DDP_TRACE"


@dataclass(frozen=True)
class DistEnv:
    """Where this process sits in a ``torchrun`` job."""

    rank: int
    world_size: int
    local_rank: int

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def detect(environ: dict[str, str] | None = None) -> DistEnv | None:
    """The ``torchrun`` environment, or None for a single-process run
    (variables unset, or ``WORLD_SIZE=1``)."""
    env = os.environ if environ is None else environ
    if "WORLD_SIZE" not in env and "RANK" not in env:
        return None
    try:
        world = int(env.get("WORLD_SIZE", "1"))
        rank = int(env.get("RANK", "0"))
        local = int(env.get("LOCAL_RANK", str(rank)))
    except ValueError:
        raise InputError("RANK, WORLD_SIZE and LOCAL_RANK must be integers") from None
    if world <= 1:
        return None
    if not 0 <= rank < world or local < 0:
        raise InputError(f"invalid torchrun environment: RANK={rank}, WORLD_SIZE={world}")
    return DistEnv(rank=rank, world_size=world, local_rank=local)


def shard_bounds(n: int, world_size: int, rank: int) -> tuple[int, int]:
    """Rows ``[start, stop)`` of a batch of ``n`` rows that ``rank`` takes:
    contiguous, disjoint, covering all ``n`` in rank order, sizes differing by
    at most one (the first ``n % world_size`` ranks take one more)."""
    if world_size < 1 or not 0 <= rank < world_size:
        raise ValueError(f"rank {rank} outside a world of {world_size}")
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    base, extra = divmod(n, world_size)
    start = rank * base + min(rank, extra)
    return start, start + base + (1 if rank < extra else 0)


def shard_weight(n: int, world_size: int, rank: int) -> float:
    """Factor on ``rank``'s mean loss so that DDP's gradient average over the
    ranks equals the gradient of the mean loss over all ``n`` rows:
    ``world_size * rows / n``."""
    start, stop = shard_bounds(n, world_size, rank)
    return world_size * (stop - start) / n


def device_for(env: DistEnv, name: str) -> str:
    """The device of this rank: ``cuda`` becomes ``cuda:LOCAL_RANK``."""
    if name == "cuda":
        return f"cuda:{env.local_rank}"
    return name


@contextmanager
def ddp_session(env: DistEnv | None, device: str = "cpu") -> Iterator[DistEnv | None]:
    """Open the process group for ``env`` (nothing for None); on a normal exit
    wait for every rank, then destroy the group."""
    if env is None:
        yield None
        return
    cuda = device.startswith("cuda")
    if cuda:
        if not torch.cuda.is_available():
            raise InputError(f"device {device!r} requested but CUDA is not available")
        torch.cuda.set_device(env.local_rank)
    created = not dist.is_initialized()
    if created:
        dist.init_process_group(
            backend="nccl" if cuda else "gloo", rank=env.rank, world_size=env.world_size
        )
    ok = False
    try:
        yield env
        ok = True
    finally:
        if created:
            # free the DDP wrappers (reference cycles) while the group is alive:
            # collected after it is destroyed, gloo may abort the process at exit
            gc.collect()
            if ok:
                dist.barrier()
            dist.destroy_process_group()


def all_reduce_sum(values: list[float], device: torch.device | str = "cpu") -> list[float]:
    """Sum ``values`` over all ranks (float64)."""
    t = torch.tensor(values, dtype=torch.float64, device=device)
    dist.all_reduce(t, op=dist.ReduceOp.SUM)
    return [float(v) for v in t.cpu()]


def barrier() -> None:
    """Wait for every rank."""
    dist.barrier()


@torch.no_grad()
def broadcast_buffers(module: torch.nn.Module, src: int = 0) -> None:
    """Copy every buffer of ``module`` (β values, calibration counters, ...)
    from rank ``src`` to all ranks, then reload each policy's state so that
    any cached value derived from its buffers is recomputed."""
    for buf in module.buffers():
        dist.broadcast(buf, src=src)
    for m in module.modules():
        if hasattr(m, "calibrate") and hasattr(m, "beta"):  # a β policy
            m.load_state_dict(m.state_dict())


def gather_rng_states(env: DistEnv) -> list[torch.Tensor]:
    """Every rank's CPU torch RNG state, in rank order (on every rank)."""
    mine = torch.get_rng_state()
    out: list = [None] * env.world_size
    dist.all_gather_object(out, mine)
    return [torch.as_tensor(s, dtype=torch.uint8) for s in out]


def write_trace(env: DistEnv | None, result) -> Path | None:
    """Test hook (``$ISINGFORMER_DDP_TRACE``): write this rank's β log,
    losses and final β to ``DIR/rank<R>.json``."""
    where = os.environ.get(TRACE_ENV)
    if not where:
        return None
    rank = 0 if env is None else env.rank
    path = Path(where) / f"rank{rank}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "rank": rank,
        "world_size": 1 if env is None else env.world_size,
        "beta_log": result.beta_log,
        "beta_per_head": result.beta_per_head,
        "train_losses": result.train_losses,
        "final_val_loss": result.final_val_loss,
    }
    path.write_text(json.dumps(payload))
    return path
