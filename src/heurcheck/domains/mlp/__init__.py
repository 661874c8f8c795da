"""Multilayer perceptrons on Gaussian inputs: Y = E_x[readout . h_L(x)].

JSON form (numbers are ints, decimals read exactly, or strings "p/q")::

    {"domain": "mlp", "input": {"dim": 3},
     "layers": [{"weights": [[0.5, -1, 0.25], [1, 0, -0.5]], "bias": [0, 0.1], "activation": "relu"},
                {"weights": [[1, -2]], "activation": "identity"}],
     "readout": [1]}

`input` is `{"dim": d}` (x ~ N(0, I_d)) or `{"mean": [...], "cov": [[...]]}` (x ~ N(mean, cov);
`dim` may be given too and must equal the length of mean). The covariance must be symmetric
(checked entry by entry) and positive semidefinite: checked exactly by an LDL^T factorisation with
diagonal pivoting when every entry is rational, by the smallest eigenvalue (tolerance 1e-9 times
the largest entry) when some are floats. `weights[i][j]` maps unit j of the layer below (or input
coordinate j) to unit i (out x in); `bias` is optional (zeros); `activation` is one of relu, erf,
tanh, gelu, identity, square, cube (applied unit-wise after W h + b); `readout` (one number per
unit of the last layer) is optional when the last layer has width 1 (then it is [1]). Every shape
error names the field, the value and what was expected.

Exact truth (`truth`): polynomial networks (identity, square, cube only) are compiled to an
arithmetic circuit and use the circuit domain's exact moments (exact rationals for rational
parameters); one relu or erf layer (optionally followed by identity layers) has a closed form
(a float, relative error below 1e-12); a one-unit first layer followed by polynomial layers is a
one-dimensional integral: in closed form for a relu unit (Gaussian partial moments), by float64
tanh-sinh quadrature for the others; anything else raises `TruthTooExpensive`.

Monte Carlo: vectorised float64 forward passes in chunks of at most 2^22 activations per layer
(memory stays flat), seeded, with the standard error from running sums. Where the exact truth is out
of reach, `domains.reference.reference_truth` (used by `heurcheck estimate --truth` and by accuracy)
takes `truth_samples` = 100,000 draws: 12 times a 10^4-sample pass, 7 to 13 s at width 256, depth 4
on a loaded two-core machine (`python benchmarks/bench_mlp.py`, BENCHMARKS.md).

Argument atom: `order:K` (`NetworkOrder`), keep joint cumulants up to order K through the network
(mean propagation is order 1, the Gaussian closure order 2); it does not change the quantity. Generator: `research_mlp` (CLI `heurcheck generate mlp`).

Modules: `model` (MLP, Layer, shape checks), `jsonform` (this JSON form), `truth` (circuit
compilation, closed forms, quadrature), `sampling` (forward passes, Monte Carlo), `generate` (the
research distribution), `strategies` (Hypothesis), `lifting` (parameters as symbols), `atoms`
(order:K), `reparametrise` (the same function written another way), `domain` (`DOMAIN`).
"""

from __future__ import annotations

from .atoms import NetworkOrder
from .domain import DOMAIN, MLP_DOMAIN, MLPDomain
from .generate import READOUTS, research_mlp, weight_variance
from .jsonform import check_covariance, mlp_from_json, mlp_to_json
from .lifting import lift_mlp
from .model import ACTIVATIONS, MLP, POLYNOMIAL, Layer, check_shapes, live
from .sampling import Forward, forward_values, monte_carlo
from .strategies import instances
from .truth import closed_form, gaussian_expectation, to_circuit, truth

__all__ = [
    "ACTIVATIONS", "DOMAIN", "MLP", "MLPDomain", "MLP_DOMAIN", "NetworkOrder", "POLYNOMIAL", "READOUTS", "Forward", "Layer",
    "check_covariance", "check_shapes", "closed_form", "forward_values", "gaussian_expectation", "instances",
    "lift_mlp", "live", "mlp_from_json", "mlp_to_json", "monte_carlo", "research_mlp", "to_circuit", "truth",
    "weight_variance",
]
