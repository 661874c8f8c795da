"""Boolean circuits: Y = p(C) = Pr_x[C(x) = 1] for a DAG of AND/OR/XOR/NOT gates over independent bits.

JSON form::

    {"domain": "boolean",
     "inputs": [{"id": "a", "p": "1/3"}, {"id": "b"}],
     "gates": [{"id": "g1", "op": "and", "args": ["a", "b"]},
               {"id": "g2", "op": "not", "args": ["g1"]},
               {"id": "one", "op": "const", "value": 1},
               {"id": "g3", "op": "xor", "args": ["g2", "one"]}],
     "output": "g3"}

"p" is Pr[bit = 1]: an int, a decimal (read exactly: 0.1 is 1/10) or a string "p/q" in [0, 1],
1/2 when left out. "gates" may be left out. Gates are listed in topological order (arguments name
inputs or earlier gates). Ops: and, or, xor (2 args), not (1 arg), const ("value" 0 or 1, no args).
Unknown fields are errors.

Exact truth enumerates the assignments of the free inputs the output depends on, exactly (see
`heurcheck.domains.boolean.truth`); past `MAX_TRUTH_INPUTS` (24) free inputs it raises `TruthTooExpensive`.

Argument atoms: `reveal:a=1` (the bit a is known to be 1) and `constant:g3=0` (a certificate that
wire g3 is 0 on every input, checked by enumeration).

Modules: `model` (bits, gates, BooleanCircuit, evaluation), `atoms`, `truth` (exact truth, Monte
Carlo), `transform` (restriction, arithmetisation), `jsonform`, `strategies`, `enumerate`, `domain`.
"""

from __future__ import annotations

from .atoms import MAX_CERTIFICATE_INPUTS, ProvedConstant, RevealBit
from .domain import DOMAIN, BooleanDomain
from .jsonform import from_json, to_json
from .model import ARITY, HALF, BitInput, BoolGate, BooleanCircuit
from .strategies import boolean_arguments, instances
from .transform import arguments_as_circuit, restrict, to_circuit
from .truth import MAX_TRUTH_INPUTS, monte_carlo, truth

__all__ = [
    "arguments_as_circuit",
    "boolean_arguments",
    "DOMAIN",
    "BitInput",
    "BoolGate",
    "BooleanCircuit",
    "BooleanDomain",
    "ProvedConstant",
    "RevealBit",
    "instances",
    "monte_carlo",
    "restrict",
    "to_circuit",
    "truth",
]
