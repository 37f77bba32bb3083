"""Shared helper of the report tests: a ``figure`` stand-in that keeps the
caption and closes the figure without rendering it (fast)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from isingformer.report import FigureImage


def unrendered(fig, caption: str = "") -> FigureImage:
    """``figure(fig, caption)`` without the PNG: the caption only."""
    plt.close(fig)
    return FigureImage(b"", caption)
