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
from isingformer.physics.ising import __all__ as __all__

# replica exchange, importable from here (explicit re-exports; ``__all__`` stays the
# Ising engine's, which tests/physics/ising/test_api.py pins)
from isingformer.physics.replica import DenseIsingSampler as DenseIsingSampler
from isingformer.physics.replica import FunctionSampler as FunctionSampler
from isingformer.physics.replica import ReplicaResult as ReplicaResult
from isingformer.physics.replica import ReplicaSampler as ReplicaSampler
from isingformer.physics.replica import replica_exchange as replica_exchange
