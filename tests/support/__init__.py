"""Helpers shared by tests and benchmarks: a Lambda context and a bounded wait."""
