"""Pure audit logic: no AWS SDK here."""
