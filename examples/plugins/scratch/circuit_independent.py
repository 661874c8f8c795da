"""From scratch, on arithmetic circuits: the mean of each wire, multiplying means at every product.

    heurcheck estimate examples/plugins/scratch/circuit_independent.py:IndependentMeans \
        examples/instances/square.json -a reveal:x=2

What it reads from the instance (`heurcheck.domains.circuit.Circuit`): `inputs` (each an `Input`
whose `dist` is a `Gaussian(mean, var)`, `Bernoulli(p)`, `Rademacher()` or `Uniform(values)`),
`gates` in topological order (each a `Gate` with `id`, `op` in const/add/mul/neg/scale, `args`, and
`value` for const and scale) and `output`. A circuit with jointly Gaussian inputs (`joint` is not
None) is outside this estimator's domain: it raises `OutsideDomain`, and the checker counts such a
case as not applicable rather than as a failure.

How it honours each argument atom (`heurcheck.domains.circuit`):
- `RevealInput(input, value)` (`-a reveal:x=2`): the input is the constant `value`;
- `ProvedEqual(wire, value)` (`-a equal:g=3`, a checked polynomial identity): the wire is `value`;
- `ProvedNonNegative(wire)` (`-a nonneg:g`, a checked sum of squares): the wire's estimate is clamped at 0;
- `KeepCumulant` and `CumulantOrder` ask to keep correlations this estimator never tracks: it
  ignores them (the irrelevant-arguments and exactness properties will say what that costs).
"""

from fractions import Fraction

from heurcheck import Arguments, OutsideDomain
from heurcheck.domains.circuit import Circuit, ProvedEqual, ProvedNonNegative, RevealInput


def _mean(dist):
    if dist.kind == "gaussian":
        return dist.mean
    if dist.kind == "bernoulli":
        return dist.p
    if dist.kind == "rademacher":
        return 0
    return Fraction(sum(Fraction(v) for v in dist.values), len(dist.values))  # uniform on a finite set


class IndependentMeans:
    """E[wire] gate by gate: sums add, products multiply the factors' means (no covariance kept)."""

    name = "independent-means"
    domains = frozenset({"circuit"})

    def estimate(self, circuit: Circuit, arguments: Arguments):
        if circuit.joint is not None:
            raise OutsideDomain("independent-means: jointly Gaussian inputs are outside its domain")
        revealed = {atom.input: atom.value for atom in arguments.of(RevealInput)}
        equal = {atom.wire: atom.value for atom in arguments.of(ProvedEqual)}
        nonneg = {atom.wire for atom in arguments.of(ProvedNonNegative)}
        m = {}
        for x in circuit.inputs:
            m[x.id] = revealed[x.id] if x.id in revealed else _mean(x.dist)
        for g in circuit.gates:
            a = [m[w] for w in g.args]
            m[g.id] = {"const": lambda: g.value, "add": lambda: a[0] + a[1], "mul": lambda: a[0] * a[1],
                       "neg": lambda: -a[0], "scale": lambda: g.value * a[0]}[g.op]()
            if g.id in equal:
                m[g.id] = equal[g.id]
            elif g.id in nonneg:
                m[g.id] = max(m[g.id], 0)
        return m[circuit.output]
