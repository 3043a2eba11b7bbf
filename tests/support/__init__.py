"""Helpers shared by tests and benchmarks: a Lambda context, a bounded wait, Powertools output."""
