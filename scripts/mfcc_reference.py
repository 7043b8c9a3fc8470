#!/usr/bin/python3
"""Independent MFCC reference for tests/tst_mfcc.cpp (numpy + scipy only, float64 throughout).

Written from the definition in docs/design.md section 4 / audio/mfcc.h, not from the C++ code:
  frames start at sample 0 and advance by hop; a trailing partial frame is dropped;
  periodic Hann window w[n] = 0.5 - 0.5 cos(2 pi n / N);
  power spectrum |X_k|^2 of the real FFT, no scaling;
  HTK mel = 2595 log10(1 + f / 700); melBands + 2 edges equally spaced in mel between
  min_frequency and max_frequency; triangular filters of peak 1 evaluated at f_k = k sr / N;
  log(energy + log_floor) (natural log); orthonormal DCT-II; first `coefficients` kept;
  delta: d_t = sum_{n=1..W} n (c_{t+n} - c_{t-n}) / (2 sum n^2), indices clamped to the
  first/last frame; delta-delta: the same regression applied to the deltas.

The synthetic signals are defined by closed formulas (and a 32-bit LCG) that tst_mfcc.cpp
reproduces, computed in float64 and rounded to float32 — the extractor's input type.
The tonal signals carry a noise floor (LCG noise of peak amplitude 1e-3, about -70 dBFS rms),
like the noise of a real recording. A float32 FFT (the extractor's KissFFT) adds rounding noise of
~1e-11 per bin to a 1024-point frame of a 0.5-amplitude tone; a band's power error is dominated by
the cross term 2 Re(X conj(e)), so its relative size is ~2 sqrt(rounding / band power). On a pure
tone the far bands hold only the input's float32 quantisation (~1e-13 per bin) and ln(E + 1e-10)
there differs by up to ~1 nat from this float64 reference (max |err| 0.3..0.5 in c_k); with a 1e-4
floor it is still ~2e-3; with 1e-3 it is ~2e-4, a margin of 5x under the tested 1e-3 (1 + |ref|).

Output: tests/data/mfcc/<signal>_<params>.f32, a one-line ASCII header
  "songspace-mfcc-golden v1 key=value ...\n"
followed by frames x (3 * coefficients) little-endian float32 values, row-major,
[c_0..c_{C-1}, delta..., delta-delta...] per frame.

Usage: /usr/bin/python3 scripts/mfcc_reference.py [output_dir]   (Debian python3-numpy/scipy)
"""

import os
import sys

import numpy as np
import scipy.fft

PARAM_SETS = {
    "default": dict(sample_rate=22050, frame_size=1024, hop_size=512, mel_bands=40,
                    coefficients=13, min_frequency=0.0, max_frequency=11025.0,
                    delta_width=2, log_floor=1e-10),
    "alt": dict(sample_rate=16000, frame_size=2048, hop_size=256, mel_bands=26,
                coefficients=20, min_frequency=50.0, max_frequency=7000.0,
                delta_width=3, log_floor=1e-6),
}

# short_chirp has 3 frames, fewer than the 2 * delta_width delay: every frame is emitted by
# finish() and its delta regressions clamp on both sides.
SIGNALS = ["sine440", "three_sines", "chirp", "noise", "short_chirp"]


def signal_length(name, p):
    if name == "short_chirp":
        return p["frame_size"] + 2 * p["hop_size"] + 5
    # Two seconds plus a remainder so that a trailing partial frame exists and must be dropped.
    return 2 * p["sample_rate"] + 123


def lcg_uniform(count, seed=12345):
    """Numerical Recipes LCG, state = 1664525 state + 1013904223 mod 2^32; the top 24 bits
    scaled to [-0.5, 0.5) are exact in float32."""
    out = np.empty(count, dtype=np.float64)
    state = seed
    for i in range(count):
        state = (1664525 * state + 1013904223) & 0xFFFFFFFF
        out[i] = (state >> 8) / 16777216.0 - 0.5
    return out


def make_signal(name, p):
    sample_rate = p["sample_rate"]
    n = signal_length(name, p)
    if name == "noise":
        return lcg_uniform(n).astype(np.float32)
    t = np.arange(n, dtype=np.float64) / sample_rate
    if name == "sine440":
        x = 0.5 * np.sin(2 * np.pi * 440.0 * t)
    elif name == "three_sines":
        x = (0.6 * np.sin(2 * np.pi * 220.0 * t) + 0.25 * np.sin(2 * np.pi * 1375.0 * t)
             + 0.1 * np.sin(2 * np.pi * 3000.0 * t))
    elif name in ("chirp", "short_chirp"):
        # Linear chirp 100 Hz -> 8000 Hz over the signal's duration.
        duration = n / sample_rate
        f0, f1 = 100.0, 8000.0
        x = 0.5 * np.sin(2 * np.pi * (f0 * t + (f1 - f0) * t * t / (2 * duration)))
    else:
        raise ValueError(name)
    x = x + 1e-3 * lcg_uniform(n, seed=777)
    return x.astype(np.float32)


def hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + f / 700.0)


def mel_to_hz(m):
    return 700.0 * (10.0 ** (m / 2595.0) - 1.0)


def mel_filterbank(p):
    n_fft = p["frame_size"]
    freqs = np.arange(n_fft // 2 + 1) * p["sample_rate"] / n_fft
    mels = np.linspace(hz_to_mel(p["min_frequency"]), hz_to_mel(p["max_frequency"]),
                       p["mel_bands"] + 2)
    edges = mel_to_hz(mels)
    fb = np.zeros((p["mel_bands"], freqs.size))
    for b in range(p["mel_bands"]):
        lo, mid, hi = edges[b], edges[b + 1], edges[b + 2]
        rising = (freqs - lo) / (mid - lo)
        falling = (hi - freqs) / (hi - mid)
        fb[b] = np.maximum(0.0, np.minimum(rising, falling))
    return fb


def static_mfcc(x, p):
    n_fft, hop = p["frame_size"], p["hop_size"]
    count = (len(x) - n_fft) // hop + 1 if len(x) >= n_fft else 0
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
    frames = np.stack([x[i * hop:i * hop + n_fft].astype(np.float64) for i in range(count)])
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
    energies = power @ mel_filterbank(p).T
    log_mel = np.log(energies + p["log_floor"])
    return scipy.fft.dct(log_mel, type=2, norm="ortho", axis=1)[:, :p["coefficients"]]


def regression(c, width):
    last = c.shape[0] - 1
    out = np.zeros_like(c)
    for t in range(c.shape[0]):
        acc = np.zeros(c.shape[1])
        for n in range(1, width + 1):
            acc += n * (c[min(t + n, last)] - c[max(t - n, 0)])
        out[t] = acc / (2 * sum(n * n for n in range(1, width + 1)))
    return out


def features(x, p):
    c = static_mfcc(x, p)
    d = regression(c, p["delta_width"])
    dd = regression(d, p["delta_width"])
    return np.hstack([c, d, dd])


def write_golden(path, signal, set_name, p, feats):
    header = "songspace-mfcc-golden v1 signal=%s params=%s frames=%d dim=%d samples=%d %s\n" % (
        signal, set_name, feats.shape[0], feats.shape[1], signal_length(signal, p),
        " ".join("%s=%r" % (k, v) for k, v in p.items()))
    with open(path, "wb") as f:
        f.write(header.encode("ascii"))
        f.write(feats.astype("<f4").tobytes())


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "tests", "data",
                                                                    "mfcc")
    os.makedirs(out_dir, exist_ok=True)
    for set_name, p in PARAM_SETS.items():
        for signal in SIGNALS:
            feats = features(make_signal(signal, p), p)
            path = os.path.join(out_dir, "%s_%s.f32" % (signal, set_name))
            write_golden(path, signal, set_name, p, feats)
            print("%s: %d frames x %d" % (path, feats.shape[0], feats.shape[1]))


if __name__ == "__main__":
    main()
