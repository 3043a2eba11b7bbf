"""Runs Lambda handlers locally, each function in its own long-lived worker processes."""
