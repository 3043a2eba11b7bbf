from __future__ import annotations

from typing import Any

import pytest

from strongroom.local.sources.batch_response import failed_item_ids

BATCH = ("id-1", "id-2", "id-3")


@pytest.mark.parametrize(
    "payload",
    [None, {}, {"batchItemFailures": None}, {"batchItemFailures": []}, {"other": 1}],
    ids=["null response", "empty response", "null list", "empty list", "no list"],
)
def test_responses_lambda_treats_as_full_success(payload: Any) -> None:
    assert failed_item_ids(payload, BATCH) == frozenset()


def test_reported_identifiers_are_the_failed_items() -> None:
    payload = {"batchItemFailures": [{"itemIdentifier": "id-3"}, {"itemIdentifier": "id-1"}]}

    assert failed_item_ids(payload, BATCH) == frozenset({"id-1", "id-3"})


@pytest.mark.parametrize(
    "payload",
    [
        {"batchItemFailures": [{"itemIdentifier": ""}]},
        {"batchItemFailures": [{"itemIdentifier": None}]},
        {"batchItemFailures": [{"itemIdentifer": "id-1"}]},
        {"batchItemFailures": [{"itemIdentifier": "id-9"}]},
        {"batchItemFailures": [{"itemIdentifier": 2}]},
        {"batchItemFailures": [{"itemIdentifier": "id-1"}, "id-2"]},
        {"batchItemFailures": {"itemIdentifier": "id-1"}},
        [{"itemIdentifier": "id-1"}],
        "id-1",
    ],
    ids=[
        "empty identifier",
        "null identifier",
        "bad key name",
        "identifier not in the batch",
        "identifier not a string",
        "entry not an object",
        "list not a list",
        "response not an object",
        "response a string",
    ],
)
def test_malformed_responses_fail_the_whole_batch(payload: Any) -> None:
    assert failed_item_ids(payload, BATCH) is None
