"""Small fixes to matplotlib axes that a reader would otherwise trip over."""

from __future__ import annotations

__all__ = ["tidy_log_axis"]


def tidy_log_axis(axis) -> None:
    """Plain tick labels 1-2-5 per decade on a log axis, none on minor ticks.

    ``axis``: ``ax.xaxis`` or ``ax.yaxis`` (already on a log scale; call after
    ``set_xscale``/``set(xscale=...)``, which reset the formatters). On a short
    log axis matplotlib labels the minor ticks as ``2×10⁰ 3×10⁰ …``, and the
    labels run into each other; with fewer than one decade it labels none."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())
