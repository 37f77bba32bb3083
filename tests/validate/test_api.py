import isingformer.validate as v


def test_public_names():
    assert len(v.__all__) == len(set(v.__all__))
    assert set(v.__all__) == {
        "MAX_DEPTH", "MAX_DIGITS", "MAX_FILE_BYTES", "MAX_LIST", "MEMORY_ENV",
        "MEMORY_FRACTION", "SEED_MAX", "Schema", "check_count", "check_depth", "check_float",
        "check_int", "check_memory", "check_seed", "check_work", "describe_error",
        "format_bytes", "loads_json", "loads_yaml", "memory_limit", "parse_model",
        "parse_values", "read_json", "read_text", "read_yaml", "seeded_rng", "WORK_ENV",
        "work_limit",
    }  # fmt: skip
    for name in v.__all__:
        assert getattr(v, name) is not None
