"""Figures and self-contained HTML/Markdown reports built from result objects."""

from isingformer.report.axes import tidy_log_axis
from isingformer.report.document import FigureImage, Report, Section, Table, figure, versions

__all__ = ["FigureImage", "Report", "Section", "Table", "figure", "tidy_log_axis", "versions"]
