"""Engines decide verdicts: `random` (Hypothesis search with guided generation and shrinking)."""
