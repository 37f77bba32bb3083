"""In-context learning as a spin glass: the task-diversity transition.

In-context linear regression with a pool of k pretraining tasks, its two
exact Bayes baselines, the linear-attention model (closed form, gradient
descent, and the Gaussian Gibbs measure over its weights), the asymptotic
theory of Lu et al. 2024, a small softmax β-attention transformer, and the
sweep over k that locates the memorisation → in-context-learning threshold.
"""

from isingformer.icl.linear import (
    context_summary,
    effective_gamma,
    exact_error,
    fit_closed_form,
    fit_gradient_descent,
    gibbs_overlaps,
    gibbs_samples,
    linear_predict,
    normal_equations,
    population_gamma,
    replica_overlap,
)
from isingformer.icl.sweep import MODELS, crossing, icl_point, icl_sweep, parse_tasks
from isingformer.icl.task import (
    IclBatch,
    IclTask,
    make_pool,
    pool_posterior_predict,
    ridge_predict,
    sample_batch,
)
from isingformer.icl.theory import (
    marchenko_pastur_stieltjes,
    theory_ood_error,
    theory_threshold,
)

__all__ = [
    "MODELS",
    "IclBatch",
    "IclTask",
    "context_summary",
    "crossing",
    "effective_gamma",
    "exact_error",
    "fit_closed_form",
    "fit_gradient_descent",
    "gibbs_overlaps",
    "gibbs_samples",
    "icl_point",
    "icl_sweep",
    "linear_predict",
    "make_pool",
    "marchenko_pastur_stieltjes",
    "normal_equations",
    "parse_tasks",
    "pool_posterior_predict",
    "population_gamma",
    "replica_overlap",
    "ridge_predict",
    "sample_batch",
    "theory_ood_error",
    "theory_threshold",
]
