"""The audit_producer handler against an in-memory store."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from strongroom.config_audit import wiring
from strongroom.config_audit.adapters.in_memory_audit_store import InMemoryAuditStore
from strongroom.config_audit.domain.entry import AuditEntry
from strongroom.config_audit.handlers import audit_producer
from strongroom.config_audit.services.auditing import UncheckpointableFailureError
from strongroom.core.observability import metrics
from tests.support.lambda_context import FakeLambdaContext
from tests.support.powertools_output import captured_logs, emitted_metrics
from tests.unit.config_audit.support import load_event

MALFORMED_SEQUENCE_NUMBER = "440000000000000004001"


class UnavailableForKey(InMemoryAuditStore):
    """A store that cannot write one item's entries (as a throttled or oversized put would)."""

    def __init__(self, item_key: str) -> None:
        super().__init__()
        self._item_key = item_key

    def add(self, entry: AuditEntry) -> bool:
        if entry.item_key == self._item_key:
            raise RuntimeError("write refused")
        return super().add(entry)


@pytest.fixture(autouse=True)
def _metrics_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    # The shared Metrics object reads POWERTOOLS_METRICS_NAMESPACE when it is created, at
    # import, before tests/conftest.py sets the variable; Lambda sets it before import.
    monkeypatch.setattr(metrics, "namespace", "strongroom-tests")


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> InMemoryAuditStore:
    store = InMemoryAuditStore()
    monkeypatch.setattr(wiring, "audit_store", lambda: store)
    return store


def invoke(event: dict[str, Any]) -> Any:
    return audit_producer.handler(event, FakeLambdaContext())


def test_every_record_of_a_batch_is_audited(store: InMemoryAuditStore) -> None:
    response = invoke(load_event("insert"))

    assert response == {"batchItemFailures": []}
    assert [(entry.item_key, entry.updated_attribute) for entry in store.entries()] == [
        ("CACHE_TTL_SEC", None),
        ("FEATURE_FLAGS", None),
    ]


def test_a_configuration_items_life_is_its_history_newest_first(
    store: InMemoryAuditStore,
) -> None:
    for name in ("insert", "modify", "remove"):
        invoke(load_event(name))

    history = store.history("CACHE_TTL_SEC")

    assert [(entry.modification_time, entry.old_value, entry.new_value) for entry in history] == [
        (
            "2024-01-01T00:02:00.000Z",
            {"M": {"key": {"S": "CACHE_TTL_SEC"}, "value": {"N": "1800"}}},
            None,
        ),
        ("2024-01-01T00:01:00.000Z", {"N": "3600"}, {"N": "1800"}),
        (
            "2024-01-01T00:00:00.000Z",
            None,
            {"M": {"key": {"S": "CACHE_TTL_SEC"}, "value": {"N": "3600"}}},
        ),
    ]


def test_a_redelivered_batch_writes_no_duplicates(
    store: InMemoryAuditStore, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(load_event("modify"))
    first = store.entries()
    capsys.readouterr()

    response = invoke(load_event("modify"))

    assert response == {"batchItemFailures": []}
    assert store.entries() == first
    metrics = emitted_metrics(capsys.readouterr().out)
    assert sum(metrics["DuplicateEntriesSkipped"]) == len(first) == 6
    assert "AuditEntriesWritten" not in metrics


def test_a_malformed_record_fails_alone(
    store: InMemoryAuditStore, capsys: pytest.CaptureFixture[str]
) -> None:
    response = invoke(load_event("batch_with_malformed"))

    assert response == {"batchItemFailures": [{"itemIdentifier": MALFORMED_SEQUENCE_NUMBER}]}
    assert [entry.item_key for entry in store.entries()] == ["LOG_LEVEL", "MAX_CONNECTIONS"]
    metrics = emitted_metrics(capsys.readouterr().out)
    assert sum(metrics["RecordsFailed"]) == 1
    assert sum(metrics["AuditEntriesWritten"]) == 2


def test_a_record_the_store_refuses_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    store = UnavailableForKey("FEATURE_FLAGS")
    monkeypatch.setattr(wiring, "audit_store", lambda: store)

    response = invoke(load_event("insert"))

    flags_sequence_number = load_event("insert")["Records"][1]["dynamodb"]["SequenceNumber"]
    assert response == {"batchItemFailures": [{"itemIdentifier": flags_sequence_number}]}
    assert [entry.item_key for entry in store.entries()] == ["CACHE_TTL_SEC"]


def test_a_batch_where_every_record_fails_fails_the_invocation(
    store: InMemoryAuditStore,
) -> None:
    event = load_event("batch_with_malformed")
    event["Records"] = [event["Records"][1]]

    with pytest.raises(BatchProcessingError):
        invoke(event)
    assert store.entries() == []


@pytest.mark.parametrize(
    "missing",
    [
        pytest.param(("dynamodb", "SequenceNumber"), id="no SequenceNumber"),
        pytest.param(("dynamodb",), id="no dynamodb member"),
    ],
)
def test_a_record_that_cannot_be_reported_fails_the_invocation_after_the_others(
    store: InMemoryAuditStore, capsys: pytest.CaptureFixture[str], missing: tuple[str, ...]
) -> None:
    event = load_event("batch_with_malformed")
    body = event["Records"][1]
    for name in missing[:-1]:
        body = body[name]
    del body[missing[-1]]

    with pytest.raises(UncheckpointableFailureError):
        invoke(event)
    assert [entry.item_key for entry in store.entries()] == ["LOG_LEVEL", "MAX_CONNECTIONS"]
    assert sum(emitted_metrics(capsys.readouterr().out)["RecordsFailed"]) == 1


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_an_empty_batch_writes_nothing(store: InMemoryAuditStore) -> None:
    assert invoke({"Records": []}) == {"batchItemFailures": []}
    assert store.entries() == []


def test_a_failed_record_is_logged_with_its_sequence_number(store: InMemoryAuditStore) -> None:
    with captured_logs() as log_output:
        invoke(load_event("batch_with_malformed"))

    logs = [json.loads(line) for line in log_output.getvalue().splitlines()]
    (failure,) = [log for log in logs if log["message"] == "stream record not audited"]
    assert failure["level"] == "ERROR"
    assert failure["sequence_number"] == MALFORMED_SEQUENCE_NUMBER
    assert "MODIFY record needs dynamodb.OldImage" in failure["exception"]
    assert failure["function_request_id"] == FakeLambdaContext.aws_request_id
