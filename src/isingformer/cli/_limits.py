"""Checks that span several options of one command: memory and work estimates
made before anything is allocated, and cross-option rules.

Keyed by the command's path; each check gets the parsed options keyed by
option name (``--n-boot`` → ``n_boot``) and raises :class:`~isingformer.errors.InputError` (via
:mod:`isingformer.validate`). Missing names are tolerated, so a renamed option
only loses its ceiling, never breaks the command. Estimates are deliberately
rough (bytes of float64 arrays, elementary spin updates); the limits are
``ISINGFORMER_MAX_MEMORY`` (default half the RAM) and ``ISINGFORMER_MAX_WORK``
(default 1e12).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from isingformer.errors import InputError
from isingformer.validate import check_float, check_int, check_memory, check_work, parse_values

__all__ = ["LIMITS", "check_limits"]

F8 = 8.0  # bytes per float64
BENCH_SECONDS_MAX = 600.0  # longest timing of ising bench
HISTOGRAM_BINS_MAX = 10_000
LADDER_MAX = 256  # temperatures of a PT ladder (a few dozen suffice at the largest sizes)
FIELD_MAX = 1e6  # largest transverse field g/J (the eigensolvers overflow near 1e308)
ISING_T_MIN = 0.005  # below, exp(2J/T) leaves the float64 range in the exact formulas


def _ints(params: dict, name: str, default: list[int]) -> list[int]:
    text = params.get(name)
    return default if text is None else parse_values(str(text), name, kind=int, ge=1)


def _count(params: dict, name: str, default: int) -> int:
    text = params.get(name)
    return default if text is None else len(parse_values(str(text), name))


def _get(params: dict, name: str, default: Any) -> Any:
    value = params.get(name)
    return default if value is None else value


def _rem(p: dict) -> None:
    sizes = _ints(p, "sizes", [4096])
    samples, n_boot = _get(p, "samples", 200), _get(p, "n_boot", 200)
    check_float(_get(p, "sigma", 1.0), "sigma", ge=1e-12, le=1e12)
    grid = _count(p, "betas", 200)
    check_memory(3 * F8 * samples * max(sizes), f"--sizes {max(sizes)} x --samples {samples}")
    work = samples * sum(sizes) * grid + n_boot * samples * grid * len(sizes)
    check_work(work, None, f"--sizes/--samples {samples}/--n-boot {n_boot} on {grid} β values")


def _dim(p: dict) -> int:
    """The lattice dimension: 2 (square) or 3 (cubic), checked before any
    estimate raises a size to its power."""
    return check_int(_get(p, "dim", 2), "dim", ge=2, le=3)


def _lattice(p: dict) -> tuple[str, float]:
    """The options that set the lattice, as the user gave them, and its spins."""
    L = _get(p, "size", 32)
    M = _get(p, "width", L)
    dim = _dim(p)
    spins = float(L) * M * (L ** (dim - 2) if dim > 2 else 1)
    return (f"--size {L}" if M == L else f"--size {L} x --width {M}"), spins


def _ising_exact(p: dict) -> None:
    check_float(_get(p, "temperature", 1.0), "temperature", ge=ISING_T_MIN)
    name, spins = _lattice({**p, "dim": 2})
    check_work(spins, 2.0**24, f"{name}: the exact torus of {spins:.3g} spins", "spins")


def _ising_simulate(p: dict) -> None:
    check_float(_get(p, "temperature", 1.0), "temperature", ge=ISING_T_MIN)
    name, spins = _lattice(p)
    check_memory(16 * spins, f"{name} ({spins:.3g} spins)")
    sweeps = _get(p, "sweeps", 20000)
    check_work(spins * sweeps * 1.1, None, f"{name} x --sweeps {sweeps}", "spin updates")
    algorithm, backend = p.get("algorithm"), p.get("backend")
    if algorithm == "wolff" and backend not in (None, "auto"):
        raise InputError(
            f"--backend {backend}: applies to metropolis and heatbath only; wolff has one "
            "implementation (leave --backend at auto)"
        )


def _ising_bench(p: dict) -> None:
    if p.get("min_seconds") is not None:  # 1e308 s is a hang in all but name
        check_float(p["min_seconds"], "min-seconds", gt=0, le=BENCH_SECONDS_MAX)
    for name, default in (("size", 1024), ("wolff_size", 256)):
        L = _get(p, name, default)
        check_memory(16.0 * L * L, f"--{name.replace('_', '-')} {L} ({float(L) * L:.3g} spins)")


def _lm_sample(p: dict) -> None:
    tokens, samples = _get(p, "tokens", 200), _get(p, "samples", 1)
    check_work(float(tokens) * samples, 1e7, f"--tokens {tokens} x --samples {samples}", "tokens")


def _ising_tc(p: dict) -> None:
    sizes = _ints(p, "sizes", [64])
    dim = _dim(p)
    temps = _count(p, "temperatures", 13)
    sweeps = _get(p, "sweeps", 20000)
    check_memory(16.0 * max(sizes) ** dim, f"--sizes {max(sizes)}")
    work = sum(float(n) ** dim for n in sizes) * temps * sweeps * 1.1
    check_work(work, None, f"--sizes x {temps} temperatures x --sweeps {sweeps}", "spin updates")


def _ising_tfim(p: dict) -> None:
    sizes = _ints(p, "sizes", [256])
    ed_max = _get(p, "ed_max", 12)
    check_int(ed_max, "ed-max", ge=0, le=40)
    if p.get("fields") is not None:  # g/J beyond 1e6 is the g = inf limit to 1e-12
        parse_values(str(p["fields"]), "fields", ge=0, le=FIELD_MAX)
    fields = _count(p, "fields", 101)
    check_memory(3 * F8 * (2.0 * max(sizes)) ** 2, f"--sizes {max(sizes)}")
    check_work(fields * sum((2.0 * n) ** 3 for n in sizes), None, "--sizes x --fields")
    ed = min(ed_max, max(sizes))
    check_memory(3 * F8 * (ed + 2) * 2.0**ed, f"--ed-max {ed_max} (2^N states)")


def _glass(p: dict, temps: int) -> None:
    sizes = _ints(p, "sizes", [128])
    samples = _get(p, "samples", 20)
    check_memory(4 * F8 * float(max(sizes)) ** 2, f"--sizes {max(sizes)} (N² couplings)")
    work = 0.0
    for n in sizes:
        sweeps = p.get("sweeps") or max(500, 12 * n)
        work += float(samples) * temps * sweeps * float(n) ** 2
    check_work(work, None, f"--sizes x --samples {samples} x {temps} temperatures x sweeps")


def _glass_sk(p: dict) -> None:
    temps = _count(p, "temperatures", 20)
    if temps > LADDER_MAX:
        raise InputError(
            f"--temperatures: a PT ladder of at most {LADDER_MAX} temperatures, got NUM = {temps}"
        )
    _glass(p, temps)


def _glass_overlap(p: dict) -> None:
    if p.get("bins") is not None:  # a histogram of P(q) over N + 1 possible overlaps
        check_int(p["bins"], "bins", ge=2, le=HISTOGRAM_BINS_MAX)
    temps = _get(p, "ladder_size", 12)
    check_int(temps, "ladder-size", ge=2, le=LADDER_MAX)
    _glass(p, temps)


def _hopfield_capacity(p: dict) -> None:
    sizes = _ints(p, "sizes", [2000])
    alphas = _count(p, "alphas", 15)
    trials = _get(p, "trials", 40)
    check_memory(3 * F8 * float(max(sizes)) ** 2, f"--sizes {max(sizes)} (N² weights)")
    work = trials * alphas * sum(10.0 * float(n) ** 2 for n in sizes)
    check_work(work, None, f"--sizes x {alphas} α values x --trials {trials}")


def _hopfield_modern(p: dict) -> None:
    for name in ("spread", "noise"):  # beyond, the patterns and energies overflow
        if p.get(name) is not None:
            check_float(p[name], name, ge=0, le=1e6)
    d, patterns = _get(p, "dim", 64), _get(p, "patterns", 32)
    betas = _count(p, "betas", 41)
    check_memory(6 * F8 * float(d) * patterns, f"--dim {d} x --patterns {patterns}")
    check_work(100.0 * betas * d * patterns * patterns, None, "--dim x --patterns x --betas")


def _compare(p: dict) -> None:
    if p.get("margin") is not None:
        check_float(p["margin"], "margin", ge=0, lt=1)
    if p.get("target_loss") is not None:
        check_float(p["target_loss"], "target-loss", gt=0)


def _main_job(p: dict) -> None:
    only = p.get("only")
    if only is not None and not [s for s in str(only).split(",") if s.strip()]:
        raise InputError("--only: no section named; give e.g. --only rem,quantum (or omit it)")


def _safe_count(params: dict, name: str, default: int) -> int:
    """Number of values of a list/grid option; ``default`` when it does not
    parse (the command's own parser then reports the error its way)."""
    try:
        return _count(params, name, default)
    except InputError:
        return default


def _tokens(p: dict, texts: str, tokens: str, defaults: tuple[int, int], points: int = 1) -> None:
    n, t = _get(p, texts, defaults[0]), _get(p, tokens, defaults[1])
    what = f"--{texts.replace('_', '-')} {n} x --{tokens.replace('_', '-')} {t}"
    if points > 1:
        what += f" x {points} grid points"
    check_work(float(n) * t * points, 1e7, what, "tokens scored")


def _analyze(p: dict) -> None:
    _tokens(p, "n_texts", "max_tokens", (32, 128))


def _layers(p: dict) -> None:
    _tokens(p, "n_texts", "max_tokens", (16, 128))


def _phases_detect(p: dict) -> None:
    if p.get("texts") is not None and p.get("model") is None:
        raise InputError(
            "--texts: prompts for --model only; a --checkpoint is measured on windows of "
            "its own training corpus (leave --texts out)"
        )
    grid = _safe_count(p, "grid", 19)
    _tokens(p, "n_texts", "tokens", (16, 64), grid)
    n_cont = _get(p, "continuation", 1)
    if n_cont > 1:  # sampled: N sampling passes and <= 3 scoring passes per grid point
        n, t, k = _get(p, "n_texts", 16), _get(p, "tokens", 64), _get(p, "samples", 64)
        what = f"--samples {k} x --continuation {n_cont} x {n} prompts x {grid} grid points"
        check_work(float(grid) * n * k * (t + n_cont) * (n_cont + 3), 1e9, what, "tokens run")


def _icl_sweep(p: dict) -> None:
    entries = str(_get(p, "tasks", "1")).split(",")
    if any(not t.strip() for t in entries):
        raise InputError(f"--tasks: empty entry in the list {p.get('tasks')!s:.60}")
    # beyond these the Gibbs weights and the posterior overflow (inf/NaN, warnings)
    for name, lo, hi in (("noise", 1e-6, 1e6), ("beta", 1e-6, 1e6), ("ridge", 0.0, 1e6)):
        if p.get(name) is not None:
            check_float(p[name], name, ge=lo, le=hi)
    tasks = len(entries)
    dims = len(_ints(p, "dims", [1]))  # an integer list or grid, no empty entry
    seeds, pairs, samples = _get(p, "seeds", 3), _get(p, "pairs", 200), _get(p, "samples", 2000)
    points = float(seeds) * tasks * dims
    check_work(
        points * (pairs + samples),
        1e6,
        f"--pairs {pairs} + --samples {samples} on {points:.0f} points "
        f"(--seeds {seeds} x {tasks} --tasks x {dims} d)",
        "sequences",
    )


def _hyperbolic_conjecture(p: dict) -> None:
    runs = float(_get(p, "seeds", 3))
    for name, default in (("curvatures", 5), ("branching", 4), ("betas", 6)):
        runs *= _safe_count(p, name, default)
    steps = _get(p, "steps", 60)
    check_work(runs * steps, 1e7, f"{runs:.0f} runs x --steps {steps}", "training steps")


def _numbers_zeros(p: dict) -> None:
    count, n_boot = _get(p, "count", 100), _get(p, "n_boot", 200)
    what = f"--count {count} x --n-boot {n_boot}"
    check_work(float(count) * n_boot, 1e7, what, "resampled spacings")


def _quantum(p: dict) -> None:
    samples = _get(p, "samples", 0)
    seeds = _get(p, "seeds", 1)
    what = f"--samples {samples}" + (f" x --seeds {seeds}" if "seeds" in p else "")
    check_work(float(samples) * seeds, 1e7, what, "sampled texts")


LIMITS: dict[tuple[str, ...], Callable[[dict], None]] = {
    ("ensemble", "rem"): _rem,
    ("ising", "exact"): _ising_exact,
    ("ising", "simulate"): _ising_simulate,
    ("ising", "tc"): _ising_tc,
    ("ising", "bench"): _ising_bench,
    ("sample",): _lm_sample,
    ("ising", "tfim"): _ising_tfim,
    ("glass", "sk"): _glass_sk,
    ("glass", "overlap"): _glass_overlap,
    ("hopfield", "capacity"): _hopfield_capacity,
    ("hopfield", "modern"): _hopfield_modern,
    ("compare",): _compare,
    ("main-job",): _main_job,
    ("analyze",): _analyze,
    ("layers",): _layers,
    ("phases", "detect"): _phases_detect,
    ("icl", "sweep"): _icl_sweep,
    ("hyperbolic", "conjecture"): _hyperbolic_conjecture,
    ("numbers", "zeros"): _numbers_zeros,
    ("quantum", "run"): _quantum,
    ("quantum", "verify"): _quantum,
}


def check_limits(path: tuple[str, ...], params: dict[str, Any]) -> None:
    """Run the check registered for the command at ``path`` (if any)."""
    check = LIMITS.get(path)
    if check is not None:
        check(params)
