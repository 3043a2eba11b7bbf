"""Which workload signed a call: functions and Batch jobs sign with access keys the stack hands
out, ``local-workload.<name>`` for the function or job definition ``<name>``, so fault rules can
aim at one of them. The key carries the name because moto accepts any access key and the SigV4
credential scope is the one part of a request every SDK sends. Pure: no I/O.
"""

from __future__ import annotations

from typing import Final

WORKLOAD_KEY: Final = "local-workload"
"""A workload whose name is not known (its principal is ``""``)."""
_SEPARATOR: Final = "."  # in no function, job definition or STS-issued access key name


def workload_key(principal: str = "") -> str:
    """The access key id for the function or job definition ``principal``."""
    if _SEPARATOR in principal or "/" in principal:
        raise ValueError(f"a workload name has no '.' or '/': {principal!r}")
    return f"{WORKLOAD_KEY}{_SEPARATOR}{principal}" if principal else WORKLOAD_KEY


def principal_of(access_key: str) -> str | None:
    """The workload that signs with ``access_key`` (``""``: one not named), or None when the
    key is not a workload's (the stack's own, the CLI's, a test's)."""
    if access_key == WORKLOAD_KEY:
        return ""
    base, separator, principal = access_key.partition(_SEPARATOR)
    return principal if base == WORKLOAD_KEY and separator and principal else None
