"""The Fock-space open-quantum-system model of the transformer (seed 003).

Token Hilbert space h (basis = tokens), finite Fock space F^(M)(h) block-diagonal by
sector, the input state ρ_T, each block's quantum operation E(t_ℓ, t_0) as an
explicit Kraus map, sequential measurement with the von Neumann–Lüders reduction,
and checks against the autoregressive transformer it models. See docs/quantum.md.
"""

from isingformer.quantum.api import example_summary, run_summary, verify_summary
from isingformer.quantum.backends import (
    DIAMOND,
    DenseBackend,
    SparseBackend,
    make_backend,
    sparse_to_dense,
)
from isingformer.quantum.channel import BlockChannel, Branch
from isingformer.quantum.classical import (
    attention_weights,
    autoregressive_joint,
    autoregressive_sample,
    next_token_distribution,
)
from isingformer.quantum.fock import FockOperator, FockSpace, diag, input_state, product_projector
from isingformer.quantum.measurement import (
    JointDistribution,
    TreeNode,
    sample_by_measurement,
    sequential_measurement,
)
from isingformer.quantum.section import quantum_section
from isingformer.quantum.spec import (
    TOKEN_TOL,
    BlockSpec,
    TransformerSpec,
    example_spec,
    load_spec,
    random_spec,
    spec_from_dict,
)
from isingformer.quantum.verify import (
    ChannelCheck,
    CPTPReport,
    Verification,
    check_channel,
    check_cptp,
    chi_square,
    example_closed_form,
    fisher_combined,
    verify_spec,
)

__all__ = [
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
]
