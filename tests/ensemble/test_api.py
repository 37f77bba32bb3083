"""Pin the public names of the foundation packages."""

import isingformer.ensemble as ensemble
import isingformer.errors as errors
import isingformer.report as report
import isingformer.runs as runs


def test_ensemble_api():
    assert sorted(ensemble.__all__) == sorted(
        [
            "CriticalPoint",
            "FiniteSizeFit",
            "REMPoint",
            "REMStudy",
            "Thermodynamics",
            "entropy_slope_peak",
            "fit_finite_size",
            "gibbs_probabilities",
            "heat_capacity_peak",
            "order_parameter_onset",
            "parabolic_peak",
            "rem_beta_c",
            "rem_energies",
            "rem_entropy_limit",
            "rem_point",
            "rem_study",
            "thermodynamics",
        ]
    )
    for name in ensemble.__all__:
        assert hasattr(ensemble, name)


def test_runs_api():
    assert sorted(runs.__all__) == sorted(
        [
            "EXECUTORS",
            "PointRecord",
            "ResultsStore",
            "config_key",
            "export_records",
            "run_sweep",
            "store_for",
            "to_dataframe",
        ]
    )


def test_report_api():
    assert sorted(report.__all__) == [
        "FigureImage",
        "Report",
        "Section",
        "Table",
        "figure",
        "tidy_log_axis",
        "versions",
    ]


def test_errors_hierarchy():
    for cls in (errors.InputError, errors.StoreError, errors.ModelLoadError, errors.PhysicsError):
        assert issubclass(cls, errors.IsingformerError) and cls.exit_code == 2
