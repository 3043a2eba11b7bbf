"""What config_audit does, independent of how it was asked: auditing a batch of stream records."""
