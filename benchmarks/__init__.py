"""Reproducible performance scripts; results and the machine are in docs/performance.md."""
