"""Engines decide verdicts behind one protocol (`base.Engine`): `random` (cases drawn at random,
shrunk by Hypothesis), `guided` (the same with Hypothesis's generation heuristics), `exhaustive` (every case of a finite domain), `symbolic` (sympy)
and `smt` (z3) on structures with symbolic parameters (see `formal`), and `auto`, a chain of them."""

ENGINES = ("random", "guided", "exhaustive", "symbolic", "smt", "auto")  # the built-in engines (see registry.BUILTIN)
