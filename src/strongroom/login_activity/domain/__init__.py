"""Pure login activity logic: validation, canonical timestamps, merging. No AWS SDK here."""
