"""The public names of ``isingformer.icl``."""

import isingformer.icl as icl


def test_public_names():
    assert sorted(icl.__all__) == sorted(
        [
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
    )
    for name in icl.__all__:
        assert getattr(icl, name) is not None
