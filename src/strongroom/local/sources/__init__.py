"""Event-source runners that poll the emulator and invoke functions as Lambda's mappings do."""

from strongroom.local.sources._polling import ClientFactory
from strongroom.local.sources.dynamodb_streams import DynamoDbStreamEventSource
from strongroom.local.sources.sqs import SqsEventSource

__all__ = ["ClientFactory", "DynamoDbStreamEventSource", "SqsEventSource"]
