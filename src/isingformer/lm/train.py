"""The training loop: AdamW, warmup + cosine learning rate, gradient clipping,
evaluation every ``eval_every`` steps on a fixed validation set, dynamic β
(critical re-calibration every K steps, annealing schedules), atomic
checkpoints and exact resume.

Determinism: the batch of step ``s`` is drawn from a generator seeded by
(seed, s) alone, the weights from a generator seeded by ``seed`` alone, and
the global torch RNG (dropout) is saved in every checkpoint. So two policies
with the same seed see the same data in the same order from the same initial
weights, and a run resumed from a checkpoint continues exactly as if it had
never stopped (bit for bit on CPU).

Under ``torchrun`` (``dist``, see :mod:`isingformer.lm.distributed`) the
model is wrapped in DistributedDataParallel, each rank trains on its slice of
the same global batch, evaluation is split across ranks and summed, β is
calibrated on rank 0 and broadcast, and only rank 0 writes checkpoints and the
results store.
"""

from __future__ import annotations

import inspect
import math
import sys
import time
from contextlib import nullcontext
from dataclasses import MISSING, asdict, dataclass, fields
from pathlib import Path
from typing import Any

import torch

from isingformer.errors import InputError, ModelLoadError
from isingformer.lm.checkpoint import load_checkpoint, save_checkpoint
from isingformer.lm.config import MODEL_FIELDS, TrainConfig, config_from_dict
from isingformer.lm.corpus import (
    TokenData,
    batch_generator,
    fixed_windows,
    get_batch,
    prepare_data_for,
)
from isingformer.lm.distributed import (
    DistEnv,
    all_reduce_sum,
    barrier,
    broadcast_buffers,
    device_for,
    gather_rng_states,
    shard_bounds,
    shard_weight,
)
from isingformer.lm.dynamics import (
    beta_matrix,
    calibrate_critical,
    has_calibration,
    set_schedule_step,
)
from isingformer.lm.model import GPT

__all__ = ["TrainResult", "build_model", "evaluate", "lr_at", "train"]

# Fields that may differ between a checkpoint and the resumed run.
_RESUMABLE_CHANGES = ("steps", "eval_every", "checkpoint_every", "device", "cache_dir")


@dataclass
class TrainResult:
    """What a training run returns (and stores)."""

    config: dict
    steps: int
    final_val_loss: float
    train_losses: list[float]
    evals: list[dict]  # {"step", "val_loss", "train_seconds"}
    beta_log: list[dict]  # {"step", "event", "betas" [n_layer][n_head]}
    beta_per_head: list[list[float]]
    tokens_per_s: float
    train_seconds: float
    calib_seconds: float
    cpu_seconds: float
    n_params: int
    checkpoint: str | None = None
    stopped_early: bool = False  # stopped before cfg.steps (resume from the checkpoint)
    stop_reason: str | None = None  # "max_seconds" or "stop_after"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_model(cfg: TrainConfig, vocab_size: int, attention: str | None = None) -> GPT:
    """The GPT described by ``cfg`` (weights from ``cfg.seed``)."""
    return GPT(
        vocab_size,
        n_layer=cfg.n_layer,
        n_head=cfg.n_head,
        d_model=cfg.d_model,
        context=cfg.context,
        dropout=cfg.dropout,
        policy=cfg.policy,
        bias=cfg.bias,
        policy_kwargs=_policy_kwargs(cfg),
        bias_kwargs=cfg.bias_kwargs,
        attention=attention or cfg.attention,
        seed=cfg.seed,
        curvature=cfg.curvature,
        manifold=cfg.manifold,
    )


def _policy_kwargs(cfg: TrainConfig) -> dict:
    kw = dict(cfg.policy_kwargs)
    if cfg.policy == "annealed":
        # anneal over the first quarter of the run unless told otherwise
        kw.setdefault("steps", max(cfg.steps // 4, 1))
    return kw


def make_optimizer(model: torch.nn.Module, cfg: TrainConfig) -> torch.optim.AdamW:
    """AdamW with weight decay on matrices only (not on biases, norms, β)."""
    decay = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.dim() < 2]
    groups = [
        {"params": decay, "weight_decay": cfg.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=cfg.lr, betas=(cfg.adam_beta1, cfg.adam_beta2))


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Linear warmup over ``warmup`` steps, then cosine decay to
    ``lr * min_lr_ratio`` at the last step."""
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    span = max(cfg.steps - cfg.warmup, 1)
    progress = min((step - cfg.warmup) / span, 1.0)
    floor = cfg.lr * cfg.min_lr_ratio
    return floor + 0.5 * (cfg.lr - floor) * (1.0 + math.cos(math.pi * progress))


@torch.no_grad()
def evaluate(model: GPT, x: torch.Tensor, y: torch.Tensor, batch_size: int) -> float:
    """Mean cross-entropy over the fixed windows ``x, y`` [N, T] (eval mode)."""
    was = model.training
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(x), batch_size):
        _, loss = model(x[i : i + batch_size], y[i : i + batch_size])
        n = x[i : i + batch_size].numel()
        total += float(loss) * n
        count += n
    model.train(was)
    return total / count


def _device(name: str) -> torch.device:
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise InputError(f"device {name!r} requested but CUDA is not available; use --device cpu")
    try:
        return torch.device(name)
    except RuntimeError:
        raise InputError(f"unknown device {name!r}") from None


def _check_resume(ckpt: dict, cfg: TrainConfig, vocab_size: int, path) -> None:
    # a key the checkpoint predates (e.g. curvature) had its default value
    defaults = {f.name: f.default for f in fields(TrainConfig) if f.default is not MISSING}
    old = {**defaults, **ckpt["config"]}
    for key in MODEL_FIELDS:
        if old.get(key) != getattr(cfg, key):
            raise ModelLoadError(
                f"checkpoint {path} does not match the config: {key} = {old.get(key)!r} in the "
                f"checkpoint, {getattr(cfg, key)!r} now"
            )
    for key, value in cfg.to_dict().items():
        if key not in MODEL_FIELDS and key not in _RESUMABLE_CHANGES and old.get(key) != value:
            raise ModelLoadError(
                f"checkpoint {path} was trained with {key} = {old.get(key)!r}, not {value!r}; "
                "only steps, eval_every, checkpoint_every and device may change on resume"
            )
    if ckpt["vocab_size"] != vocab_size:
        raise ModelLoadError(
            f"checkpoint {path} has vocabulary size {ckpt['vocab_size']}, the data {vocab_size}"
        )
    if ckpt["step"] > cfg.steps:
        raise InputError(f"checkpoint {path} is at step {ckpt['step']}, beyond steps={cfg.steps}")


def resume_config(path: str | Path, overrides: dict[str, Any] | None = None) -> TrainConfig:
    """The config stored in the checkpoint at ``path`` with ``overrides``."""
    ckpt = load_checkpoint(path)
    base = config_from_dict(ckpt["config"], source=f"checkpoint {path}")
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    return base.replace(**given) if given else base


def _progress(enabled: bool, total: int):
    if not enabled:
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[info]}"),
        console=Console(file=sys.stderr),
        transient=True,
    )


def train(
    cfg: TrainConfig,
    *,
    out: str | Path | None = None,
    resume: str | Path | None = None,
    data: TokenData | None = None,
    store=None,
    progress: bool = False,
    stop_after: int | None = None,
    dist: DistEnv | None = None,
    max_seconds: float | None = None,
) -> TrainResult:
    """Train the GPT described by ``cfg``; return its curves and final state.

    Args:
        out: directory for ``checkpoint.pt`` (none written without it).
        resume: a checkpoint to continue from (its config must match ``cfg``
            in every model/data field; see :func:`resume_config`).
        data: token arrays (default: :func:`prepare_data` for ``cfg``).
        store: a :class:`~isingformer.runs.ResultsStore`; the finished run is
            recorded in sweep ``train``.
        progress: show a progress bar (loss, tokens/s) on stderr.
        stop_after: stop (and checkpoint) after this many steps, as if
            interrupted: for testing resume.
        max_seconds: wall-clock budget from this call: the first step that
            ends past it is the last; the checkpoint is written (resumable),
            the run is not stored, and the result says ``stopped_early``.
        dist: this process's place in a ``torchrun`` job (its process group
            already open, see :func:`~isingformer.lm.distributed.ddp_session`);
            None for a single-process run.
    """
    if dist is not None and cfg.batch_size < dist.world_size:
        raise InputError(
            f"batch_size ({cfg.batch_size}) must be >= the number of ranks ({dist.world_size})"
        )
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    device = _device(cfg.device if dist is None else device_for(dist, cfg.device))
    main_rank = dist is None or dist.is_main
    if data is None:
        data = prepare_data_for(cfg)
    data.check_context(cfg.context)
    ckpt = None
    if resume is not None:
        ckpt = load_checkpoint(resume)
        _check_resume(ckpt, cfg, data.vocab_size, resume)

    model = build_model(cfg, data.vocab_size).to(device)
    optimizer = make_optimizer(model, cfg)
    history: dict[str, Any] = {
        "train_losses": [],
        "evals": [],
        "beta_log": [],
        "train_seconds": 0.0,
        "cpu_seconds": 0.0,
        "calib_seconds": 0.0,
    }
    start = 0
    if ckpt is not None:
        try:  # into fresh objects: a failure leaves nothing half-loaded
            model.load_state_dict(ckpt["model"], strict=True)
            optimizer.load_state_dict(ckpt["optimizer"])
        except (RuntimeError, ValueError, KeyError) as exc:
            first = str(exc).splitlines()[0][:200]
            raise ModelLoadError(f"checkpoint {resume} does not fit the model: {first}") from None
        history = ckpt["history"]
        start = ckpt["step"]
        torch.set_rng_state(_rank_rng(ckpt["rng"], dist, cfg.seed, start))
    elif dist is None or dist.is_main:
        torch.manual_seed(cfg.seed)  # dropout stream
    else:
        torch.manual_seed(_rank_seed(cfg.seed, 0, dist.rank))  # its own dropout stream

    val_x, val_y = fixed_windows(data.val, cfg.eval_batches * cfg.batch_size, cfg.context)
    val_x, val_y = val_x.to(device), val_y.to(device)
    calibrating = has_calibration(model)
    if dist is None:
        net = model

        def evaluate_now() -> float:
            return evaluate(model, val_x, val_y, cfg.batch_size)

    else:
        from torch.nn.parallel import DistributedDataParallel

        # no buffer sync in every forward: β buffers are broadcast after each
        # calibration (the keyword was renamed in torch 2.13)
        no_sync = (
            {"forward_sync_buffers": False}
            if "forward_sync_buffers" in inspect.signature(DistributedDataParallel).parameters
            else {"broadcast_buffers": False}
        )
        net = DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None, **no_sync
        )
        lo, hi = shard_bounds(len(val_x), dist.world_size, dist.rank)

        def evaluate_now() -> float:
            n = (hi - lo) * cfg.context
            mean = evaluate(model, val_x[lo:hi], val_y[lo:hi], cfg.batch_size) if n else 0.0
            total, count = all_reduce_sum([mean * n, float(n)], device)
            return total / count

    def calib_batch(step: int) -> torch.Tensor:
        g = batch_generator(cfg.seed, step, stream=1)
        return get_batch(data.train, cfg.calib_batch, cfg.context, g)[0].to(device)

    def calibrate(step: int) -> list[list[float]]:
        if dist is None:
            return calibrate_critical(model, calib_batch(step))
        if dist.is_main:  # measured once, on rank 0, then the same β everywhere
            calibrate_critical(model, calib_batch(step))
        broadcast_buffers(model, src=0)
        return beta_matrix(model)

    if start == 0:
        set_schedule_step(model, 0)
        if calibrating:
            t0, c0 = time.perf_counter(), time.process_time()
            betas = calibrate(0)
            dt = time.perf_counter() - t0
            history["calib_seconds"] += dt
            history["train_seconds"] += dt
            history["cpu_seconds"] += time.process_time() - c0
            history["beta_log"].append({"step": 0, "event": "calibration", "betas": betas})
        history["evals"].append(
            {
                "step": 0,
                "val_loss": evaluate_now(),
                "train_seconds": history["train_seconds"],
                "cpu_seconds": history["cpu_seconds"],
            }
        )
        history["beta_log"].append({"step": 0, "event": "eval", "betas": beta_matrix(model)})

    ckpt_path = Path(out) / "checkpoint.pt" if out is not None else None

    def save(step: int) -> None:
        if ckpt_path is None:
            return
        rng = {"torch": torch.get_rng_state()}
        if dist is not None:  # every rank's dropout stream, for an exact resume
            rng["ranks"] = gather_rng_states(dist)
        if main_rank:
            save_checkpoint(
                ckpt_path,
                {
                    "config": cfg.to_dict(),
                    "step": step,
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "rng": rng,
                    "history": history,
                    "vocab_size": data.vocab_size,
                },
            )
        if dist is not None:  # the checkpoint is on disk before any rank goes on
            barrier()

    def out_of_time() -> bool:
        if deadline is None:
            return False
        late = time.monotonic() >= deadline
        if dist is not None:  # every rank stops after the same step
            late = all_reduce_sum([float(late)], device)[0] > 0
        return late

    tokens_per_step = cfg.batch_size * cfg.context
    if dist is not None:
        row_lo, row_hi = shard_bounds(cfg.batch_size, dist.world_size, dist.rank)
        # DDP averages gradients over ranks; weighting each rank's mean loss by
        # its share of the rows makes that average the global-batch gradient
        loss_weight = shard_weight(cfg.batch_size, dist.world_size, dist.rank)
    net.train()
    with _progress(progress and main_rank, cfg.steps) as bar:
        task = (
            bar.add_task(f"train {cfg.policy}", total=cfg.steps, completed=start, info="")
            if bar
            else None
        )
        for step in range(start, cfg.steps):
            t0, c0 = time.perf_counter(), time.process_time()
            if (
                calibrating
                and cfg.recalibrate_every
                and step > 0
                and step % cfg.recalibrate_every == 0
            ):
                betas = calibrate(step)
                dt = time.perf_counter() - t0
                history["calib_seconds"] += dt
                history["beta_log"].append({"step": step, "event": "calibration", "betas": betas})
            set_schedule_step(model, step)
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step, cfg)
            x, y = get_batch(
                data.train, cfg.batch_size, cfg.context, batch_generator(cfg.seed, step)
            )
            if dist is None:
                _, loss = model(x.to(device), y.to(device))
            else:
                x, y = x[row_lo:row_hi], y[row_lo:row_hi]
                _, local = net(x.to(device), y.to(device))
                loss = local * loss_weight
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if cfg.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
            optimizer.step()
            if dist is None:
                loss_value = loss.item()
            else:  # the global-batch loss, the same on every rank
                loss_value = all_reduce_sum([loss.item()], device)[0] / dist.world_size
            if not math.isfinite(loss_value):
                raise InputError(
                    f"training diverged at step {step} (loss {loss_value}); lower --lr or change the policy"
                )
            history["train_seconds"] += time.perf_counter() - t0
            history["cpu_seconds"] += time.process_time() - c0
            history["train_losses"].append(loss_value)
            done = step + 1
            if done % cfg.eval_every == 0 or done == cfg.steps:
                history["evals"].append(
                    {
                        "step": done,
                        "val_loss": evaluate_now(),
                        "train_seconds": history["train_seconds"],
                        "cpu_seconds": history["cpu_seconds"],
                    }
                )
                history["beta_log"].append(
                    {"step": done, "event": "eval", "betas": beta_matrix(model)}
                )
            if bar is not None:
                tps = tokens_per_step * done / max(history["train_seconds"], 1e-9)
                bar.update(task, completed=done, info=f"loss {loss_value:.3f}  {tps:,.0f} tok/s")
            if cfg.checkpoint_every and done % cfg.checkpoint_every == 0 and done < cfg.steps:
                save(done)
            late = done < cfg.steps and out_of_time()
            if late or (stop_after is not None and done >= stop_after and done < cfg.steps):
                save(done)
                why = "max_seconds" if late else "stop_after"
                return _result(cfg, model, history, done, tokens_per_step, ckpt_path, why)
    save(cfg.steps)
    result = _result(cfg, model, history, cfg.steps, tokens_per_step, ckpt_path)
    if store is not None and main_rank:
        now = time.time()
        summary = result.to_dict()
        store.put("train", cfg.to_dict(), summary, started=now - result.train_seconds, finished=now)
    return result


def _rank_seed(seed: int, step: int, rank: int) -> int:
    """Dropout seed of a rank > 0 that has no saved RNG state."""
    return (seed * 1_000_003 + step * 7_919 + rank * 15_485_863 + 1) % (2**63 - 1)


def _rank_rng(rng: dict, dist: DistEnv | None, seed: int, step: int) -> torch.Tensor:
    """The RNG state a rank resumes with: its own saved state when the
    checkpoint has one per rank for this world size, else rank 0's state
    (rank 0 / single process) or a fresh seeded stream (other ranks)."""
    if dist is None:
        return rng["torch"]
    ranks = rng.get("ranks")
    if isinstance(ranks, list) and len(ranks) == dist.world_size:
        return ranks[dist.rank]
    if dist.is_main:
        return rng["torch"]
    g = torch.Generator().manual_seed(_rank_seed(seed, step, dist.rank))
    return g.get_state()


def _result(cfg, model, history, steps, tokens_per_step, ckpt_path, stop=None) -> TrainResult:
    seconds = history["train_seconds"]
    trained = len(history["train_losses"])
    return TrainResult(
        config=cfg.to_dict(),
        steps=steps,
        final_val_loss=history["evals"][-1]["val_loss"],
        train_losses=list(history["train_losses"]),
        evals=list(history["evals"]),
        beta_log=list(history["beta_log"]),
        beta_per_head=beta_matrix(model),
        tokens_per_s=tokens_per_step * trained / seconds if seconds > 0 else 0.0,
        train_seconds=seconds,
        calib_seconds=history["calib_seconds"],
        cpu_seconds=history["cpu_seconds"],
        n_params=sum(p.numel() for p in model.parameters()),
        checkpoint=str(ckpt_path) if ckpt_path is not None else None,
        stopped_early=stop is not None,
        stop_reason=stop,
    )
