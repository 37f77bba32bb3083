"""Speed of the Fock-space model (issue 6): the sparse mode against the dense mode
(full matrices on F^(M)(h)) as the baseline, and the quantum model against the plain
autoregressive transformer it realizes, all measured in this process.

Target: vocabulary 50, text 8 tokens, 4 blocks in seconds (sparse mode).
Run with ``python benchmarks/bench_quantum.py``; prints one line per measurement
and a JSON summary.
"""

from __future__ import annotations

import json
import time

from isingformer.quantum import (
    autoregressive_joint,
    autoregressive_sample,
    check_cptp,
    example_spec,
    random_spec,
    sample_by_measurement,
    sequential_measurement,
)


def best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> dict:
    from isingformer.threads import set_threads

    out: dict[str, float] = {"threads": set_threads(None)}
    print(f"{out['threads']} thread(s) (isingformer.threads; set ISINGFORMER_THREADS to change)")
    # 1. exact joint law: sparse vs dense (baseline), where both fit
    for name, spec in [
        ("example_dim127", example_spec()),
        ("N3_n3_L2_dim364", random_spec(3, 3, 2, seed=11)),
    ]:
        t_dense = best_of(lambda s=spec: sequential_measurement(s, "dense"))
        t_sparse = best_of(lambda s=spec: sequential_measurement(s, "sparse"))
        out[f"{name}_dense_s"] = t_dense
        out[f"{name}_sparse_s"] = t_sparse
        print(
            f"exact joint {name}: dense {t_dense * 1e3:.1f} ms, sparse {t_sparse * 1e3:.2f} ms, "
            f"sparse speed-up x{t_dense / t_sparse:.0f}"
        )
    # 2. the target size: vocabulary 50, text 8, 4 blocks (injective value maps: most branches)
    big = random_spec(50, 8, 4, injective=True, seed=1)
    t_q = best_of(lambda: sequential_measurement(big, "sparse"))
    t_c = best_of(lambda: autoregressive_joint(big))
    n_out = len(autoregressive_joint(big))
    out["vocab50_quantum_joint_s"] = t_q
    out["vocab50_autoregressive_joint_s"] = t_c
    print(
        f"vocab 50 / text 8 / 4 blocks ({n_out} outcomes): quantum sparse {t_q:.3f} s, "
        f"autoregressive enumeration {t_c:.3f} s, quantum/classical x{t_q / t_c:.1f}"
    )
    t_cp = best_of(lambda: check_cptp(big, "sparse"), repeat=1)
    out["vocab50_cptp_checks_s"] = t_cp
    print(
        f"vocab 50 CPTP checks (TP on all populated strings, Choi on ≤1024-dim blocks): {t_cp:.2f} s"
    )
    # 3. sampling 20000 texts: repeated measurement vs the ordinary sampler (baseline)
    t_qs = best_of(lambda: sample_by_measurement(big, 20000, 0, "sparse"))
    t_cs = best_of(lambda: autoregressive_sample(big, 20000, 0))
    out["vocab50_sample20k_measurement_s"] = t_qs
    out["vocab50_sample20k_autoregressive_s"] = t_cs
    print(
        f"sample 20000 texts at vocab 50: measurement {t_qs:.3f} s, autoregressive {t_cs:.3f} s, "
        f"ratio x{t_qs / t_cs:.1f}"
    )
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
