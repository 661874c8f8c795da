"""Arithmetic circuits: Y = E[C(x)] for a DAG of gates over random inputs.

JSON form::

    {"domain": "circuit",
     "inputs": [{"id": "x", "dist": "gaussian", "mean": 0, "var": 1},
                {"id": "b", "dist": "bernoulli", "p": "1/3"},
                {"id": "r", "dist": "rademacher"},
                {"id": "u", "dist": "uniform", "values": [0, 1, 3]}],
     "gates": [{"id": "g1", "op": "mul", "args": ["x", "x"]},
               {"id": "g2", "op": "scale", "args": ["g1"], "value": "1/2"},
               {"id": "g3", "op": "add", "args": ["g2", "b"]},
               {"id": "c", "op": "const", "value": 2},
               {"id": "g4", "op": "neg", "args": ["g3"]}],
     "output": "g4"}

Jointly Gaussian inputs leave out "dist" and give the whole law instead::

    {"domain": "circuit", "inputs": [{"id": "x"}, {"id": "y"}],
     "joint_gaussian": {"mean": [0, 0], "cov": [[1, "1/2"], ["1/2", 1]]}, ...}

Gates are listed in topological order (arguments name inputs or earlier gates). Numbers are
ints, decimals (read exactly: 0.1 is 1/10) or strings "p/q". Ops: const (value), add (2 args),
mul (2 args), neg (1 arg), scale (1 arg, value).

Exact truth (polynomial expansion with the inputs' moments, or enumeration for finite supports):
see `heurcheck.domains.circuit.moments`.

Modules: `model` (laws, Input, Gate, Circuit, conditioning, cones), `moments` (moments, cumulants,
the output polynomial, exact truth), `polynomial_circuit` (the circuit of a polynomial), `jsonform`
(this JSON form), `atoms` (argument atoms and their certificates), `strategies` (Hypothesis
strategy, benchmark generator), `enumerate` (structures and finite families, smallest first),
`lifting` (parameters as symbols), `domain` (the `circuit` Domain object, `DOMAIN`).
"""

from __future__ import annotations

from .atoms import (
    CumulantOrder,
    KeepCumulant,
    ProvedEqual,
    ProvedNonNegative,
    RevealInput,
    certified_nonnegative,
    revealed_values,
)
from .domain import DOMAIN, CircuitDomain
from .jsonform import circuit_from_json, circuit_to_json, dist_from_json, dist_to_json
from .model import (
    ADD,
    MUL,
    NEG,
    OPS,
    SCALE,
    Wiring,
    Bernoulli,
    Circuit,
    Distribution,
    Gate,
    Gaussian,
    Input,
    JointGaussian,
    Rademacher,
    Uniform,
    _is_zero,
    condition,
    cone,
    liveness,
    with_output,
)
from .moments import (
    MAX_ENUMERATION,
    MAX_MONOMIALS,
    Poly,
    cumulants,
    degree,
    expectation,
    moment_expectation,
    polynomial,
    raw_moments,
    sample_inputs,
    support,
    truth,
    truth_by_enumeration,
)
from .polynomial_circuit import circuit_of_polynomial
from .strategies import (circuit_arguments, circuit_atoms, circuits, draw_circuit_arguments, layered_circuit,
                         reveal_values)

__all__ = [
    "circuit_arguments", "circuit_atoms", "draw_circuit_arguments", "reveal_values",
    "DOMAIN", "MAX_ENUMERATION", "MAX_MONOMIALS", "OPS", "Bernoulli", "Circuit", "CircuitDomain", "CumulantOrder",
    "Distribution", "Gate", "Gaussian", "Input", "JointGaussian", "KeepCumulant", "Poly", "ProvedEqual",
    "ProvedNonNegative", "Rademacher", "RevealInput", "Uniform", "certified_nonnegative", "circuit_from_json",
    "circuit_of_polynomial", "circuit_to_json", "circuits", "condition", "cone", "cumulants", "degree",
    "dist_from_json", "dist_to_json", "expectation", "layered_circuit", "liveness", "moment_expectation", "polynomial",
    "raw_moments", "revealed_values", "with_output", "Wiring", "ADD", "MUL", "NEG", "SCALE",
    "sample_inputs", "support", "truth", "truth_by_enumeration",
]
