"""Where clients come from, where responses are fetched and kept: the ports and their
implementations (each with an in-memory twin for unit tests)."""

from strongroom.trigger_archive.adapters.archive_store import ArchiveStore
from strongroom.trigger_archive.adapters.client_directory import ClientDirectory
from strongroom.trigger_archive.adapters.in_memory_archive_store import InMemoryArchiveStore
from strongroom.trigger_archive.adapters.in_memory_client_directory import InMemoryClientDirectory
from strongroom.trigger_archive.adapters.in_memory_trigger_source import InMemoryTriggerSource
from strongroom.trigger_archive.adapters.trigger_source import TriggerFetchFailed, TriggerSource

__all__ = [
    "ArchiveStore",
    "ClientDirectory",
    "InMemoryArchiveStore",
    "InMemoryClientDirectory",
    "InMemoryTriggerSource",
    "TriggerFetchFailed",
    "TriggerSource",
]
