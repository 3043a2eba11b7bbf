"""Shared building blocks: AWS clients, settings, time formats, observability."""
