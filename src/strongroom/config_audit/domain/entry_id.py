"""Deterministic audit entry ids, so a redelivered stream record maps to the same entries."""

from __future__ import annotations

import hashlib
import json
import uuid


def audit_entry_id(event_source_arn: str, sequence_number: str, attribute: str | None) -> str:
    """A UUID in version-4 format derived from the stream record and the attribute.

    ``attribute`` is ``None`` for the single whole-item entry of an INSERT or REMOVE. The
    JSON array keeps the parts unambiguous (no separator can be forged by a name). The
    stream ARN carries the stream's creation label, so a recreated table never reuses ids.
    """
    source = json.dumps([event_source_arn, sequence_number, attribute], ensure_ascii=False)
    digest = hashlib.sha256(source.encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))
