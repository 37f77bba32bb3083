import isingformer.verify as verify


def test_public_names() -> None:
    assert sorted(verify.__all__) == sorted(
        [
            "FORBIDDEN_WORDS",
            "INSTALL_COMMAND",
            "STANDARD_AXIOMS",
            "THEOREMS",
            "VERDICT",
            "CoqMissingError",
            "Theorem",
            "certified_bounds",
            "coq_version",
            "default_proofs_dir",
            "find_coq",
            "forbidden_words",
            "parse_assumptions",
            "proofs_job_section",
            "proofs_section",
            "verify_proofs",
        ]
    )
    for name in verify.__all__:
        assert getattr(verify, name) is not None
