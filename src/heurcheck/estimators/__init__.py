"""The estimator interface, its registry, and the built-in estimators (one module per family)."""
