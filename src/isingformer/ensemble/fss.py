"""Finite-size scaling: fit how a transition feature moves with system size.

Forms (``N`` = system size, weights ``1/err²`` when errors are given):

- ``power``: ``y(N) = y_inf + a · N^(−ω)`` (Ising-like: peak shift ~ L^(−1/ν));
- ``log``:   ``y(N) = y_inf + a · (ln N)^(−ω)`` (slow, REM-like corrections);
- ``powerlaw``: ``y(N) = a · N^ω`` (no finite limit: peak heights, widths);
  ``y_inf`` is then reported as NaN and ``exponent`` = ω.

The uncertainty of ``y_inf`` comes from the fit covariance, scaled by the
reduced chi-square when it exceeds one (errors that under-state the scatter
are not trusted blindly).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import curve_fit

from isingformer.errors import InputError

__all__ = ["FiniteSizeFit", "fit_finite_size"]


@dataclass(frozen=True)
class FiniteSizeFit:
    """Result of a finite-size fit; ``predict(N)`` evaluates the fitted form."""

    form: str
    y_inf: float
    y_inf_err: float
    amplitude: float
    amplitude_err: float
    exponent: float
    exponent_err: float
    chi2_per_dof: float
    sizes: tuple[float, ...]

    def predict(self, sizes) -> np.ndarray:
        n = np.asarray(sizes, dtype=np.float64)
        return _FORMS[self.form](n, self.y_inf, self.amplitude, self.exponent)


def _power(n, y_inf, a, w):
    return y_inf + a * n ** (-w)


def _log(n, y_inf, a, w):
    return y_inf + a * np.log(n) ** (-w)


def _powerlaw(n, _y, a, w):
    return a * n**w


_FORMS = {"power": _power, "log": _log, "powerlaw": _powerlaw}


def fit_finite_size(
    sizes,
    values,
    errors=None,
    *,
    form: str = "power",
    exponent: float | None = None,
) -> FiniteSizeFit:
    """Fit ``values(sizes)`` with one of the forms above.

    Args:
        sizes: system sizes (> 1), at least 3 (2 when ``exponent`` is fixed
            or the form is ``powerlaw``).
        values: the feature at each size (e.g. β*(N)).
        errors: optional one-sigma errors of ``values`` (>= 0). If any is
            zero or not finite (e.g. no bootstrap), the fit is unweighted: its
            errors come from the residual scatter and ``chi2_per_dof`` is NaN.
        form: ``"power"``, ``"log"`` or ``"powerlaw"``.
        exponent: fix ω instead of fitting it (then its error is 0).
    """
    if form not in _FORMS:
        raise InputError(f"unknown finite-size form {form!r}; use one of {sorted(_FORMS)}")
    n = np.asarray(sizes, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    if n.shape != y.shape or n.ndim != 1:
        raise InputError("sizes and values must be 1-D of equal length")
    if np.any(n <= 1):
        raise InputError("finite-size fits need sizes > 1")
    if not np.all(np.isfinite(y)):
        raise InputError(f"finite-size fits need finite values, got {y.tolist()}")
    sigma = None
    if errors is not None:
        sigma = np.asarray(errors, dtype=np.float64)
        if sigma.shape != y.shape or np.any(sigma < 0):
            raise InputError(f"errors must be >= 0, one per value, got {sigma.tolist()}")
        if not np.all(np.isfinite(sigma)) or np.any(sigma <= 0):
            sigma = None
    fixed = exponent is not None
    n_par = 2 if (fixed or form == "powerlaw") else 3
    if form == "powerlaw" and fixed:
        n_par = 1
    if len(n) < n_par:
        raise InputError(f"a {form} fit with {n_par} free parameters needs >= {n_par} sizes")

    if form == "powerlaw":
        if np.any(y <= 0):
            raise InputError("a powerlaw fit needs positive values")
        # initial guess from a straight line in log-log
        slope, icpt = np.polyfit(np.log(n), np.log(y), 1)
        if fixed:
            f = lambda x, a: a * x**exponent  # noqa: E731
            p, cov = curve_fit(
                f, n, y, p0=[np.exp(icpt)], sigma=sigma, absolute_sigma=sigma is not None
            )
            params, perr = (np.nan, p[0], exponent), (np.nan, np.sqrt(cov[0, 0]), 0.0)
        else:
            f = lambda x, a, w: a * x**w  # noqa: E731
            p, cov = curve_fit(
                f,
                n,
                y,
                p0=[np.exp(icpt), slope],
                sigma=sigma,
                absolute_sigma=sigma is not None,
                maxfev=20000,
            )
            params, perr = (np.nan, p[0], p[1]), (np.nan, *np.sqrt(np.diag(cov)))
    else:
        base = _FORMS[form]
        x_small = n if form == "power" else np.log(n)
        if fixed:
            f = lambda x, y_inf, a: base(x, y_inf, a, exponent)  # noqa: E731
            p0 = [y[-1], (y[0] - y[-1]) * x_small[0] ** exponent]
            p, cov = curve_fit(
                f, n, y, p0=p0, sigma=sigma, absolute_sigma=sigma is not None, maxfev=20000
            )
            params, perr = (p[0], p[1], exponent), (*np.sqrt(np.diag(cov)), 0.0)
        else:
            w0 = 1.0 if form == "power" else 0.5
            p0 = [y[-1], (y[0] - y[-1]) * x_small[0] ** w0, w0]
            p, cov = curve_fit(
                base, n, y, p0=p0, sigma=sigma, absolute_sigma=sigma is not None, maxfev=20000
            )
            params, perr = tuple(p), tuple(np.sqrt(np.diag(cov)))

    resid = y - _FORMS[form](n, *params)
    dof = max(1, len(n) - n_par)
    chi2 = float(np.sum((resid / sigma) ** 2) if sigma is not None else np.nan) / dof
    scale = np.sqrt(chi2) if np.isfinite(chi2) and chi2 > 1 else 1.0
    perr = tuple(float(e) * scale if np.isfinite(e) else float("nan") for e in perr)
    return FiniteSizeFit(
        form,
        float(params[0]),
        perr[0],
        float(params[1]),
        perr[1],
        float(params[2]),
        perr[2],
        chi2,
        tuple(float(v) for v in n),
    )
