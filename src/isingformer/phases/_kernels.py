"""Compiled kernel of the detector over sampling temperature: from one row of
logits, the softmax at every grid temperature and the three divergences of every
pair of grid points two apart, in one fused pass per row (no ``[G, P, S, V]``
tensor, no Python loop over grid points or tokens).

Float32 arithmetic, 8 lanes wide (AVX2), with the exp and log written out as
polynomials so that the loops vectorize (no SVML here); every sum is taken in
float32 over chunks of 128 tokens and accumulated in float64. Accuracy against
the float64 reference: about 1e-7 relative on TV and the linear divergence
where they are not tiny (limited by float32 probabilities: absolute ~3e-8 on a
probability near 1), and on JS, which is computed without cancellation:

    JS_v = (s/2) [δ L + ln(1 − δ²)],   s = a + c,  δ = (a − c)/s,  L = ln(a/c),

with ``L`` affine in the logit (exact) and ``ln(1 − δ²)`` through an atanh series
(``δ² < 1/4``: ``−2 atanh(δ²/(2 − δ²))``; else ``2 ln 2 − |L| − 2 ln(1 + r)``, r
= min/max), so an error in δ enters only at third order.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

__all__ = ["temperature_pair_divergences"]

_F = np.float32
_FM = {"reassoc", "contract", "arcp", "nsz"}  # not nnan/ninf: masked logits are −inf
_I32 = ir.IntType(32)
_F32 = ir.FloatType()
_CHUNK = 128  # tokens summed in float32 before a float64 accumulation


@intrinsic
def _rint(typingctx, x):
    """Round a float32 to the nearest integer value (vectorizable)."""

    def codegen(context, builder, sig, args):
        return builder.call(builder.module.declare_intrinsic("llvm.rint", [_F32]), [args[0]])

    return types.float32(types.float32), codegen


@intrinsic
def _pow2(typingctx, n):
    """``2**n`` for an integer-valued float32 ``n`` in [−126, 127] (exponent bits)."""

    def codegen(context, builder, sig, args):
        k = builder.add(builder.fptosi(args[0], _I32), ir.Constant(_I32, 127))
        return builder.bitcast(builder.shl(k, ir.Constant(_I32, 23)), _F32)

    return types.float32(types.float32), codegen


_LOG2E = _F(1.0 / math.log(2.0))
_C1, _C2 = _F(0.693359375), _F(-2.12194440e-4)  # ln 2 = C1 + C2 (Cody–Waite)
_E0, _E1, _E2, _E3, _E4, _E5 = (
    _F(c)
    for c in (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
              1.6666665459e-1, 5.0000001201e-1)
)  # fmt: skip
_A0, _A1, _A2, _A3, _A4 = (_F(2.0 / (2 * k + 1)) for k in range(5))  # 2 atanh(x) / x
_ZERO, _ONE, _TWO, _QUARTER = _F(0.0), _F(1.0), _F(2.0), _F(0.25)
_LN4 = _F(2.0 * math.log(2.0))
_Y_MIN = _F(-40.0)  # exp(−40) = 4e-18 relative to the top token: set to 0 (no denormals)
_TINY = _F(1e-30)


@njit(fastmath=_FM, inline="always", error_model="numpy")
def _exp(y):  # pragma: no cover - compiled
    """``exp(y)`` in float32 for y in [−87, 0] (Cephes expf: Cody–Waite reduction,
    degree-5 polynomial; relative error about 1 ulp)."""
    n = _rint(y * _LOG2E)
    r = y - n * _C1
    r = r - n * _C2
    p = ((((_E0 * r + _E1) * r + _E2) * r + _E3) * r + _E4) * r + _E5
    return (p * (r * r) + r + _ONE) * _pow2(n)


@njit(fastmath=_FM, error_model="numpy", nogil=True, cache=True)
def temperature_pair_divergences(z, beta, tv, lin, js, r0, r1):  # pragma: no cover
    """``z [N, V]`` logits (float64; −inf allowed), ``beta [G]`` = 1/T_g (float32).
    Writes into columns ``r0 … r1 − 1`` of ``tv, lin, js [G − 2, N]`` (float64)
    the divergences between the softmax at grid points i and i + 2 of rows ``r0 …
    r1 − 1``: ½Σ|a − c|, ½Σ(a − c)²/(a + c) and JS in nats. Probabilities below
    exp(−40) times the top one count as 0. Releases the GIL (row ranges may run
    on threads)."""
    V = z.shape[1]
    G = beta.size
    buf = np.empty((G, V), dtype=np.float32)
    w = np.empty(V, dtype=np.float32)
    lnz = np.empty(G)
    for k in range(r0, r1):
        zk = z[k]
        zmax = -np.inf
        for v in range(V):
            zmax = max(zmax, zk[v])
        for v in range(V):
            w[v] = max(zk[v] - zmax, -1e20)  # ≤ 0; a masked logit: far below the cut
        for g in range(G):  # unnormalized exp(β w), its sum, then p = q / Σq
            b = beta[g]
            row = buf[g]
            sq = 0.0
            for c0 in range(0, V, _CHUNK):
                part = _ZERO
                wc = w[c0 : c0 + _CHUNK]  # views indexed from 0: no wraparound code
                rc = row[c0 : c0 + _CHUNK]
                for v in range(wc.size):
                    y = wc[v] * b
                    q = _exp(max(y, _Y_MIN))
                    q = q if y > _Y_MIN else _ZERO
                    rc[v] = q
                    part += q
                sq += part
            inv = _F(1.0 / sq)
            lnz[g] = math.log(sq)
            for v in range(V):
                row[v] = row[v] * inv
        for i in range(G - 2):
            a_ = buf[i]
            c_ = buf[i + 2]
            db = beta[i] - beta[i + 2]
            gam = _F(lnz[i + 2] - lnz[i])  # L = ln(a/c) = db·w + gam
            t_tv = 0.0
            t_lin = 0.0
            t_js = 0.0
            for c0 in range(0, V, _CHUNK):
                p_tv = _ZERO
                p_lin = _ZERO
                p_js = _ZERO
                ac = a_[c0 : c0 + _CHUNK]
                cc = c_[c0 : c0 + _CHUNK]
                wc = w[c0 : c0 + _CHUNK]
                for v in range(wc.size):
                    a = ac[v]
                    c = cc[v]
                    d = a - c
                    s = max(a + c, _TINY)
                    inv_s = _ONE / s
                    dl = d * inv_s  # δ
                    t = dl * dl
                    m1 = min(a, c) * inv_s  # (1 − |δ|)/2
                    small = t < _QUARTER
                    num = t if small else m1
                    x = num / (_TWO - num)  # ≤ 1/7
                    x2 = x * x
                    atanh2 = x * (_A0 + x2 * (_A1 + x2 * (_A2 + x2 * (_A3 + x2 * _A4))))
                    L = wc[v] * db + gam
                    g_small = dl * L - atanh2  # δL + ln(1 − δ²)
                    g_large = _LN4 - _TWO * (m1 * abs(L) + atanh2)
                    p_tv += abs(d)
                    p_lin += d * dl
                    p_js += s * (g_small if small else g_large)
                t_tv += p_tv
                t_lin += p_lin
                t_js += p_js
            tv[i, k] = 0.5 * t_tv
            lin[i, k] = 0.5 * t_lin
            js[i, k] = 0.25 * t_js
