"""Wilson score intervals of a proportion (e.g. a measured coverage)."""

from __future__ import annotations

import math

from isingformer.errors import InputError

__all__ = ["PROPORTION_METHOD", "wilson_interval"]

PROPORTION_METHOD = "Wilson score"


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Two-sided Wilson score interval of a proportion ``successes / n``.

    Near-nominal coverage down to small ``n`` and near 0 or 1, where the
    normal (Wald) interval ``p ± z sqrt(p(1 − p)/n)`` collapses to a point."""
    if n < 1 or not 0 <= successes <= n:
        raise InputError(f"a proportion needs 0 <= successes <= n, n >= 1; got {successes}/{n}")
    if not 0.0 < level < 1.0:
        raise InputError(f"confidence level must lie in (0, 1), got {level}")
    from scipy import stats

    z = float(stats.norm.ppf(0.5 + level / 2))
    p = successes / n
    d = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == n else min(1.0, centre + half)
    return (lo, hi)
