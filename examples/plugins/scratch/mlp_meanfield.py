"""From scratch, on MLPs: per-unit means and variances, units of a layer treated as independent.

    heurcheck estimate examples/plugins/scratch/mlp_meanfield.py:MeanField \
        examples/instances/mlp-relu-2-layer.json --truth

What it reads from the instance (`heurcheck.domains.mlp.MLP`): `input_dim`, `input_mean` and
`input_cov` (None for x ~ N(0, I); else it uses the mean and the diagonal of the covariance),
`layers` (each a `Layer` with `weights` (out x in), `bias` (out) and `activation`), and `readout`
(Y = E[readout . h_L(x)]). It knows the Gaussian moments of relu and identity only: a network with
another activation is outside its domain (`OutsideDomain`, counted as not applicable). The mlp
domain has no argument atoms.
"""

import math

from heurcheck import Arguments, OutsideDomain
from heurcheck.domains.mlp import MLP


def _relu_moments(mu, var):
    """E and E[.^2] of relu(N(mu, var))."""
    s = math.sqrt(var)
    if s == 0:
        return max(mu, 0.0), max(mu, 0.0) ** 2
    z = mu / s
    cdf = 0.5 * (1 + math.erf(z / math.sqrt(2)))
    pdf = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    return mu * cdf + s * pdf, (mu * mu + var) * cdf + mu * s * pdf


class MeanField:
    """Each unit a Gaussian with the mean and variance its inputs give, independent of its neighbours."""

    name = "mean-field"
    domains = frozenset({"mlp"})

    def estimate(self, net: MLP, arguments: Arguments):
        d = net.input_dim
        mean = [float(m) for m in net.input_mean] if net.input_mean is not None else [0.0] * d
        var = [float(net.input_cov[i][i]) for i in range(d)] if net.input_cov is not None else [1.0] * d
        for k, layer in enumerate(net.layers):
            if layer.activation not in ("relu", "identity"):
                raise OutsideDomain(f"mean-field: layer {k} has activation {layer.activation!r}; "
                                    f"it knows relu and identity only")
            pre_mean = [sum(float(w) * m for w, m in zip(row, mean)) + float(b) for row, b in zip(layer.weights, layer.bias)]
            pre_var = [sum(float(w) ** 2 * v for w, v in zip(row, var)) for row in layer.weights]
            if layer.activation == "identity":
                mean, var = pre_mean, pre_var
            else:
                moments = [_relu_moments(m, v) for m, v in zip(pre_mean, pre_var)]
                mean = [first for first, _ in moments]
                var = [max(second - first * first, 0.0) for first, second in moments]
        return sum(float(r) * m for r, m in zip(net.readout, mean))
