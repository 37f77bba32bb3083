"""Sweeps, the SQLite results store, and executors (local pool, serial, Dask)."""

from isingformer.runs.export import export_records
from isingformer.runs.frames import to_dataframe
from isingformer.runs.store import PointRecord, ResultsStore, config_key, store_for
from isingformer.runs.sweep import EXECUTORS, run_sweep

__all__ = [
    "EXECUTORS",
    "PointRecord",
    "ResultsStore",
    "config_key",
    "export_records",
    "run_sweep",
    "store_for",
    "to_dataframe",
]
