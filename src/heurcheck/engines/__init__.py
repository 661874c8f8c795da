"""Engines decide verdicts behind one protocol (`base.Engine`): `random` (Hypothesis search with
guided generation and shrinking), `exhaustive` (every case of a finite domain), `symbolic` (sympy)
and `smt` (z3) on structures with symbolic parameters (see `formal`), and `auto`, a chain of them."""

ENGINES = ("random", "exhaustive", "symbolic", "smt", "auto")  # the built-in engines (see registry.BUILTIN)
