"""Hierarchical sequences with known geometry: random trees and their walks.

A random rooted tree of depth ``D`` whose internal nodes have
``1 + Binomial(2(b − 1), 1/2)`` children (mean ``b``, at least one, so every
branch reaches depth ``D``). Tokens are the nodes under a random relabelling
(ids carry no structure) plus a separator token ``0``. A sequence is a stream
of root-to-leaf walks, each walk followed by the separator: after the
separator comes the root, after a node one of its children uniformly.

The "topological factor" λ of seed 001 §6 is made concrete as the **growth
rate** of the tree, ``λ = (N_D / N_0)^{1/D}`` (``N_d`` the number of nodes at
depth d; for a b-ary tree λ = b). Also measured: the mean number of children
of internal nodes, the mean degree of the token graph (consecutive tokens,
separator excluded), and its Gromov δ-hyperbolicity (four-point condition;
0 for a tree).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from isingformer.errors import InputError
from isingformer.validate import check_float, check_int, check_seed

__all__ = [
    "FORMS",
    "Tree",
    "TreeStats",
    "bracket_growth_rate",
    "bracket_ids",
    "bracket_tokens",
    "euler_tokens",
    "gromov_delta",
    "parse_brackets",
    "random_tree",
    "shakespeare_graph_stats",
    "token_graph",
    "tree_data",
    "tree_stats",
    "tree_text",
    "walk_tokens",
]

SEPARATOR = 0


@dataclass(frozen=True)
class Tree:
    """``parent[n]`` (−1 for the root), ``depth[n]``, ``children[n]`` (node
    indices), ``token[n]`` (the node's token id, 1..N) for N nodes."""

    parent: np.ndarray
    depth: np.ndarray
    children: tuple[np.ndarray, ...]
    token: np.ndarray
    branching: int
    max_depth: int

    @property
    def n_nodes(self) -> int:
        return len(self.parent)

    @property
    def vocab_size(self) -> int:
        """Node tokens plus the separator."""
        return self.n_nodes + 1


def random_tree(branching: int, depth: int, seed: int = 0) -> Tree:
    """A random tree of mean branching ``branching >= 2`` and ``depth >= 1``
    (at most 2^16 − 2 nodes, the uint16 token range)."""
    check_int(branching, "branching", ge=2, le=64)
    check_int(depth, "depth", ge=1, le=16)
    rng = np.random.default_rng(check_seed(seed))
    parent, dep = [-1], [0]
    frontier = [0]
    for d in range(1, depth + 1):
        nxt = []
        for node in frontier:
            k = 1 + int(rng.binomial(2 * (branching - 1), 0.5))
            for _ in range(k):
                parent.append(node)
                dep.append(d)
                nxt.append(len(parent) - 1)
        frontier = nxt
        if len(parent) > 65_534:
            raise InputError(
                f"a tree of branching {branching} and depth {depth} has more than 65534 nodes; "
                "lower --depth"
            )
    parent_a = np.asarray(parent, dtype=np.int64)
    kids: list[list[int]] = [[] for _ in parent]
    for n, p in enumerate(parent[1:], start=1):
        kids[p].append(n)
    token = rng.permutation(len(parent)) + 1  # 1..N, 0 is the separator
    return Tree(
        parent=parent_a,
        depth=np.asarray(dep, dtype=np.int64),
        children=tuple(np.asarray(k, dtype=np.int64) for k in kids),
        token=token.astype(np.int64),
        branching=branching,
        max_depth=depth,
    )


def walk_tokens(tree: Tree, n_tokens: int, seed: int = 0) -> np.ndarray:
    """A stream of ``n_tokens`` tokens (uint16): root-to-leaf walks, each
    followed by the separator."""
    check_int(n_tokens, "tokens", ge=1, le=10**8)
    rng = np.random.default_rng(seed)
    walk_len = tree.max_depth + 2
    n_walks = n_tokens // walk_len + 1
    out = np.empty((n_walks, walk_len), dtype=np.int64)
    node = np.zeros(n_walks, dtype=np.int64)
    out[:, 0] = tree.token[0]
    counts = np.array([len(c) for c in tree.children])
    starts = np.concatenate([[0], np.cumsum(counts)])
    flat = np.concatenate(tree.children)
    for d in range(1, tree.max_depth + 1):
        pick = (rng.random(n_walks) * counts[node]).astype(np.int64)
        node = flat[starts[node] + pick]
        out[:, d] = tree.token[node]
    out[:, -1] = SEPARATOR
    return out.reshape(-1)[:n_tokens].astype(np.uint16)


def euler_tokens(tree: Tree, n_tokens: int, seed: int = 0) -> np.ndarray:
    """A stream of ``n_tokens`` tokens (uint16): Euler tours of the tree (each
    node's children in a fresh random order; a node's token is emitted on
    entering it and again on returning to it from each child), each tour
    followed by the separator. Unlike a walk, the next token depends on the
    history (which children were already visited): attention is needed."""
    check_int(n_tokens, "tokens", ge=1, le=10**8)
    rng = np.random.default_rng(seed)
    out: list[int] = []
    tok = tree.token
    while len(out) < n_tokens:
        stack = [(0, iter(rng.permutation(tree.children[0])))]
        out.append(int(tok[0]))
        while stack:
            kids = stack[-1][1]
            nxt = next(kids, None)
            if nxt is None:
                stack.pop()
                if stack:
                    out.append(int(tok[stack[-1][0]]))
                continue
            out.append(int(tok[nxt]))
            stack.append((int(nxt), iter(rng.permutation(tree.children[nxt]))))
        out.append(SEPARATOR)
    return np.asarray(out[:n_tokens], dtype=np.uint16)


def bracket_ids(tree: Tree) -> tuple[int, int]:
    """Token ids ``(open, close)`` of the brackets: ``N + 1``, ``N + 2``."""
    return tree.n_nodes + 1, tree.n_nodes + 2


def bracket_tokens(tree: Tree, n_tokens: int, seed: int = 0) -> np.ndarray:
    """A stream of ``n_tokens`` tokens (uint16): bracketed depth-first
    traversals ``( a ( b … ) ( c … ) )`` — each node is an open bracket, its
    token, its children's subtrees (in a fresh random order each time) and a
    close bracket; each traversal (3N tokens) followed by the separator. The
    tree is recoverable from one traversal (:func:`parse_brackets`); the
    vocabulary is ``N + 3`` (:func:`bracket_ids`)."""
    check_int(n_tokens, "tokens", ge=1, le=10**8)
    rng = np.random.default_rng(seed)
    opn, cls = bracket_ids(tree)
    out: list[int] = []
    tok = tree.token
    while len(out) < n_tokens:
        out += [opn, int(tok[0])]
        stack = [iter(rng.permutation(tree.children[0]))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                out.append(cls)
                continue
            out += [opn, int(tok[nxt])]
            stack.append(iter(rng.permutation(tree.children[nxt])))
        out.append(SEPARATOR)
    return np.asarray(out[:n_tokens], dtype=np.uint16)


def parse_brackets(tokens: np.ndarray, open_id: int, close_id: int) -> tuple[dict, dict]:
    """The tree read back from bracketed traversals: ``(parent, depth)``, dicts
    keyed by node token (the root's parent is the separator, 0). Every complete
    traversal (ending in a separator) is parsed; a trailing partial one is
    ignored. Unbalanced brackets, a node without an opening bracket or a node
    seen under two parents are an :class:`InputError`."""
    arr = np.asarray(tokens, dtype=np.int64)
    ends = np.flatnonzero(arr == SEPARATOR)
    parent: dict[int, int] = {}
    depth: dict[int, int] = {}
    start = 0
    for end in ends:
        stack: list[int] = []  # open nodes; −1 for an opened bracket awaiting its token
        for t in arr[start:end].tolist():
            if t == open_id:
                stack.append(-1)
            elif t == close_id:
                if not stack or stack.pop() < 0:
                    raise InputError("unbalanced brackets: a close without an open node")
            else:
                if not stack or stack[-1] != -1:
                    raise InputError(f"node token {t} is not preceded by an open bracket")
                up = stack[-2] if len(stack) > 1 else SEPARATOR
                if parent.setdefault(t, up) != up:
                    raise InputError(f"node token {t} appears under two parents")
                depth[t] = len(stack) - 1
                stack[-1] = t
        if stack:
            raise InputError("unbalanced brackets: a traversal ends with open brackets")
        start = end + 1
    return parent, depth


def bracket_growth_rate(tokens: np.ndarray, open_id: int, close_id: int) -> float:
    """λ measured on bracketed traversals: ``(N_D / N_0)^{1/D}`` with ``N_d``
    the number of distinct node tokens at bracket depth ``d`` (D the deepest)."""
    _, depth = parse_brackets(tokens, open_id, close_id)
    if not depth:
        raise InputError("no complete bracketed traversal in the tokens")
    levels = np.bincount(np.fromiter(depth.values(), dtype=np.int64))
    if len(levels) < 2:
        raise InputError("the traversals have a root only: no growth rate")
    return float((levels[-1] / levels[0]) ** (1.0 / (len(levels) - 1)))


def _bfs_all(adj: list[list[int]]) -> np.ndarray:
    n = len(adj)
    dist = np.full((n, n), -1, dtype=np.int64)
    for s in range(n):
        dist[s, s] = 0
        frontier = [s]
        while frontier:
            nxt = []
            for u in frontier:
                for w in adj[u]:
                    if dist[s, w] < 0:
                        dist[s, w] = dist[s, u] + 1
                        nxt.append(w)
            frontier = nxt
    return dist


def token_graph(tokens: np.ndarray, vocab_size: int) -> list[list[int]]:
    """Undirected adjacency of consecutive distinct tokens, separator excluded."""
    a, b = tokens[:-1].astype(np.int64), tokens[1:].astype(np.int64)
    keep = (a != SEPARATOR) & (b != SEPARATOR) & (a != b)
    pairs = np.unique(np.sort(np.stack([a[keep], b[keep]], 1), axis=1), axis=0)
    adj: list[list[int]] = [[] for _ in range(vocab_size)]
    for u, w in pairs:
        adj[u].append(int(w))
        adj[w].append(int(u))
    return adj


def gromov_delta(adj: list[list[int]], n_quads: int = 4000, seed: int = 0) -> float:
    """Gromov δ (four-point condition) of the largest connected component of
    the graph ``adj``: the largest over sampled quadruples of half the gap
    between the two largest of ``d(x,y)+d(z,w)``, ``d(x,z)+d(y,w)``,
    ``d(x,w)+d(y,z)``. A lower bound of the exact δ (exact for a tree: 0).
    All quadruples are used when there are at most ``n_quads``."""
    check_int(n_quads, "n_quads", ge=1)
    check_seed(seed)
    used = [i for i, a in enumerate(adj) if a]
    if len(used) < 4:
        return 0.0
    dist = _bfs_all(adj)
    comp = used
    best = max((dist[i] >= 0).sum() for i in used)
    for i in used:  # the largest component
        if (dist[i] >= 0).sum() == best:
            comp = [j for j in used if dist[i, j] >= 0]
            break
    c = np.asarray(comp)
    rng = np.random.default_rng(seed)
    q = c[rng.integers(0, len(c), size=(n_quads, 4))]
    x, y, z, w = q.T
    s = np.sort(
        np.stack([dist[x, y] + dist[z, w], dist[x, z] + dist[y, w], dist[x, w] + dist[y, z]]),
        axis=0,
    )
    return float((s[2] - s[1]).max() / 2.0)


@dataclass(frozen=True)
class TreeStats:
    """Measured geometry of a tree and its token stream."""

    branching: int
    depth: int
    n_nodes: int
    growth_rate: float  # λ
    mean_children: float
    mean_degree: float
    gromov_delta: float
    entropy_per_token: float  # exact entropy rate of the walk stream (nats)

    def to_dict(self) -> dict:
        return asdict(self)


def tree_stats(tree: Tree, tokens: np.ndarray, seed: int = 0) -> TreeStats:
    """λ (growth rate) and the other measures of :class:`TreeStats`."""
    levels = np.bincount(tree.depth, minlength=tree.max_depth + 1)
    growth = float((levels[-1] / levels[0]) ** (1.0 / tree.max_depth))
    counts = np.array([len(c) for c in tree.children])
    internal = counts[counts > 0]
    opn, cls = bracket_ids(tree)
    if np.any(np.asarray(tokens, dtype=np.int64) > tree.n_nodes):  # bracketed traversals:
        parent, _ = parse_brackets(tokens, opn, cls)  # the graph is the tree read back
        adj = [[] for _ in range(tree.vocab_size)]
        for t, up in parent.items():
            if up != SEPARATOR:
                adj[t].append(up)
                adj[up].append(t)
    else:
        adj = token_graph(tokens, tree.vocab_size)
    degrees = np.array([len(a) for a in adj if a])
    # entropy rate: per walk of D+2 tokens, sum over depths of E[ln(children)]
    # along the walk (root and separator are deterministic)
    prob = np.zeros(tree.n_nodes)
    prob[0] = 1.0
    h = 0.0
    for n in range(tree.n_nodes):  # parents precede children
        k = len(tree.children[n])
        if k:
            h += prob[n] * np.log(k)
            prob[tree.children[n]] = prob[n] / k
    return TreeStats(
        branching=tree.branching,
        depth=tree.max_depth,
        n_nodes=tree.n_nodes,
        growth_rate=growth,
        mean_children=float(internal.mean()),
        mean_degree=float(degrees.mean()) if degrees.size else 0.0,
        gromov_delta=gromov_delta(adj, seed=seed),
        entropy_per_token=float(h / (tree.max_depth + 2)),
    )


FORMS = ("euler", "walks", "brackets")
_CHAR0 = 0x4E00  # token t > 0 is written as chr(_CHAR0 + t), the separator as a newline


def tree_text(tokens: np.ndarray) -> str:
    """The token stream as text for ``--corpus`` (one sequence per line, one
    character per node), so ``train``/``compare`` read it with the char tokenizer."""
    arr = np.asarray(tokens, dtype=np.int64)
    return "".join("\n" if t == SEPARATOR else chr(_CHAR0 + int(t)) for t in arr)


def tree_data(
    branching: int,
    depth: int,
    n_tokens: int = 20_000,
    seed: int = 0,
    val_fraction: float = 0.1,
    form: str = "euler",
):
    """A :class:`~isingformer.lm.corpus.TokenData` of Euler tours (``form="euler"``),
    root-to-leaf walks (``"walks"``) or bracketed traversals (``"brackets"``,
    vocabulary N + 3) on one random tree (the same tree for both splits,
    independent sequences), with the tree."""
    from isingformer.lm.corpus import TokenData

    if form not in FORMS:
        raise InputError(f"form must be one of {', '.join(FORMS)}, got {form!r}")
    gen = {"euler": euler_tokens, "walks": walk_tokens, "brackets": bracket_tokens}[form]
    check_float(val_fraction, "val_fraction", gt=0, lt=1)
    tree = random_tree(branching, depth, seed)
    n_val = max(int(n_tokens * val_fraction), depth + 4)
    train = gen(tree, n_tokens, seed=2 * seed + 1)
    val = gen(tree, n_val, seed=2 * seed + 2)
    key = f"tree-{form}-b{branching}-D{depth}-n{n_tokens}-s{seed}"
    vocab = tree.vocab_size + (2 if form == "brackets" else 0)
    return TokenData(train, val, None, vocab, key, None), tree


def shakespeare_graph_stats(n_tokens: int = 200_000, seed: int = 0) -> dict:
    """The non-hierarchical control: mean degree and Gromov δ (four-point,
    sampled) of the character bigram graph of the first ``n_tokens``
    training characters of Shakespeare (the project's char tokenizer)."""
    from isingformer.lm.corpus import prepare_data

    check_int(n_tokens, "tokens", ge=2, le=10**8)
    data = prepare_data("shakespeare", "char")
    toks = np.asarray(data.train[:n_tokens]).astype(np.int64) + 1  # 0 is the separator
    adj = token_graph(toks, data.vocab_size + 1)
    degrees = np.array([len(a) for a in adj if a])
    return {
        "corpus": "shakespeare",
        "tokens": len(toks),
        "nodes": int(degrees.size),
        "mean_degree": float(degrees.mean()),
        "gromov_delta": gromov_delta(adj, seed=seed),
    }
