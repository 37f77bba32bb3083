"""The main job's section: a short sqrt_dk vs critical vs learned comparison,
with a fixed-β control at the scale critical β settles to (docs/training.md:
at this width critical's mean β over 600 steps was 11.8), so the report can
say whether any gain needs criticality or only a larger attention scale."""

from __future__ import annotations

from isingformer.lm.compare import compare
from isingformer.lm.config import TrainConfig
from isingformer.lm.report import comparison_section

__all__ = ["CONTROL", "JOB_CONFIG", "lm_job_section"]

CONTROL = "fixed:beta=11.8"

# A few minutes on two CPU cores (quick), about four times that otherwise.
JOB_CONFIG = dict(
    n_layer=2,
    n_head=4,
    d_model=64,
    context=64,
    batch_size=16,
    eval_every=25,
    eval_batches=4,
    warmup=20,
    recalibrate_every=100,
)


def lm_job_section(ctx):
    """``isingformer main-job`` section (``ctx``: :class:`isingformer.jobs.JobContext`)."""
    quick = ctx.quick
    base = TrainConfig(**JOB_CONFIG, steps=250 if quick else 1000, seed=0, device=ctx.device)
    seeds = [ctx.seed + i for i in range(3 if quick else 5)]
    c = compare(
        base,
        ["sqrt_dk", "critical", "learned", CONTROL],
        seeds,
        store=ctx.store,
        executor="process",
        max_workers=2,
        run_root=ctx.out / "lm_runs",
        progress=False,
    )
    section = comparison_section(c, "Training with dynamic β (short comparison)")
    return section
