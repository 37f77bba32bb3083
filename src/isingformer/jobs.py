"""The main job (``isingformer main-job``): one report with a section per part.

Each entry of :data:`SECTIONS` is ``(name, fn)`` with ``fn(ctx) -> Section``;
every part of the toolkit adds its own short study here.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from isingformer.errors import InputError, IsingformerError
from isingformer.report import Report, Section
from isingformer.runs import ResultsStore

__all__ = ["SECTIONS", "JobContext", "rem_job_section", "run_main_job"]


@dataclass(frozen=True)
class JobContext:
    """What every section of the main job gets."""

    out: Path
    store: ResultsStore
    quick: bool = True
    seed: int = 0
    device: str = "cpu"


def rem_job_section(ctx: JobContext) -> Section:
    from isingformer.ensemble import rem_study
    from isingformer.report.rem import rem_section

    ns = [16, 64, 256, 1024] if ctx.quick else [16, 64, 256, 1024, 4096, 16384]
    study = rem_study(
        ns, samples=200, seed=ctx.seed, store=ctx.store, executor="serial", progress=False
    )
    return rem_section(study)


def _lazy(module: str, name: str) -> Callable[[JobContext], Section]:
    """A section function imported only when its section runs (keeps the CLI
    start fast and one part's import error from stopping the others)."""

    def run(ctx: JobContext) -> Section:
        return getattr(importlib.import_module(module), name)(ctx)

    run.__qualname__ = f"{module}.{name}"
    return run


SECTIONS: list[tuple[str, Callable[[JobContext], Section]]] = [
    ("rem", rem_job_section),
    ("ising", _lazy("isingformer.physics.ising.report", "ising_job_section")),
    ("glass", _lazy("isingformer.physics.glass.report", "glass_section")),
    ("hopfield", _lazy("isingformer.physics.hopfield.report", "hopfield_section")),
    ("quantum", _lazy("isingformer.quantum", "quantum_section")),
    ("phase_map", _lazy("isingformer.probe", "phase_map_job")),
    ("lm", _lazy("isingformer.lm.job", "lm_job_section")),
    ("layers", _lazy("isingformer.layers.report", "layers_job")),
    ("numbers", _lazy("isingformer.numbers.report", "numbers_job_section")),
    ("icl", _lazy("isingformer.icl.report", "icl_job_section")),
    ("proofs", _lazy("isingformer.verify.report", "proofs_job_section")),
    ("hyperbolic", _lazy("isingformer.hyperbolic.report", "hyperbolic_job_section")),
    ("phases", _lazy("isingformer.phases.report", "phases_job")),
    ("periodic", _lazy("isingformer.periodic.report", "periodic_job")),
]


def run_main_job(
    out: Path,
    *,
    quick: bool = True,
    seed: int = 0,
    device: str = "cpu",
    only: list[str] | None = None,
    log=None,
    threads: int | None = None,
) -> tuple[Path, dict]:
    """Run the sections (all, or ``only``), write ``out/report.html``; return
    the path and a summary ``{section: {"seconds", "ok", "error"}}``. A section
    that fails with a bug is recorded in the report and the summary instead of
    losing the others' results. ``threads`` goes to
    :func:`isingformer.threads.set_threads` (None: the CLI's ``--threads``, the
    environment, or the machine default) and is recorded in the config."""
    from isingformer.threads import set_threads

    used_threads = set_threads(threads)
    names = [n for n, _ in SECTIONS]
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise InputError(
                f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(names)}"
            )
    out.mkdir(parents=True, exist_ok=True)
    store = ResultsStore.open(out / "runs.sqlite")
    ctx = JobContext(out=out, store=store, quick=quick, seed=seed, device=device)
    sections: list[Section] = []
    summary: dict[str, dict] = {}
    try:  # the store is closed also when a section stops the job with bad input
        for name, fn in SECTIONS:
            if only and name not in only:
                continue
            t0 = time.time()
            if log:
                log(f"[{name}] running ...")
            try:
                sections.append(fn(ctx))
                summary[name] = {"ok": True, "seconds": round(time.time() - t0, 2)}
            except IsingformerError:
                raise
            except Exception as exc:  # a bug in one section must not lose the others
                tb = traceback.format_exc()
                sys.stderr.write(tb)
                sections.append(Section(f"{name} (failed)", f"This section failed: {exc!r}"))
                summary[name] = {
                    "ok": False,
                    "seconds": round(time.time() - t0, 2),
                    "error": repr(exc),
                }
            if log:
                log(f"[{name}] done in {summary[name]['seconds']} s")
        config = {
            "quick": quick,
            "seed": seed,
            "device": device,
            "threads": used_threads,
            "sections": list(summary),
        }
        path = Report("isingformer: main job", config, sections).write(out)
    finally:
        store.close()
    return path, summary
