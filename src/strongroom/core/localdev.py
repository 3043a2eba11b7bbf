"""The one seam between a system and the local stack: what the system needs to run locally.

A system declares a :class:`LocalDev` in its own ``localdev.py`` and registers it as an entry
point of the ``strongroom.localdev`` group (pyproject.toml), named after the system's package.
The local stack finds the declarations through package metadata, so neither side imports the
other: the system knows nothing of the stack, the stack nothing of the system's code.

Non-AWS parties a system talks to (a partner's HTTP API, a SQL Server database) are *stand-ins*
the stack starts before it provisions anything. A system reaches them in two ways, both by name
and never by importing the stack:

- a parameter value may name a stand-in's field with :meth:`str.format_map` syntax, e.g.
  ``{"PartnerApiBaseUrl": "{partner_api[base_url]}"}``; the stack formats every value with
  :attr:`SeedTarget.standins` before provisioning (literal braces are written ``{{`` and ``}}``);
- its seed function reads :attr:`SeedTarget.standins` (URLs, credentials, database paths), e.g.
  to put a stand-in's credentials into the secret the system reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENTRY_POINT_GROUP = "strongroom.localdev"
LOCAL_ACCOUNT_ID = "123456789012"  # the account the local stack's emulator (moto) reports

StandIns = Mapping[str, Mapping[str, str]]
"""Running stand-ins by name, each with its public fields (URLs, credentials, paths)."""


@dataclass(frozen=True)
class SeedTarget:
    """A running local stack as a seed function sees it: its public endpoints only."""

    region: str
    account_id: str
    outputs: Mapping[str, Any]
    """The system's own stack outputs (table names, API URL, ...)."""
    client: Callable[[str], Any]
    """A boto3 client for a service, pointed at the stack's AWS endpoint."""
    state_dir: Path = Path(".strongroom")
    """The stack's state folder (stand-in databases and logs live there)."""
    standins: StandIns = field(default_factory=dict)
    """The running stand-ins by name, e.g. ``standins["mediant_db"]["url"]``."""


class UnknownStandIn(ValueError):
    """A parameter value names a stand-in or a field no running stand-in has."""


@dataclass(frozen=True)
class LocalDev:
    parameters: Mapping[str, str] = field(default_factory=dict)
    """Stand-ins for template parameters that only make sense on AWS (images, subnets, ARNs).

    Values are format strings over the running stand-ins (see :func:`format_parameters`)."""
    seed: Callable[[SeedTarget], None] | None = None
    """Puts the system's demo data (buckets, projects, topics) into a freshly started stack."""


def format_parameters(parameters: Mapping[str, str], standins: StandIns) -> dict[str, str]:
    """Each value with its ``{standin[field]}`` references replaced by the stand-in's field."""
    formatted: dict[str, str] = {}
    for name, value in parameters.items():
        try:
            formatted[name] = value.format_map(standins)
        except (KeyError, IndexError, AttributeError) as missing:
            raise UnknownStandIn(
                f"parameter {name} refers to {missing}, which no running stand-in has "
                f"(stand-ins: {', '.join(sorted(standins)) or 'none'})"
            ) from None
        except ValueError as malformed:
            raise UnknownStandIn(
                f"parameter {name}: {malformed} (write literal braces twice)"
            ) from None
    return formatted
