"""Monte Carlo: vectorised float64 forward passes over chunks of Gaussian inputs (memory stays flat)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...vector_math import erf
from ..base import MonteCarlo
from .model import MLP

CHUNK_FLOATS = 2**22  # at most this many activations (32 MiB of float64) alive per layer and chunk
MAX_CHUNK = 65_536

def activate(z: np.ndarray, activation: str) -> np.ndarray:
    if activation == "relu":
        return np.maximum(z, 0.0)
    if activation == "erf":
        return erf(z)
    if activation == "tanh":
        return np.tanh(z)
    if activation == "gelu":
        return 0.5 * z * (1.0 + erf(z / math.sqrt(2.0)))
    if activation == "identity":
        return z
    if activation == "square":
        return z * z
    if activation == "cube":
        return z * z * z
    raise ValueError(f"unknown activation {activation!r}")


class Forward:
    """The network in float64 arrays: `sample(n, rng)` draws inputs, `__call__(x)` evaluates Y row-wise."""

    def __init__(self, net: MLP) -> None:
        self.layers = [(np.array([[float(w) for w in row] for row in layer.weights]),
                        np.array([float(b) for b in layer.bias]), layer.activation) for layer in net.layers]
        self.readout = np.array([float(r) for r in net.readout])
        self.dim = net.input_dim
        self.mean: np.ndarray | None = None
        self.factor: np.ndarray | None = None
        if net.input_mean is not None and net.input_cov is not None:
            cov = np.array([[float(c) for c in row] for row in net.input_cov])
            w, v = np.linalg.eigh(cov)
            self.mean = np.array([float(m) for m in net.input_mean])
            self.factor = v * np.sqrt(np.clip(w, 0.0, None))  # cov = factor factor^T
        widest = max([self.dim] + [len(b) for _, b, _ in self.layers])
        self.chunk = max(1, min(MAX_CHUNK, CHUNK_FLOATS // widest))

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        g = rng.standard_normal((n, self.dim))
        if self.factor is None or self.mean is None:
            return g
        return g @ self.factor.T + self.mean

    def __call__(self, x: np.ndarray) -> np.ndarray:
        h = x
        for weights, bias, activation in self.layers:
            h = activate(h @ weights.T + bias, activation)
        return np.asarray(h @ self.readout)


def monte_carlo(net: MLP, samples: int, seed: int) -> MonteCarlo:
    """The sample mean of Y over `samples` seeded draws and its standard error (running sums, chunked)."""
    forward = Forward(net)
    rng = np.random.default_rng(seed)
    shift: float | None = None  # sums are taken around the first value, for a stable variance
    total, total_sq, done = 0.0, 0.0, 0
    while done < samples:
        n = min(forward.chunk, samples - done)
        y = forward(forward.sample(n, rng))
        if shift is None:
            shift = float(y[0])
        d = y - shift
        total += float(d.sum())
        total_sq += float((d * d).sum())
        done += n
    if samples <= 0 or shift is None:
        return MonteCarlo(math.nan, math.inf, samples, seed)
    mean_d = total / samples
    var = max(total_sq / samples - mean_d * mean_d, 0.0) * samples / max(samples - 1, 1)
    stderr = math.sqrt(var / samples) if samples > 1 else math.inf
    return MonteCarlo(shift + mean_d, stderr, samples, seed)


def forward_values(net: MLP, x: Any) -> np.ndarray:
    """Y at the given input points (rows of x), in float64."""
    return Forward(net)(np.atleast_2d(np.asarray(x, dtype=np.float64)))
