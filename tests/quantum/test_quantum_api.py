"""The public names of isingformer.quantum are pinned."""

import isingformer.quantum as q

EXPECTED = {
    "DIAMOND",
    "TOKEN_TOL",
    "BlockChannel",
    "BlockSpec",
    "Branch",
    "CPTPReport",
    "ChannelCheck",
    "DenseBackend",
    "FockOperator",
    "FockSpace",
    "JointDistribution",
    "SparseBackend",
    "TransformerSpec",
    "TreeNode",
    "Verification",
    "attention_weights",
    "autoregressive_joint",
    "autoregressive_sample",
    "check_channel",
    "check_cptp",
    "chi_square",
    "diag",
    "example_closed_form",
    "example_spec",
    "example_summary",
    "fisher_combined",
    "input_state",
    "load_spec",
    "make_backend",
    "next_token_distribution",
    "product_projector",
    "quantum_section",
    "random_spec",
    "run_summary",
    "sample_by_measurement",
    "sequential_measurement",
    "sparse_to_dense",
    "spec_from_dict",
    "verify_spec",
    "verify_summary",
}


def test_public_names_are_pinned():
    assert set(q.__all__) == EXPECTED
    for name in q.__all__:
        assert hasattr(q, name), name
