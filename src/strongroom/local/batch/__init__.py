"""AWS Batch on the local stack: jobs submitted through the Batch API run as local processes."""
