"""trigger_archive (seed 000): every business day, each selected client's DEX API trigger
response for the day, archived byte for byte in S3 with an honest result."""
