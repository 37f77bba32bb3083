"""Point functions for the reproducibility tests (importable by worker processes)."""


def thread_counts(config: dict) -> dict:
    """The intra-op threads a point runs with: torch's and the BLAS/OpenMP pools'."""
    import numpy as np  # noqa: F401  (its BLAS is loaded, so threadpoolctl sees it)
    import torch
    from threadpoolctl import threadpool_info

    pools = [p["num_threads"] for p in threadpool_info()]
    return {"torch": torch.get_num_threads(), "pools": max(pools, default=1)}
