"""POST /restore, GET /restores/{id}, the worker and the sweep, on in-memory fakes."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote_plus

import pytest

from strongroom.core.observability import metrics
from strongroom.deep_archive import wiring
from strongroom.deep_archive.handlers import restore_sweep, restore_worker
from strongroom.deep_archive.services.restore_messages import UnrecognisedMessage, parse_work
from tests.support.lambda_context import FakeLambdaContext

from .archives import ARCHIVE_BUCKET, PROJECT, TOPIC, csv_file
from .world import RestoreWorld, call

ARCHIVE = "archives/demo/job-1/part 000000.zip"
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> RestoreWorld:
    monkeypatch.setattr(metrics, "namespace", "strongroom-tests")
    world = RestoreWorld()
    world.archive(
        ARCHIVE,
        [csv_file("2025/north/a.csv"), csv_file("2025/south/a.csv"), csv_file("2025/b.csv")],
    )
    monkeypatch.setattr(wiring, "ports", lambda: world.ports)
    return world


def seed_body(**changes: Any) -> dict[str, Any]:
    return {
        "project_name": PROJECT,
        "filename": "b.csv",
        "account": "123456789012",
        "region": "eu-west-1",
        "retrieval_tier": "Standard",
        "sns_topic_arn": TOPIC,
        **changes,
    }


def sqs_event(*bodies: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"m{index}",
                "receiptHandle": f"r{index}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:restores",
                "awsRegion": "eu-west-1",
            }
            for index, body in enumerate(bodies)
        ]
    }


def restore_completed(bucket: str, key: str) -> str:
    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "eventName": "ObjectRestore:Completed",
        "s3": {"bucket": {"name": bucket}, "object": {"key": quote_plus(key)}},
    }
    return json.dumps({"Records": [record]})


def test_the_seed_body_is_accepted_with_a_restore_id(world: RestoreWorld) -> None:
    status, body = call("POST", "/restore", seed_body())
    assert status == 202
    assert body["status"] == "ACCEPTED"
    assert body["status_url"] == f"/restores/{body['restore_id']}"
    assert [file["source"] for file in body["files"]] == ["s3://source-bucket/2025/b.csv"]
    assert world.queue.started == [body["restore_id"]]


def test_expedited_for_deep_archive_is_400_saying_why(world: RestoreWorld) -> None:
    status, body = call("POST", "/restore", seed_body(retrieval_tier="Expedited"))
    assert status == 400
    assert body["field"] == "retrieval_tier"
    assert body["storage_class"] == "DEEP_ARCHIVE"
    assert body["allowed"] == ["Standard", "Bulk"]
    assert "not offered for DEEP_ARCHIVE" in body["message"]
    assert world.store.open_restore_ids() == []


def test_an_ambiguous_name_is_409_listing_the_keys(world: RestoreWorld) -> None:
    status, body = call("POST", "/restore", seed_body(filename="a.csv"))
    assert status == 409
    assert body["matches"] == {"a.csv": ["2025/north/a.csv", "2025/south/a.csv"]}


def test_unknown_names_are_404_listing_them(world: RestoreWorld) -> None:
    status, body = call("POST", "/restore", seed_body(filename=None, files=["b.csv", "nope.csv"]))
    assert status == 404
    assert body["unknown"] == ["nope.csv"]


def test_an_unregistered_topic_is_403(world: RestoreWorld) -> None:
    status, body = call(
        "POST", "/restore", seed_body(sns_topic_arn="arn:aws:sns:eu-west-1:123456789012:other")
    )
    assert status == 403
    assert body["registered"] == [TOPIC]


def test_an_invalid_body_is_422_naming_the_field(world: RestoreWorld) -> None:
    status, body = call("POST", "/restore", seed_body(sns_topic_arn="ARN"))
    assert status == 422
    assert body["detail"][0]["loc"] == ["body", "sns_topic_arn"]


def test_another_region_is_422(world: RestoreWorld) -> None:
    status, body = call("POST", "/restore", seed_body(region="ap-south-1"))
    assert status == 422
    assert body["detail"][0]["loc"] == ["body", "region"]


def test_status_shows_each_file_from_accepted_to_restored(world: RestoreWorld) -> None:
    _, accepted = call(
        "POST", "/restore", seed_body(filename=None, files=["b.csv", "2025/north/a.csv"])
    )
    restore_id = accepted["restore_id"]
    restore_worker.handler(sqs_event(json.dumps({"restore_id": restore_id})), FakeLambdaContext())
    status, body = call("GET", f"/restores/{restore_id}")
    assert status == 200
    assert body["status"] == "RESTORING"
    assert {file["state"] for file in body["files"]} == {"RESTORING"}
    world.archives.finish_restores()
    response = restore_worker.handler(
        sqs_event(restore_completed(ARCHIVE_BUCKET, ARCHIVE)), FakeLambdaContext()
    )
    assert response == {"batchItemFailures": []}
    _, body = call("GET", f"/restores/{restore_id}")
    assert body["status"] == "COMPLETED"
    assert body["counts"]["restored"] == 2
    assert body["notification"]["state"] == "SENT"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["notification"]["sent_at"])
    assert {file["location"] for file in body["files"]} == {
        f"s3://restore-bucket/restores/{restore_id}/2025/b.csv",
        f"s3://restore-bucket/restores/{restore_id}/2025/north/a.csv",
    }
    assert len(world.notifier.messages) == 1


def test_an_unknown_restore_is_404(world: RestoreWorld) -> None:
    status, body = call("GET", "/restores/00000000-0000-4000-8000-000000000777")
    assert status == 404
    assert body["restore_id"] == "00000000-0000-4000-8000-000000000777"


def test_a_malformed_message_fails_only_itself(world: RestoreWorld) -> None:
    _, accepted = call("POST", "/restore", seed_body())
    world.archives.request_restore(ARCHIVE_BUCKET, ARCHIVE, "Standard", 1)
    world.archives.finish_restores()
    response = restore_worker.handler(
        sqs_event("not json", json.dumps({"restore_id": accepted["restore_id"]})),
        FakeLambdaContext(),
    )
    assert response == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert len(world.notifier.messages) == 1


def test_s3_test_events_are_ignored(world: RestoreWorld) -> None:
    event = sqs_event(json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent"}))
    assert restore_worker.handler(event, FakeLambdaContext()) == {"batchItemFailures": []}


def test_the_sweep_queues_every_open_request(world: RestoreWorld) -> None:
    first = world.request("b.csv")
    second = world.request("2025/north/a.csv")
    world.queue.started.clear()
    assert restore_sweep.handler({}, FakeLambdaContext()) == {"queued": 2}
    assert sorted(world.queue.started) == sorted([first, second])


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        json.dumps({"Records": [{"eventName": "ObjectRestore:Completed"}]}),
        json.dumps({"x": 1}),
    ],
)
def test_unrecognised_messages_are_refused(body: str) -> None:
    with pytest.raises(UnrecognisedMessage):
        parse_work(body)


def test_keys_in_s3_events_are_decoded() -> None:
    work = parse_work(restore_completed("bucket", "a b/c+d.zip"))
    assert work.completed_archives == (("bucket", "a b/c+d.zip"),)
