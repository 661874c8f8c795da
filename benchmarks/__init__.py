"""heurcheck's benchmarks: `python -m benchmarks` runs them (see BENCHMARKS.md).

A regular package, so that it is found before any installed distribution's top-level `benchmarks`
(flopscope ships one) when run from the repository root.
"""
