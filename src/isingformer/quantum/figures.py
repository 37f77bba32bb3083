"""Figure of the branching tree of the sequential measurement."""

from __future__ import annotations

from pathlib import Path

from isingformer.quantum.measurement import JointDistribution


def tree_figure(jd: JointDistribution, max_leaves: int = 64):
    """Draw the measurement tree: root ρ_T, one level per block, edges labelled with the
    conditional probability Tr[X_ℓ({y}) ρ] / 1, leaves with the joint P_T(y_1 … y_L).

    Returns a matplotlib Figure (Agg canvas, no pyplot state).
    """
    from matplotlib.figure import Figure

    spec = jd.spec
    leaves = sorted(jd.joint)
    if len(leaves) > max_leaves:
        keep = sorted(leaves, key=lambda k: -jd.joint[k])[:max_leaves]
        leaves = sorted(keep)
    # y position: leaves evenly spaced, parents at the mean of their shown children
    ypos: dict[tuple[int, ...], float] = {}
    for i, leaf in enumerate(leaves):
        ypos[leaf] = float(len(leaves) - 1 - i)
    for depth in range(spec.L - 1, -1, -1):
        groups: dict[tuple[int, ...], list[float]] = {}
        for key, y in list(ypos.items()):
            if len(key) == depth + 1:
                groups.setdefault(key[:depth], []).append(y)
        for parent, ys in groups.items():
            ypos[parent] = sum(ys) / len(ys)
    height = max(3.0, 0.45 * len(leaves) + 1.0)
    fig = Figure(figsize=(2.6 * (spec.L + 1) + 1.5, height))
    ax = fig.add_subplot(1, 1, 1)
    text = " ".join(spec.names(spec.text))
    for key, y in ypos.items():
        x = len(key)
        if key:
            parent = key[:-1]
            cond = jd.tree[parent].children[key[-1]]
            ax.plot([x - 1, x], [ypos[parent], y], color="0.5", lw=1.0, zorder=1)
            ax.text(
                x - 0.5,
                (ypos[parent] + y) / 2,
                f"{cond:.4f}",
                fontsize=8,
                ha="center",
                va="bottom",
                color="tab:blue",
            )
            label = spec.token_names[key[-1]]
        else:
            label = f"ρ_T\n|{text}⟩"
        ax.scatter(
            [x], [y], s=60, color="tab:orange" if len(key) == spec.L else "tab:green", zorder=2
        )
        if key:
            ax.text(x + 0.06, y, label, fontsize=9, va="center")
        else:
            ax.text(x - 0.08, y, label, fontsize=9, va="center", ha="right")
        if len(key) == spec.L:
            ax.text(
                x + 0.45, y, f"P = {jd.joint[key]:.6f}", fontsize=8, va="center", color="tab:red"
            )
    ax.set_xticks(range(spec.L + 1))
    ax.set_xticklabels(["t0"] + [f"t{ell} (X{ell})" for ell in range(1, spec.L + 1)])
    ax.set_yticks([])
    ax.set_xlim(-0.9, spec.L + 1.3)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    shown = (
        ""
        if len(leaves) == len(jd.joint)
        else f" ({len(leaves)} most likely of {len(jd.joint)} outcomes)"
    )
    ax.set_title(f"Sequential measurement: branching tree{shown}", fontsize=10)
    fig.tight_layout()
    return fig


def save_tree_figure(jd: JointDistribution, path: str | Path, max_leaves: int = 64) -> Path:
    """Write :func:`tree_figure` as PNG; returns the path."""
    p = Path(path)
    tree_figure(jd, max_leaves).savefig(p, dpi=120)
    return p
