"""The DEX stand-in's trigger-file bodies: realistic, and fixed by (client, date, revision).

Every field derives from a SHA-256 of the three, so the same call answers the same bytes and
bumping a client's revision changes them (a rerun then sees different content).
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date, datetime, time, timedelta

TRIGGER_TYPES = (
    "ACCOUNT_OPENED",
    "ADDRESS_CHANGED",
    "BALANCE_THRESHOLD",
    "CARD_REISSUED",
    "CONSENT_UPDATED",
    "DOCUMENT_EXPIRING",
    "LARGE_TRANSACTION",
    "PAYMENT_MISSED",
)
CHANNELS = ("web", "mobile", "branch", "batch")
SEVERITIES = ("low", "medium", "high")
MAX_RECORDS = 5


class _Draws:
    """Deterministic small integers from a seed string (one hash, then a seeded generator:
    a trigger call costs microseconds, not the tens a hash per field would)."""

    def __init__(self, seed: str) -> None:
        digest = hashlib.sha256(seed.encode()).digest()
        self._random = random.Random(int.from_bytes(digest[:16], "big"))

    def below(self, bound: int) -> int:
        return self._random.randrange(bound)


def trigger_body(client_id: int, trigger_date: date, revision: int = 0) -> bytes:
    """The JSON document the trigger endpoint answers for this client, date and revision."""
    draws = _Draws(f"{client_id}|{trigger_date.isoformat()}|{revision}")
    day_start = datetime.combine(trigger_date, time(0, 0))
    compact_date = trigger_date.strftime("%Y%m%d")
    records = []
    for number in range(1, 2 + draws.below(MAX_RECORDS)):
        occurred = day_start + timedelta(seconds=draws.below(20 * 3600))
        records.append(
            {
                "triggerId": f"TRG-{client_id}-{compact_date}-{revision:02d}{number:03d}",
                "type": TRIGGER_TYPES[draws.below(len(TRIGGER_TYPES))],
                "accountId": f"ACC{client_id:06d}{draws.below(10_000):04d}",
                "occurredAt": occurred.isoformat(timespec="seconds") + "Z",
                "severity": SEVERITIES[draws.below(len(SEVERITIES))],
                "channel": CHANNELS[draws.below(len(CHANNELS))],
                "amount": round(draws.below(5_000_000) / 100, 2),
                "currency": "USD",
            }
        )
    document = {
        "clientId": client_id,
        "triggerDate": trigger_date.isoformat(),
        "revision": revision,
        "generatedAt": f"{trigger_date.isoformat()}T20:00:00Z",
        "recordCount": len(records),
        "triggers": records,
    }
    return json.dumps(document, separators=(",", ":")).encode()
