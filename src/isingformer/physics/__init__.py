"""Spin models and their exact and Monte Carlo solutions, one subpackage per
CLI group:

- :mod:`isingformer.physics.ising` — the Ising engine (re-exported here);
- :mod:`isingformer.physics.glass` — the Sherrington–Kirkpatrick spin glass,
  parallel tempering and Max-Cut annealing;
- :mod:`isingformer.physics.hopfield` — classical and modern Hopfield networks;
- :mod:`isingformer.physics.replica` — replica exchange for any sampler with an
  energy and a single-temperature sweep (re-exported here).

Each subpackage keeps its figures and main-job report section in its
``report`` module.
"""

from isingformer.physics.ising import *  # noqa: F403  (the Ising engine, re-exported)
from isingformer.physics.ising import __all__ as _ISING_ALL

# replica exchange, re-exported lazily: importing it loads physics.glass (~0.3 s),
# which ``import isingformer.physics`` should not pay for
_REPLICA_ALL = [
    "DenseIsingSampler",
    "FunctionSampler",
    "ReplicaResult",
    "ReplicaSampler",
    "replica_exchange",
]
__all__ = [*_ISING_ALL, *_REPLICA_ALL]


def __getattr__(name: str):
    if name in _REPLICA_ALL:
        from isingformer.physics import replica

        return getattr(replica, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
