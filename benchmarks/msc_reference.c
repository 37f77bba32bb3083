/* Single-threaded C references of the checkerboard multi-spin Metropolis (msc_sweeps)
 * and heat-bath (msc_heatbath_sweeps)
 * (the layout and exact acceptance of isingformer/physics/ising/metropolis_msc.py):
 * P[2][Y][nw] uint64 words, one xoshiro256** stream, thresholds t4, t8.
 * Built by benchmarks/bench_ising_parallel.py with gcc -O3 -march=native. */
#include <stddef.h>
#include <stdint.h>

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* the word of the other colour beside word w in the same row (d = +-1) */
static inline uint64_t side(const uint64_t *on, int w, int nw, int d) {
    if (d == 1) return w + 1 < nw ? on[w + 1] : rotl(on[0], 63);
    return w > 0 ? on[w - 1] : rotl(on[nw - 1], 1);
}

void msc_sweeps(uint64_t *P, int Y, int nw, uint64_t *rng, uint64_t t4, uint64_t t8, int n) {
    uint64_t s0 = rng[0], s1 = rng[1], s2 = rng[2], s3 = rng[3];
    for (int sw = 0; sw < n; sw++)
        for (int c = 0; c < 2; c++) {
            uint64_t *A = P + (size_t)c * Y * nw, *O = P + (size_t)(1 - c) * Y * nw;
            for (int y = 0; y < Y; y++) {
                int yp = y + 1 < Y ? y + 1 : 0, ym = y > 0 ? y - 1 : Y - 1;
                int d = ((y + c) % 2) == 0 ? -1 : 1;
                uint64_t *row = A + (size_t)y * nw, *on = O + (size_t)y * nw;
                uint64_t *up = O + (size_t)ym * nw, *dn = O + (size_t)yp * nw;
                for (int w = 0; w < nw; w++) {
                    uint64_t a = row[w], n4 = side(on, w, nw, d);
                    uint64_t x1 = a ^ up[w], x2 = a ^ dn[w], x3 = a ^ on[w], x4 = a ^ n4;
                    uint64_t h1 = x1 ^ x2, c1 = x1 & x2, h2 = x3 ^ x4, c2 = x3 & x4;
                    uint64_t ge2 = c1 | c2 | (h1 & h2), und = ~ge2, flip = ge2;
                    if (und) {
                        uint64_t eq1 = (h1 ^ h2) & und, eq0 = und & ~eq1;
                        for (int bit = 63;; bit--) {
                            uint64_t r = rotl(s1 * 5, 7) * 9, t = s1 << 17;
                            s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45);
                            uint64_t tb = (eq1 & (0 - ((t4 >> bit) & 1))) | (eq0 & (0 - ((t8 >> bit) & 1)));
                            flip |= und & tb & ~r;
                            und &= ~(r ^ tb);
                            if (!und || bit == 0) break;
                        }
                    }
                    row[w] = a ^ flip;
                }
            }
        }
    rng[0] = s0; rng[1] = s1; rng[2] = s2; rng[3] = s3;
}

/* The heat-bath of isingformer/physics/ising/heatbath_msc.py: thr[5] = floor(p_n 2^64),
 * p_n = P(up | n down neighbours); colour 0 then colour 1, rows in order. */
void msc_heatbath_sweeps(uint64_t *P, int Y, int nw, uint64_t *rng, const uint64_t *thr, int n) {
    uint64_t s0 = rng[0], s1 = rng[1], s2 = rng[2], s3 = rng[3];
    for (int sw = 0; sw < n; sw++)
        for (int c = 0; c < 2; c++) {
            uint64_t *A = P + (size_t)c * Y * nw, *O = P + (size_t)(1 - c) * Y * nw;
            for (int y = 0; y < Y; y++) {
                int yp = y + 1 < Y ? y + 1 : 0, ym = y > 0 ? y - 1 : Y - 1;
                int d = ((y + c) % 2) == 0 ? -1 : 1;
                uint64_t *row = A + (size_t)y * nw, *on = O + (size_t)y * nw;
                uint64_t *up = O + (size_t)ym * nw, *dn = O + (size_t)yp * nw;
                for (int w = 0; w < nw; w++) {
                    uint64_t n4 = side(on, w, nw, d);
                    uint64_t n1 = up[w], n2 = dn[w], n3 = on[w];
                    uint64_t h1 = n1 ^ n2, c1 = n1 & n2, h2 = n3 ^ n4, c2 = n3 & n4;
                    uint64_t b0 = h1 ^ h2, k0 = h1 & h2, b1 = c1 ^ c2 ^ k0;
                    uint64_t b2 = (c1 & c2) | ((c1 ^ c2) & k0);
                    uint64_t m0 = ~(b0 | b1 | b2), m1 = b0 & ~b1, m2 = b1 & ~b0, m3 = b0 & b1;
                    uint64_t und = ~(uint64_t)0, upm = 0;
                    for (int bit = 63;; bit--) {
                        uint64_t r = rotl(s1 * 5, 7) * 9, t = s1 << 17;
                        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45);
                        uint64_t tb = (m0 & (0 - ((thr[0] >> bit) & 1))) | (m1 & (0 - ((thr[1] >> bit) & 1)))
                                    | (m2 & (0 - ((thr[2] >> bit) & 1))) | (m3 & (0 - ((thr[3] >> bit) & 1)))
                                    | (b2 & (0 - ((thr[4] >> bit) & 1)));
                        upm |= und & tb & ~r;
                        und &= ~(r ^ tb);
                        if (!und || bit == 0) break;
                    }
                    row[w] = ~upm;
                }
            }
        }
    rng[0] = s0; rng[1] = s1; rng[2] = s2; rng[3] = s3;
}
