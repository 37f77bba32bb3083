"""The multi-spin backends of the sampler: Metropolis or heat-bath sweeps of all
replicas ``P [R, 2, Y, nw]`` (words of :mod:`.metropolis_msc`), one
xoshiro256** stream per replica, with measurements every ``every`` sweeps."""

from __future__ import annotations

import numba

from isingformer.physics.ising.heatbath_msc import heatbath_rows
from isingformer.physics.ising.metropolis_msc import _measure, update_rows


@numba.njit(inline="always")
def rows(P, c, y0, y1, rng, heat, t4, t8, thr):  # pragma: no cover - compiled
    """Colour ``c`` of rows ``y0 .. y1-1``: heat-bath (``thr [5]``) or Metropolis (``t4, t8``)."""
    if heat:
        heatbath_rows(P, c, y0, y1, rng, thr)
    else:
        update_rows(P, c, y0, y1, rng, t4, t8)


@numba.njit(cache=True)
def _sweeps(P, rng, heat, t4, t8, thr, n_sweeps):  # pragma: no cover - compiled
    for _ in range(n_sweeps):
        for c in range(2):
            rows(P, c, 0, P.shape[1], rng, heat, t4, t8, thr)


@numba.njit(cache=True)
def run_msc(
    P, rng, heat, t4, t8, thr, n_sweeps, every, cos_y, sin_y, anti, down, four
):  # pragma: no cover
    """All replicas: ``P [R, 2, Y, nw]``, rng ``[R, 4]``, Metropolis thresholds
    ``t4, t8 [R]`` or heat-bath thresholds ``thr [R, 5]`` (``heat``); writes
    ``n_sweeps // every`` measurements per replica into ``anti, down, four [R, n]``."""
    R = P.shape[0]
    n_meas = n_sweeps // every
    for r in range(R):
        for k in range(n_meas):
            _sweeps(P[r], rng[r], heat, t4[r], t8[r], thr[r], every)
            a, dn, f = _measure(P[r], cos_y, sin_y)
            anti[r, k] = a
            down[r, k] = dn
            four[r, k] = f
        rest = n_sweeps - n_meas * every
        if rest > 0:
            _sweeps(P[r], rng[r], heat, t4[r], t8[r], thr[r], rest)
