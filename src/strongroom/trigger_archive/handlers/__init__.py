"""Lambda entry point of trigger_archive: ``archive`` (schedule, or invoked with ``{}``)."""
