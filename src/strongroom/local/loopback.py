"""Is a host name or Host header loopback (127.0.0.0/8, ::1, localhost)?

The control endpoint refuses other Host headers (a page on another site that rebinds its DNS
name to 127.0.0.1 sends its own name), and the CLI refuses plain http:// to other hosts.
"""

from __future__ import annotations

import ipaddress

LOOPBACK_NAMES = frozenset({"localhost"})


def is_loopback(host: str) -> bool:
    """``host`` is a loopback address or ``localhost`` (no port; IPv6 with or without [])."""
    name = host.strip().removeprefix("[").removesuffix("]").rstrip(".").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_loopback_host_header(header: str | None) -> bool:
    """A ``Host`` header (``name[:port]``, ``[v6][:port]``) naming a loopback host."""
    if not header:
        return False
    value = header.strip()
    if value.startswith("["):
        host, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return False
        return is_loopback(host)
    host, colon, port = value.partition(":")
    if colon and not port.isdigit():
        return False
    return is_loopback(host)
