"""Where the cold archive meets AWS: DynamoDB stores, S3 access and the Batch launcher.

Each port is a small Protocol next to its AWS implementation. Import from the modules
themselves; this package re-exports nothing so that modules can be added independently.
"""
