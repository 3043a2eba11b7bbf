"""The one seam between a system and the local stack: what the system needs to run locally.

A system declares a :class:`LocalDev` in its own ``localdev.py`` and registers it as an entry
point of the ``strongroom.localdev`` group (pyproject.toml), named after the system's package.
The local stack finds the declarations through package metadata, so neither side imports the
other: the system knows nothing of the stack, the stack nothing of the system's code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ENTRY_POINT_GROUP = "strongroom.localdev"
LOCAL_ACCOUNT_ID = "123456789012"  # the account the local stack's emulator (moto) reports


@dataclass(frozen=True)
class SeedTarget:
    """A running local stack as a seed function sees it: its public endpoints only."""

    region: str
    account_id: str
    outputs: Mapping[str, Any]
    """The system's own stack outputs (table names, API URL, ...)."""
    client: Callable[[str], Any]
    """A boto3 client for a service, pointed at the stack's AWS endpoint."""


@dataclass(frozen=True)
class LocalDev:
    parameters: Mapping[str, str] = field(default_factory=dict)
    """Stand-ins for template parameters that only make sense on AWS (images, subnets, ARNs)."""
    seed: Callable[[SeedTarget], None] | None = None
    """Puts the system's demo data (buckets, projects, topics) into a freshly started stack."""
