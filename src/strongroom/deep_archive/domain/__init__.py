"""Pure cold-archive logic (no AWS SDK): grouping, cost, and the streaming ZIP format.

Import from the modules themselves; this package re-exports nothing so that modules can be added
independently.
"""
