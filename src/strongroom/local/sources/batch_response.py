"""Reading a function's partial batch response, as Lambda does with ReportBatchItemFailures."""

from __future__ import annotations

from collections.abc import Collection, Mapping


def failed_item_ids(payload: object, batch_ids: Collection[str]) -> frozenset[str] | None:
    """The identifiers the function reported as failed; ``None`` if the response is malformed.

    As Lambda does: a null or empty response, or a null or empty ``batchItemFailures`` list, means
    every item succeeded; a list that is not a list of objects, or an ``itemIdentifier`` that is
    missing, empty, not a string or not an item of this batch, fails the whole batch.
    """
    if payload is None:
        return frozenset()
    if not isinstance(payload, Mapping):
        return None
    failures = payload.get("batchItemFailures")
    if failures is None:
        return frozenset()
    if not isinstance(failures, list):
        return None
    identifiers: set[str] = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, Mapping) else None
        if not isinstance(identifier, str) or identifier not in batch_ids:
            return None
        identifiers.add(identifier)
    return frozenset(identifiers)
