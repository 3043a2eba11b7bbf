"""What code outside sox_evidence (the CLI, its local seed data) may import: nothing else of it.

The import contracts in .importlinter keep the rest of the package private to it.
"""

from __future__ import annotations

from strongroom.sox_evidence.domain.catalog import CatalogEntry, IpeDefinition, catalog
from strongroom.sox_evidence.domain.runs import RunRecord
from strongroom.sox_evidence.services.run_records import list_runs

__all__ = ["CatalogEntry", "IpeDefinition", "RunRecord", "catalog", "list_runs"]
