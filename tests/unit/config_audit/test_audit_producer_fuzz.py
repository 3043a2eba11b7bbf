"""Fuzzed stream batches through audit_producer: a bad record fails alone, no good one is lost.

Records are valid changes (some near the 400 KB item limit, some with non-UTF-8 binary), or
records that cannot be audited: a missing image, a malformed or deeply nested value, a damaged
envelope (fuzz_records). Derandomized: ``FUZZ_EXAMPLES`` sets the budget (make fuzz runs more).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from hypothesis import given, settings
from hypothesis import strategies as st

from strongroom.config_audit import wiring
from strongroom.config_audit.adapters.in_memory_audit_store import InMemoryAuditStore
from strongroom.config_audit.domain.audit import audit_entries
from strongroom.config_audit.domain.change import ConfigurationChange
from strongroom.config_audit.domain.entry import AuditEntry
from strongroom.config_audit.handlers import audit_producer
from strongroom.config_audit.services.auditing import UncheckpointableFailureError
from strongroom.core.observability import metrics
from tests.support.lambda_context import FakeLambdaContext
from tests.unit.config_audit.fuzz_records import EXAMPLES, KEYS, Drawn, batches, good_records

fuzzed = settings(max_examples=EXAMPLES, derandomize=True)


class RefusingKey(InMemoryAuditStore):
    """Cannot write one item's entries (as a throttled or oversized put would)."""

    def __init__(self, item_key: str) -> None:
        super().__init__()
        self.item_key = item_key

    def add(self, entry: AuditEntry) -> bool:
        if entry.item_key == self.item_key:
            raise RuntimeError("write refused")
        return super().add(entry)


@contextmanager
def bound(store: InMemoryAuditStore) -> Iterator[None]:
    """The handler's store bound to a fake (a context: hypothesis runs many examples per test)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(wiring, "audit_store", lambda: store)
        monkeypatch.setattr(metrics, "namespace", "strongroom-tests")
        yield


def numbered(drawn: list[Drawn]) -> list[tuple[str, Drawn, dict[str, Any]]]:
    """Each drawn record with its SequenceNumber, in stream order."""
    return [(str(1000 + index), d, d.record(str(1000 + index))) for index, d in enumerate(drawn)]


def expected_ids(record: dict[str, Any]) -> set[str]:
    return {entry.id for entry in audit_entries(ConfigurationChange.model_validate(record))}


def invoke(records: list[dict[str, Any]], store: InMemoryAuditStore) -> Any:
    with bound(store):
        return audit_producer.handler({"Records": records}, FakeLambdaContext())


def assert_fails_exactly(
    batch: list[tuple[str, Drawn, dict[str, Any]]], failing: set[str], store: InMemoryAuditStore
) -> None:
    """Only ``failing`` is reported (or, when that is every record, the invocation fails)."""
    records = [record for _, _, record in batch]
    if failing == {number for number, _, _ in batch}:
        with pytest.raises(BatchProcessingError):
            invoke(records, store)
        return
    response = invoke(records, store)
    assert {failure["itemIdentifier"] for failure in response["batchItemFailures"]} == failing


@fuzzed
@given(batches)
def test_a_bad_record_fails_alone_and_every_good_one_is_audited(drawn: list[Drawn]) -> None:
    store = InMemoryAuditStore()
    batch = numbered(drawn)

    assert_fails_exactly(batch, {number for number, d, _ in batch if not d.good}, store)

    good = [record for _, d, record in batch if d.good]
    assert {entry.id for entry in store.entries()} == set().union(*map(expected_ids, good))


@fuzzed
@given(batches, st.sampled_from(KEYS))
def test_a_refused_write_fails_only_the_records_it_belongs_to(
    drawn: list[Drawn], refused_key: str
) -> None:
    store = RefusingKey(refused_key)
    batch = numbered(drawn)
    refused = {
        number
        for number, d, record in batch
        if d.good and d.item_key == refused_key and expected_ids(record)
    }

    assert_fails_exactly(batch, refused | {n for n, d, _ in batch if not d.good}, store)

    written = [record for number, d, record in batch if d.good and number not in refused]
    assert {entry.id for entry in store.entries()} == set().union(*map(expected_ids, written))


@fuzzed
@given(batches, good_records())
def test_a_record_without_a_sequence_number_fails_the_invocation_after_the_good_ones(
    drawn: list[Drawn], unnumbered: Drawn
) -> None:
    store = InMemoryAuditStore()
    batch = numbered(drawn)
    record = unnumbered.record("0")
    del record["dynamodb"]["SequenceNumber"]

    # Every numbered record bad: Powertools fails the invocation before the unnumbered one does.
    everything_bad = not any(d.good for _, d, _ in batch)
    with pytest.raises(BatchProcessingError if everything_bad else UncheckpointableFailureError):
        invoke([*(r for _, _, r in batch), record], store)

    good = [record for _, d, record in batch if d.good]
    assert {entry.id for entry in store.entries()} == set().union(*map(expected_ids, good))
