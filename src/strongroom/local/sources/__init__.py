"""Event-source runners that poll the emulator and invoke functions as Lambda's mappings do."""
