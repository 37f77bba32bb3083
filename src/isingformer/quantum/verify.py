"""Checks of the Fock-space model: CPTP of every E(t_ℓ, t_0), agreement with the
autoregressive transformer (exact joint distribution and sampled frequencies),
and the closed form of the document's worked Example.

CP is checked on the Choi matrix J = Σ_ij |i⟩⟨j| ⊗ E(|i⟩⟨j|) built by *applying*
the implemented map to matrix units (so it tests the code, not just the Kraus
form), compared entry by entry with the Choi matrix of the Kraus operators, and
its smallest eigenvalue must be ≥ −1e-12. TP is Σ_λ K_λ† K_λ = I. QuTiP's
``kraus_to_super(...).iscptp`` is the independent cross-check.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field

import numpy as np

from isingformer.errors import InputError
from isingformer.quantum.backends import DenseBackend, SparseBackend, make_backend
from isingformer.quantum.classical import autoregressive_joint, autoregressive_sample
from isingformer.quantum.measurement import (
    JointDistribution,
    sample_by_measurement,
    sequential_measurement,
)
from isingformer.quantum.spec import TransformerSpec
from isingformer.validate import check_float, check_seed

#: Tolerances of the checks.
TP_TOL = 1e-12
CHOI_TOL = 1e-12
JOINT_TOL = 1e-12
#: Largest Choi matrix (dim V · dim W) built by applying the map.
CHOI_MAX = 1024
#: Dense mode: at most (dim V)² · dim² ≤ this many matrix entries pushed through the map.
DENSE_APPLY_WORK = 2e8
#: Largest subspace V ∪ W handed to QuTiP (its Choi matrix is dim² × dim², dense eigh).
QUTIP_MAX = 20


@dataclass
class ChannelCheck:
    """CPTP evidence for one block's operation E(t_ℓ, t_0) on a set of input strings."""

    block: int  # 1-based ℓ
    sectors: list[int]  # input sectors the checked strings come from
    n_inputs: int  # dim V of the Choi matrix (input strings)
    n_outputs: int  # dim W (their images)
    tp_inputs: int  # number of input strings TP was checked on (plus all of F^(M) in dense mode)
    tp_residual: float  # max |Σ K†K − I|
    choi_min_eigenvalue: float
    choi_trace_check: float  # max |Tr_out J − I_V|
    choi_apply_vs_kraus: float  # max |J(applied map) − J(Kraus)|
    qutip_iscptp: bool | None  # None when not even one string fits QUTIP_MAX
    qutip_inputs: int  # dim V' of the subspace QuTiP checked
    cptp: bool


def _restricted_kraus(backend, block: int, strings: list[tuple[int, ...]]):
    """Images W of the strings V and the Kraus operators restricted to V → W, [M+1, |W|, |V|]."""
    ch = backend.channels[block]
    images: dict[tuple[int, ...], int] = {}
    entries = []
    for j, w in enumerate(strings):
        for br in ch.branches(w):
            row = images.setdefault(br.image, len(images))
            entries.append((br.label, row, j, br.amplitude))
    K = np.zeros((ch.n_kraus, len(images), len(strings)))
    for lam, r, j, a in entries:
        K[lam, r, j] += a
    out = sorted(images, key=images.get)
    if isinstance(backend, DenseBackend):  # cross-check against the global Kraus matrices
        sp = backend.space
        vi = [sp.index(w) for w in strings]
        wi = [sp.index(w) for w in out]
        G = np.stack([Kg[wi][:, vi].toarray() for Kg in backend.kraus[block]])
        if not np.allclose(G, K, atol=1e-15, rtol=0):
            raise AssertionError("global Kraus matrices disagree with the per-string branches")
    return out, K


def _apply_unit(backend, block: int, wi, wj, images: list[tuple[int, ...]]) -> np.ndarray:
    """⟨a| E(|w_i⟩⟨w_j|) |b⟩ for a, b ∈ W, computed with the backend's own map."""
    if isinstance(backend, SparseBackend):
        res = backend.evolve({(wi, wj): 1.0 + 0j}, block)
        pos = {w: k for k, w in enumerate(images)}
        out = np.zeros((len(images), len(images)), dtype=complex)
        for (a, b), v in res.items():
            out[pos[a], pos[b]] += v
        return out
    sp = backend.space
    rho = np.zeros((sp.dim, sp.dim), dtype=complex)
    rho[sp.index(wi), sp.index(wj)] = 1.0
    res = backend.evolve(rho, block)
    idx = [sp.index(w) for w in images]
    outside = res.copy()
    outside[np.ix_(idx, idx)] = 0
    if np.abs(outside).max() > 0:
        raise AssertionError("E(|i><j|) has weight outside the images of i and j")
    return res[np.ix_(idx, idx)]


def _qutip_iscptp(backend, block: int, strings: list[tuple[int, ...]]) -> tuple[bool | None, int]:
    """QuTiP's ``iscptp`` on the restriction to the longest prefix V' of ``strings`` with
    dim(V' ∪ W') ≤ ``QUTIP_MAX``, embedded in U = V' ∪ W' (identity on W' \\ V' so that
    the embedded map is TP exactly when the restriction is). Returns (verdict, dim V')."""
    ch = backend.channels[block]
    m, union = 0, set()
    for w in strings:
        new = {w} | {br.image for br in ch.branches(w)}
        if len(union | new) > QUTIP_MAX:
            break
        union |= new
        m += 1
    if m == 0:
        return None, 0
    import qutip as qt

    sub = strings[:m]
    images, K = _restricted_kraus(backend, block, sub)
    U = list(dict.fromkeys([*sub, *images]))
    pos = {w: k for k, w in enumerate(U)}
    vi = [pos[w] for w in sub]
    wi = [pos[w] for w in images]
    ops = []
    for lam in range(K.shape[0]):
        if not K[lam].any():
            continue
        op = np.zeros((len(U), len(U)))
        op[np.ix_(wi, vi)] = K[lam]
        ops.append(qt.Qobj(op))
    rest = [pos[w] for w in U if w not in set(sub)]
    if rest:
        P = np.zeros((len(U), len(U)))
        P[rest, rest] = 1.0
        ops.append(qt.Qobj(P))
    return bool(qt.kraus_to_super(ops).iscptp), m


def _tp_residual(backend, block: int, strings: list[tuple[int, ...]]) -> float:
    """max |Σ_λ K_λ† K_λ − I| on span(strings), from the per-string Kraus action.

    ⟨v|Σ K†K|w⟩ = Σ_λ a_λ(v) a_λ(w) [image_λ(v) = image_λ(w)], accumulated sparsely.
    """
    ch = backend.channels[block]
    pos = {w: i for i, w in enumerate(strings)}
    by_image: dict[tuple[int, tuple[int, ...]], list[tuple[int, float]]] = {}
    for w in strings:
        for br in ch.branches(w):
            by_image.setdefault((br.label, br.image), []).append((pos[w], br.amplitude))
    gram: dict[tuple[int, int], float] = {}
    for terms in by_image.values():
        for i, a in terms:
            for j, b in terms:
                gram[(i, j)] = gram.get((i, j), 0.0) + a * b
    worst = 0.0
    for i in range(len(strings)):
        worst = max(worst, abs(gram.get((i, i), 0.0) - 1.0))
    for (i, j), v in gram.items():
        if i != j:
            worst = max(worst, abs(v))
    return worst


def _choi_prefix(backend, block: int, strings: list[tuple[int, ...]], choi_max: int) -> int:
    """Length of the longest prefix V of ``strings`` with dim V · dim W ≤ ``choi_max`` (≥ 1)."""
    ch = backend.channels[block]
    images: set[tuple[int, ...]] = set()
    m = 0
    for w in strings:
        new = images | {br.image for br in ch.branches(w)}
        if m >= 1 and (m + 1) * len(new) > choi_max:
            break
        images = new
        m += 1
    return m


@contextlib.contextmanager
def _blas_single_thread():
    """Run small dense eigenproblems on one BLAS thread: on a few shared cores a
    multi-threaded OpenBLAS spin-waits and runs these 10-100x slower."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: without it BLAS keeps its default
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def check_channel(
    backend,
    block: int,
    strings: list[tuple[int, ...]],
    tp_strings: list[tuple[int, ...]] | None = None,
    choi_max: int = CHOI_MAX,
) -> ChannelCheck:
    """CPTP checks of E(t_ℓ, t_0) (``block`` 0-based) on the input strings.

    TP (Σ K†K = I) on all ``strings`` and ``tp_strings`` (and, in dense mode, on all of
    F^(M)(h)); the Choi matrix by application, its eigenvalues and partial trace on
    the longest prefix V of ``strings`` with dim V · dim W ≤ ``choi_max``; QuTiP's
    ``iscptp`` on a smaller prefix.
    """
    with _blas_single_thread():
        return _check_channel(backend, block, strings, tp_strings, choi_max)


def _check_channel(backend, block, strings, tp_strings, choi_max) -> ChannelCheck:
    tp = _tp_residual(backend, block, list(dict.fromkeys([*strings, *(tp_strings or [])])))
    if isinstance(backend, DenseBackend):
        total = sum(Kg.T @ Kg for Kg in backend.kraus[block]).toarray()
        tp = max(tp, float(np.abs(total - np.eye(backend.space.dim)).max()))
    m = _choi_prefix(backend, block, strings, choi_max)
    if isinstance(backend, DenseBackend):
        # each matrix unit is pushed through the full [dim, dim] map: bound the work
        m = min(m, max(2, int(DENSE_APPLY_WORK**0.5 // backend.space.dim)))
    choi_strings = strings[:m]
    images, K = _restricted_kraus(backend, block, choi_strings)
    nv, nw = len(choi_strings), len(images)
    # Choi of the Kraus form: J[(i,a),(j,b)] = Σ_λ K[a,i] K[b,j]
    vecs = K.transpose(0, 2, 1).reshape(K.shape[0], nv * nw)  # [λ, (i, a)]
    J_kraus = vecs.T @ vecs
    # Choi of the implemented map, by applying it to every matrix unit |w_i><w_j|
    J = np.zeros((nv, nw, nv, nw), dtype=complex)
    for i, wi in enumerate(choi_strings):
        for j, wj in enumerate(choi_strings):
            J[i, :, j, :] = _apply_unit(backend, block, wi, wj, images)
    J = J.reshape(nv * nw, nv * nw)
    diff = float(np.abs(J - J_kraus).max())
    herm = (J + J.conj().T) / 2
    if np.abs(herm.imag).max() == 0.0:  # real maps on real inputs: real eigh is faster
        herm = herm.real
    min_eig = float(np.linalg.eigvalsh(herm).min())
    ptrace = np.einsum("iaja->ij", J.reshape(nv, nw, nv, nw))
    tr_check = float(np.abs(ptrace - np.eye(nv)).max())
    qutip_ok, qutip_n = _qutip_iscptp(backend, block, choi_strings)
    sectors = sorted({len(w) for w in strings})
    ok = (
        tp <= TP_TOL
        and tr_check <= TP_TOL
        and min_eig >= -CHOI_TOL
        and diff <= CHOI_TOL
        and qutip_ok is not False
    )
    n_tp = len(set(strings) | set(tp_strings or []))
    return ChannelCheck(
        block + 1, sectors, nv, nw, n_tp, tp, min_eig, tr_check, diff, qutip_ok, qutip_n, ok
    )


def relevant_strings(
    backend, block: int, joint: JointDistribution | None = None
) -> tuple[list[tuple[int, ...]], list[tuple[int, ...]]]:
    """Input strings for block ℓ's checks, all from the sector n + ℓ − 1 it acts on.

    Returns (populated, choi_strings): ``populated`` are the strings x_1…x_n y_1…y_{ℓ−1}
    that the measurement actually visits (TP is checked on all of them);
    ``choi_strings`` start with populated ones and are filled up with further strings
    of the sector (all of it when it fits) while dim V · dim W ≤ ``CHOI_MAX``.
    """
    spec = backend.spec
    if joint is None:
        joint = sequential_measurement(spec, backend.name)
    populated = list(dict.fromkeys(spec.text + p for p in sorted(joint.tree) if len(p) == block))
    k = spec.n + block
    per = min(k, spec.n_tokens) if k < spec.M else 1  # distinct images per string
    budget = max(1, math.isqrt(CHOI_MAX // per))
    chosen = populated[:budget]
    N = spec.n_tokens
    if len(chosen) < budget:
        if k * math.log(N) <= math.log(budget) + 1e-9:  # the whole sector fits
            extra = [tuple(int(t) for t in s) for s in backend.space.strings(k)]
            chosen = list(dict.fromkeys([*chosen, *extra]))[:budget]
        else:
            rng = np.random.default_rng(12345 + block)
            seen = set(chosen)
            for _ in range(50 * budget):
                if len(chosen) >= budget:
                    break
                cand = tuple(int(t) for t in rng.integers(0, N, size=k))
                if cand not in seen:
                    seen.add(cand)
                    chosen.append(cand)
    return populated, chosen


def full_space_strings(spec: TransformerSpec) -> list[tuple[int, ...]]:
    """Every basis string of F^(M)(h) (vacuum first), for tiny spaces."""
    from isingformer.quantum.fock import FockSpace

    sp = FockSpace(spec.n_tokens, spec.M)
    return [sp.string(i) for i in range(sp.dim)]


@dataclass
class CPTPReport:
    """Per-block channel checks; ``cptp`` is their conjunction."""

    checks: list[ChannelCheck]
    cptp: bool
    full_space: bool = False


def check_cptp(
    spec: TransformerSpec,
    mode: str = "auto",
    full_space_max_dim: int = 31,
    joint: JointDistribution | None = None,
) -> CPTPReport:
    """CPTP of every block's E(t_ℓ, t_0): on all of F^(M)(h) when dim ≤ ``full_space_max_dim``,
    otherwise on the relevant sector n + ℓ − 1 (populated strings first; ``joint``, the
    spec's measurement tree if already computed, tells which strings are populated)."""
    backend = make_backend(spec, mode)
    dim = backend.space.dim
    full = dim <= full_space_max_dim
    if not full and joint is None:
        joint = sequential_measurement(spec, mode)
    checks = []
    for b in range(spec.L):
        if full:
            strings = full_space_strings(spec)
            checks.append(check_channel(backend, b, strings, choi_max=4 * CHOI_MAX))
        else:
            populated, strings = relevant_strings(backend, b, joint)
            checks.append(check_channel(backend, b, strings, tp_strings=populated))
    return CPTPReport(checks, all(c.cptp for c in checks), full)


def chi_square(samples: np.ndarray, joint: dict[tuple[int, ...], float], min_expected: float = 5.0):
    """Pearson χ² of sampled texts [n, L] against an exact joint law.

    Outcomes with expected count below ``min_expected`` are pooled into one bin.
    Returns (statistic, degrees of freedom, p-value); with fewer than two bins
    (too few samples) there is no test: 0 degrees of freedom and p = NaN.
    """
    from scipy import stats

    n = samples.shape[0]
    keys = sorted(joint, key=lambda k: joint[k])
    probs = np.array([joint[k] for k in keys])
    index = {k: i for i, k in enumerate(keys)}
    counts = np.zeros(len(keys))
    other = 0
    for row in map(tuple, samples.tolist()):
        i = index.get(row)
        if i is None:
            other += 1  # an outcome of probability zero
        else:
            counts[i] += 1
    if other:
        return float("inf"), len(keys), 0.0
    expected = n * probs
    small = expected < min_expected
    obs = list(counts[~small])
    exp = list(expected[~small])
    if small.any():
        pooled_o, pooled_e = counts[small].sum(), expected[small].sum()
        if pooled_e >= min_expected or not exp:
            obs.append(pooled_o)
            exp.append(pooled_e)
        else:
            obs[0] += pooled_o
            exp[0] += pooled_e
    if len(obs) < 2:
        return 0.0, 0, float("nan")  # no test (was p = 1, which verify counted as a pass)
    obs_a, exp_a = np.array(obs), np.array(exp)
    exp_a *= obs_a.sum() / exp_a.sum()
    stat = float(((obs_a - exp_a) ** 2 / exp_a).sum())
    dof = len(obs_a) - 1
    return stat, dof, float(stats.chi2.sf(stat, dof))


def fisher_combined(pvalues: list[float]) -> float:
    """Fisher's combined p-value of independent tests."""
    from scipy import stats

    if not pvalues:
        return 1.0
    ps = np.clip(np.asarray(pvalues, dtype=float), 1e-300, 1.0)
    return float(stats.chi2.sf(-2 * np.log(ps).sum(), 2 * len(ps)))


@dataclass
class Verification:
    """Everything ``isingformer quantum verify`` reports for one spec."""

    mode: str
    joint: dict[str, float]
    classical_joint: dict[str, float]
    joint_max_abs_diff: float
    same_support: bool
    cptp: CPTPReport
    chi2_quantum: list[dict] = field(default_factory=list)
    chi2_classical: list[dict] = field(default_factory=list)
    p_combined_quantum: float = 1.0
    p_combined_classical: float = 1.0
    passed: bool = False


def verify_spec(
    spec: TransformerSpec,
    *,
    mode: str = "auto",
    seeds: list[int] | tuple[int, ...] = (0, 1, 2, 3, 4),
    n_samples: int = 20000,
    alpha: float = 1e-3,
    cptp: CPTPReport | None = None,
) -> Verification:
    """Run all checks: CPTP, exact joint vs the autoregressive sampler (≤ 1e-12), and χ² of
    measurement-sampled and autoregressively sampled frequencies over ``seeds``
    (passes when Fisher's combined p-value of each is ≥ ``alpha``). A ``cptp`` report
    already computed for this spec is reused."""
    if len(seeds) == 0:
        raise InputError("seeds: give at least one seed for the χ² checks")
    seeds = [check_seed(s) for s in seeds]
    check_float(alpha, "alpha", gt=0, lt=1)
    jd = sequential_measurement(spec, mode)
    ref = autoregressive_joint(spec)
    keys = sorted(set(jd.joint) | set(ref))
    diff = max(abs(jd.joint.get(k, 0.0) - ref.get(k, 0.0)) for k in keys)
    cptp = check_cptp(spec, mode, joint=jd) if cptp is None else cptp
    chq, chc = [], []
    for s in seeds:
        stat, dof, p = chi_square(sample_by_measurement(spec, n_samples, s, mode), ref)
        if dof == 0:
            raise InputError(
                f"--samples {n_samples} is too few for the χ² check: fewer than two outcomes "
                "(pooled) have an expected count >= 5; use more samples"
            )
        chq.append({"seed": s, "chi2": stat, "dof": dof, "p_value": p})
        stat, dof, p = chi_square(autoregressive_sample(spec, n_samples, s + 10_000), jd.joint)
        chc.append({"seed": s + 10_000, "chi2": stat, "dof": dof, "p_value": p})
    pq = fisher_combined([c["p_value"] for c in chq])
    pc = fisher_combined([c["p_value"] for c in chc])
    names = {k: ",".join(spec.names(k)) for k in keys}
    passed = (
        diff <= JOINT_TOL
        and cptp.cptp
        and pq >= alpha
        and pc >= alpha
        and set(jd.joint) == set(ref)
    )
    return Verification(
        mode=jd.mode,
        joint={names[k]: v for k, v in sorted(jd.joint.items())},
        classical_joint={names[k]: v for k, v in sorted(ref.items())},
        joint_max_abs_diff=diff,
        same_support=set(jd.joint) == set(ref),
        cptp=cptp,
        chi2_quantum=chq,
        chi2_classical=chc,
        p_combined_quantum=pq,
        p_combined_classical=pc,
        passed=passed,
    )


def example_closed_form(dps: int = 30) -> dict[str, dict[str, float]]:
    """The worked Example's probabilities from the document, evaluated with mpmath.

    Returns {"joint": {"x0,x0": 2/((e+2)(3e+1)), …}, "marginal": {"x0": 2/(e+2), "x1": e/(e+2)},
    "conditional": {"x0": {"x0": 1/(3e+1), "x1": 3e/(3e+1)}, "x1": {"x0": e/(e+1), "x1": 1/(e+1)}}}.
    """
    import mpmath as mp

    with mp.workdps(dps):
        e = mp.e
        joint = {
            "x0,x0": 2 / ((e + 2) * (3 * e + 1)),
            "x0,x1": 6 * e / ((e + 2) * (3 * e + 1)),
            "x1,x0": e**2 / ((e + 2) * (e + 1)),
            "x1,x1": e / ((e + 2) * (e + 1)),
        }
        marginal = {"x0": 2 / (e + 2), "x1": e / (e + 2)}
        conditional = {
            "x0": {"x0": 1 / (3 * e + 1), "x1": 3 * e / (3 * e + 1)},
            "x1": {"x0": e / (e + 1), "x1": 1 / (e + 1)},
        }
        return {
            "joint": {k: float(v) for k, v in joint.items()},
            "marginal": {k: float(v) for k, v in marginal.items()},
            "conditional": {a: {b: float(v) for b, v in d.items()} for a, d in conditional.items()},
        }
