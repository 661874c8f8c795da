"""Engines decide verdicts: `random` (Hypothesis search with guided generation and shrinking),
`exhaustive` (every case of a finite domain), `symbolic` (sympy) and `smt` (z3) on structures with
symbolic parameters (see `formal`), and `auto`, which picks per property (see the checker)."""

ENGINES = ("random", "exhaustive", "symbolic", "smt", "auto")  # the values of CheckSettings.engine
