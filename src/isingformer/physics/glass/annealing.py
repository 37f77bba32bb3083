"""Simulated annealing for any generalized Ising problem, and a greedy baseline.

Problem: minimize ``H(s) = −Σ_{i<j} J_ij s_i s_j − Σ_i h_i s_i`` over
s ∈ {−1, +1}^N, with ``J`` symmetric (dense NumPy array or SciPy sparse
matrix, zero diagonal) and ``h`` a vector. Max-Cut of a weighted graph is the
case ``J = −W`` (adjacency weights), ``h = 0``: cut(s) = (ΣW/2 − H(s)) / 2,
with ΣW/2 the total edge weight.

Schedules (temperature T_k, k = 0..n_steps−1, from t_start to t_end):
``geometric`` (T_k = t_start·(t_end/t_start)^(k/(n−1)), the classic
exponential cooling), ``linear`` (linear in T), ``linear_beta`` (linear in
β = 1/T), ``log`` (T_k ∝ 1/ln(k + e), rescaled to the two ends), or an
explicit array of temperatures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from isingformer.errors import InputError
from isingformer.physics.glass import _kernels as K
from isingformer.validate import seeded_rng as _rng

__all__ = [
    "SCHEDULES",
    "AnnealResult",
    "IsingProblem",
    "annealing_schedule",
    "compare_maxcut",
    "cut_value",
    "greedy_descent",
    "maxcut_problem",
    "simulated_annealing",
]

SCHEDULES = ("geometric", "linear", "linear_beta", "log")


def annealing_schedule(kind, t_start: float, t_end: float, n_steps: int) -> np.ndarray:
    """Temperatures ``T[n_steps]`` from ``t_start`` down to ``t_end``.

    ``kind`` is one of :data:`SCHEDULES` or an explicit 1-D array of positive
    temperatures (then returned as is).
    """
    if not isinstance(kind, str):
        temps = np.asarray(kind, dtype=np.float64)
        if temps.ndim != 1 or len(temps) == 0 or np.any(~np.isfinite(temps)) or np.any(temps <= 0):
            raise InputError("an explicit schedule must be a non-empty 1-D array of positive T")
        return temps
    if kind not in SCHEDULES:
        raise InputError(f"unknown schedule {kind!r}; use one of {', '.join(SCHEDULES)}")
    if not (0 < t_end <= t_start) or not math.isfinite(t_start):
        raise InputError(f"need 0 < t_end <= t_start, got t_start={t_start}, t_end={t_end}")
    if n_steps < 1:
        raise InputError(f"n_steps must be >= 1, got {n_steps}")
    x = np.linspace(0.0, 1.0, n_steps)
    if kind == "geometric":
        return t_start * (t_end / t_start) ** x
    if kind == "linear":
        return t_start + (t_end - t_start) * x
    if kind == "linear_beta":
        return 1.0 / (1.0 / t_start + (1.0 / t_end - 1.0 / t_start) * x)
    # log: T ∝ 1/ln(k + e), affinely mapped onto [t_end, t_start]
    raw = 1.0 / np.log(np.arange(n_steps) + math.e)
    if n_steps == 1:
        return np.array([t_start])
    raw = (raw - raw[-1]) / (raw[0] - raw[-1])
    return t_end + (t_start - t_end) * raw


@dataclass(frozen=True)
class IsingProblem:
    """Validated problem: dense ``J`` [N, N] or CSR parts, and ``h`` [N]."""

    n: int
    h: np.ndarray
    dense: np.ndarray | None
    csr: tuple[np.ndarray, np.ndarray, np.ndarray] | None

    @classmethod
    def build(cls, J, h=None) -> IsingProblem:
        if sp.issparse(J):
            m = sp.csr_matrix(J, dtype=np.float64)
            if m.shape[0] != m.shape[1]:
                raise InputError(f"couplings must be square, got shape {m.shape}")
            if abs(m - m.T).max() > 1e-12 * max(1.0, abs(m).max()):
                raise InputError("couplings must be symmetric (J_ij = J_ji)")
            if np.any(m.diagonal() != 0):
                raise InputError("couplings must have a zero diagonal (no self-interaction)")
            m.sum_duplicates()
            m.sort_indices()
            n = m.shape[0]
            csr = (m.indptr.astype(np.int64), m.indices.astype(np.int64), m.data.copy())
            dense = None
        else:
            dense = np.ascontiguousarray(J, dtype=np.float64)
            if dense.ndim != 2 or dense.shape[0] != dense.shape[1]:
                raise InputError(f"couplings must be a square matrix, got shape {dense.shape}")
            if not np.allclose(dense, dense.T):
                raise InputError("couplings must be symmetric (J_ij = J_ji)")
            if np.any(np.diag(dense) != 0):
                raise InputError("couplings must have a zero diagonal (no self-interaction)")
            n, csr = dense.shape[0], None
        h = np.zeros(n) if h is None else np.ascontiguousarray(h, dtype=np.float64)
        if h.shape != (n,):
            raise InputError(f"field must have shape ({n},), got {h.shape}")
        return cls(n=n, h=h, dense=dense, csr=csr)

    def energy(self, s) -> float:
        s = np.asarray(s, dtype=np.float64)
        if self.dense is not None:
            js = self.dense @ s
        else:
            indptr, indices, data = self.csr
            js = sp.csr_matrix((data, indices, indptr), shape=(self.n, self.n)) @ s
        return float(-0.5 * s @ js - self.h @ s)


@dataclass(frozen=True)
class AnnealResult:
    """Best state found (``state`` [N] int8) and its ``energy``, per restart energies."""

    energy: float
    state: np.ndarray
    restart_energies: np.ndarray
    temperatures: np.ndarray


def simulated_annealing(
    J,
    h=None,
    *,
    schedule="geometric",
    t_start: float = 3.0,
    t_end: float = 0.05,
    n_steps: int = 200,
    sweeps_per_step: int = 1,
    restarts: int = 1,
    seed=0,
) -> AnnealResult:
    """Minimize H by Metropolis sweeps along a cooling schedule.

    Args:
        J: symmetric couplings, dense [N, N] or SciPy sparse; h: field [N].
        schedule: a name from :data:`SCHEDULES` or temperatures [n_steps].
        t_start, t_end, n_steps: schedule ends and length (T in units of |J|).
        sweeps_per_step: Metropolis sweeps at each temperature.
        restarts: independent runs from random states; the best is returned.
    """
    prob = IsingProblem.build(J, h)
    temps = annealing_schedule(schedule, t_start, t_end, n_steps)
    betas = np.ascontiguousarray(1.0 / temps)
    if sweeps_per_step < 1 or restarts < 1:
        raise InputError("sweeps_per_step and restarts must be >= 1")
    rng = _rng(seed)
    best_e, best_s, energies = math.inf, None, []
    for _ in range(restarts):
        s = rng.choice(np.array([-1, 1], dtype=np.int8), size=prob.n)
        kseed = int(rng.integers(0, 2**31 - 1))
        if prob.dense is not None:
            e, state, _ = K.anneal_dense(prob.dense, prob.h, s, betas, sweeps_per_step, kseed)
        else:
            e, state, _ = K.anneal_csr(*prob.csr, prob.h, s, betas, sweeps_per_step, kseed)
        # polish to the nearest local minimum (the schedule may end above T = 0)
        state = state.copy()
        e = _descend(prob, state)
        energies.append(e)
        if e < best_e:
            best_e, best_s = e, state
    return AnnealResult(float(best_e), best_s, np.array(energies), temps)


def _descend(prob: IsingProblem, s: np.ndarray) -> float:
    if prob.dense is not None:
        K.greedy_descent_dense(prob.dense, prob.h, s)
    else:
        K.greedy_descent_csr(*prob.csr, prob.h, s)
    return prob.energy(s)


def greedy_descent(J, h=None, *, restarts: int = 1, seed=0) -> AnnealResult:
    """Greedy baseline: steepest single-flip descent from random states.

    Each restart flips, one at a time, the spin that lowers H most until no
    single flip helps (a zero-temperature quench to a local minimum).
    """
    prob = IsingProblem.build(J, h)
    if restarts < 1:
        raise InputError("restarts must be >= 1")
    rng = _rng(seed)
    best_e, best_s, energies = math.inf, None, []
    for _ in range(restarts):
        s = rng.choice(np.array([-1, 1], dtype=np.int8), size=prob.n)
        e = _descend(prob, s)
        energies.append(e)
        if e < best_e:
            best_e, best_s = e, s.copy()
    return AnnealResult(float(best_e), best_s, np.array(energies), np.zeros(0))


def maxcut_problem(graph, weight: str = "weight"):
    """Couplings of Max-Cut on a networkx graph: ``(J sparse [N, N], nodes)``.

    J = −W (weighted adjacency, default weight 1), so minimizing H maximizes
    the cut; node i of the matrix is ``nodes[i]``.
    """
    import networkx as nx

    nodes = list(graph.nodes())
    if len(nodes) < 2:
        raise InputError("max-cut needs a graph with at least 2 nodes")
    if any(u == v for u, v in graph.edges()):
        raise InputError("max-cut graphs must not have self-loops")
    w = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=weight, format="csr")
    return -sp.csr_matrix(w, dtype=np.float64), nodes


def cut_value(graph, nodes, state, weight: str = "weight") -> float:
    """Total weight of edges whose ends have opposite spins."""
    side = {node: int(state[i]) for i, node in enumerate(nodes)}
    return float(
        sum(d.get(weight, 1.0) for u, v, d in graph.edges(data=True) if side[u] != side[v])
    )


def compare_maxcut(
    n_nodes: int = 60,
    degree: int = 3,
    instances: int = 10,
    *,
    restarts: int = 1,
    n_steps: int = 200,
    seed: int = 0,
) -> dict:
    """SA vs greedy descent on random regular graphs (same instances, same restarts).

    Returns per-instance cuts of both methods, their means and SA's mean gain.
    """
    import networkx as nx

    if n_nodes * degree % 2 or degree >= n_nodes:
        raise InputError("need degree < n_nodes and n_nodes·degree even for a regular graph")
    rng = np.random.default_rng(seed)
    sa_cuts, gr_cuts = [], []
    for _ in range(instances):
        g = nx.random_regular_graph(degree, n_nodes, seed=int(rng.integers(2**31)))
        J, nodes = maxcut_problem(g)
        sa = simulated_annealing(J, n_steps=n_steps, restarts=restarts, seed=rng)
        gr = greedy_descent(J, restarts=restarts, seed=rng)
        sa_cuts.append(cut_value(g, nodes, sa.state))
        gr_cuts.append(cut_value(g, nodes, gr.state))
    sa_cuts, gr_cuts = np.array(sa_cuts), np.array(gr_cuts)
    return {
        "sa_cuts": sa_cuts.tolist(),
        "greedy_cuts": gr_cuts.tolist(),
        "sa_mean": float(sa_cuts.mean()),
        "greedy_mean": float(gr_cuts.mean()),
        "mean_gain": float((sa_cuts - gr_cuts).mean()),
        "sa_wins": int(np.sum(sa_cuts > gr_cuts)),
        "ties": int(np.sum(sa_cuts == gr_cuts)),
    }
