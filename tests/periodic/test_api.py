import isingformer.periodic as periodic


def test_public_names():
    assert periodic.__all__ == [
        "attention_entropy",
        "causal_allowed",
        "decay_length",
        "distance_profile",
        "mean_distance",
        "nan_mean",
        "paired_verdict",
        "parse_checkpoints",
        "peak_beta",
        "peak_fwhm",
        "periodic_section",
        "periodic_study",
        "rem_rounding",
        "rounding_exponent",
        "row_heat_capacity",
        "tenths_spread",
        "wrap_fraction",
        "write_periodic_report",
    ]
    for name in periodic.__all__:
        assert callable(getattr(periodic, name))
