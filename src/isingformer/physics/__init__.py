"""Spin models and their exact and Monte Carlo solutions, one subpackage per
CLI group:

- :mod:`isingformer.physics.ising` — the Ising engine (re-exported here);
- :mod:`isingformer.physics.glass` — the Sherrington–Kirkpatrick spin glass,
  parallel tempering and Max-Cut annealing;
- :mod:`isingformer.physics.hopfield` — classical and modern Hopfield networks.

Each subpackage keeps its figures and main-job report section in its
``report`` module.
"""

from isingformer.physics.ising import *  # noqa: F403  (the Ising engine, re-exported)
from isingformer.physics.ising import __all__ as __all__
