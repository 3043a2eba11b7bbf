"""Where records and poison messages go: the ports and their implementations."""
