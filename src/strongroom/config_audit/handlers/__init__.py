"""Lambda entry points of the configuration audit."""
