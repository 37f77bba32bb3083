"""How the cost of `analyze` scales with the context length N and the model size.

Random-weight Llama models built here from configs (nothing downloaded): ~11M
parameters (4 layers x 4 heads) for the scan over N, and ~11M to ~1.1B (the
TinyLlama shape: 22 layers, 32 heads, 4 key/value heads) at fewer tokens for
the scan over size. One passage of N tokens of Shakespeare per point, word
tokens (a word-level tokenizer built from the sample). At each point: one
forward pass with the Q/K capture, and the phase map (`analyze_attention`:
its own forward, 200 β per head, 512 rows per head, no finite-size scan,
streamed in 512-row blocks), interleaved, median of --reps; the ratio
analyze/forward, and the exponent a of t ∝ N^a between successive N.

    python benchmarks/bench_analyze_scale.py [--sizes 256,512,1024,2048,4096] [--models 11M,110M,1.1B]
"""

from __future__ import annotations

import argparse
import gc
import math
import statistics
import time

import torch

# name: (hidden, layers, heads, key/value heads, MLP width, tokens in the size scan)
CONFIGS = {
    "11M": (256, 4, 4, 4, 688, 512),
    "110M": (768, 12, 12, 12, 2048, 256),
    "240M": (1024, 16, 16, 16, 2816, 128),
    "1.1B": (2048, 22, 32, 4, 5632, 64),
}
VOCAB = 32000


def tokenizer(words: list[str]):
    """A word-level tokenizer over the distinct words of the sample (ids < VOCAB)."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {"[UNK]": 0, "</s>": 1}
    for w in words:
        if len(vocab) < VOCAB:
            vocab.setdefault(w, len(vocab))
    tk = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tk.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return PreTrainedTokenizerFast(tokenizer_object=tk, unk_token="[UNK]", pad_token="</s>")


def build(name: str, tok, max_tokens: int, device: str = "cpu"):
    """A random-weight Llama of shape ``CONFIGS[name]`` with the isingformer attention."""
    from transformers import LlamaConfig, LlamaModel

    import isingformer.attention  # noqa: F401  (registers the attention)
    from isingformer.attention import register_hf_attention
    from isingformer.probe import LoadedModel

    register_hf_attention()
    hidden, layers, heads, kv, mlp, _ = CONFIGS[name]
    cfg = LlamaConfig(
        vocab_size=VOCAB,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=kv,
        intermediate_size=mlp,
        max_position_embeddings=max(4096, max_tokens),
        attn_implementation="isingformer",
    )
    torch.manual_seed(0)
    model = LlamaModel(cfg).eval().to(device)
    return LoadedModel(model, tok, None, f"llama-{name}", layers, heads)


def measure(lm, text: str, n: int, reps: int) -> tuple[float, float]:
    """Median forward time and median analyze time (interleaved) at ``n`` tokens."""
    from isingformer.probe import analyze_attention, capture_qk

    cuda = next(lm.model.parameters()).is_cuda
    fwd, ana = [], []
    for _ in range(reps):
        if cuda:  # the forward is asynchronous: time it between synchronizations
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            capture_qk(lm, [text], n)
            torch.cuda.synchronize()
            fwd.append(time.perf_counter() - t0)
        else:
            fwd.append(capture_qk(lm, [text], n).seconds_forward)
        t0 = time.perf_counter()
        analyze_attention(texts=[text], max_tokens=n, sizes=[], loaded=lm)
        ana.append(time.perf_counter() - t0)
        gc.collect()
    return statistics.median(fwd), statistics.median(ana)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="256,512,1024,2048,4096", help="N of the scan over N")
    ap.add_argument("--models", default="11M,110M,1.1B", help="models of the scan over size")
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    a = ap.parse_args()
    from isingformer.probe import default_texts
    from isingformer.threads import set_threads

    set_threads(None)
    words = " ".join(default_texts(64, seed=0)).split()
    sizes = [int(s) for s in a.sizes.split(",") if s]
    while len(words) < max(sizes, default=0) + 8:
        words = words + words
    text = " ".join(words)
    tok = tokenizer(words)
    print(
        f"analyze vs one forward pass, random Llama models, 1 passage of N tokens, 200 β, "
        f"512 rows/head, 512-row blocks; {a.device}, {torch.get_num_threads()} CPU thread(s), "
        f"median of {a.reps} interleaved reps (1 for >= 1B parameters)"
    )
    print(
        f"{'model':>6} {'params':>7} {'N':>5} {'forward s':>10} {'analyze s':>10}  ratio  a(fwd) a(ana)"
    )

    def row(lm, name, n, reps, prev):
        params = sum(p.numel() for p in lm.model.parameters())
        f, t = measure(lm, text, n, reps)
        slope = ""
        if prev is not None:
            (n0, f0, t0) = prev
            k = math.log(n / n0)
            slope = f"  {math.log(f / f0) / k:5.2f}  {math.log(t / t0) / k:5.2f}"
        print(
            f"{name:>6} {params / 1e6:6.0f}M {n:5d} {f:10.3f} {t:10.3f}  "
            f"{t / f:5.1f}x forward{slope}",
            flush=True,
        )
        return n, f, t

    lm = build("11M", tok, max(sizes, default=512), a.device)
    measure(lm, text, 64, 1)  # warm-up: compiled kernels, allocator
    prev = None
    for n in sizes:
        prev = row(lm, "11M", n, a.reps, prev)
    for name in [m for m in a.models.split(",") if m]:
        if name not in CONFIGS:
            raise SystemExit(f"--models: unknown {name!r}; known: {', '.join(CONFIGS)}")
        del lm
        gc.collect()
        n = CONFIGS[name][5]
        lm = build(name, tok, n, a.device)
        big = sum(p.numel() for p in lm.model.parameters()) >= 1e9
        row(lm, name, n, 1 if big else a.reps, None)


if __name__ == "__main__":
    main()
