import isingformer.stats as stats


def test_public_names() -> None:
    assert sorted(stats.__all__) == [
        "Interval",
        "MIN_N",
        "mean_interval",
        "skew_t_bounds",
        "t_half_width",
        "t_interval",
        "wilson_interval",
    ]
