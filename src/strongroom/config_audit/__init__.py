"""Configuration audit (seed 002): each change to the Configuration table becomes audit entries."""
