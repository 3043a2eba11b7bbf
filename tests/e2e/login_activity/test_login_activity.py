"""login_activity through the local stack: events on the queue, queries over HTTP with tokens."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from typer.testing import CliRunner

from strongroom.cli import app
from strongroom.local.api_client import ApiClient
from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack
from tests.e2e.aws_cli import aws_cli
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
SEED_EVENT = {
    "user_id": "123456789",
    "service_id": "abcdef",
    "service_name": "A service name",
    "timestamp": "2022-08-04T08:50:39Z",
}


@pytest.fixture(scope="module")
def outputs(endpoints: Endpoints) -> dict[str, str]:
    return endpoints.outputs["login_activity"]


@pytest.fixture(scope="module")
def api(endpoints: Endpoints, outputs: dict[str, str]) -> ApiClient:
    return ApiClient(outputs["ApiUrl"], endpoints.token)


def _send(aws: Any, outputs: dict[str, str], body: dict[str, Any] | str) -> None:
    text = body if isinstance(body, str) else json.dumps(body)
    aws("sqs").send_message(QueueUrl=outputs["EventsQueueUrl"], MessageBody=text)


def _services(api: ApiClient, user_id: str, count: int) -> dict[str, Any]:
    def found() -> dict[str, Any] | None:
        answer = api.get("users", user_id, "services")
        if answer.status == 200 and len(answer.body["services"]) >= count:
            return dict(answer.body)
        return None

    return eventually(found)


def _curl(url: str, *headers: str) -> tuple[int, Any]:
    arguments = ["curl", "--silent", "--max-time", "30", "--write-out", "\n%{http_code}"]
    for header in headers:
        arguments += ["--header", header]
    completed = subprocess.run(
        [*arguments, url], capture_output=True, text=True, check=True, timeout=60
    )
    body, _, status = completed.stdout.rpartition("\n")
    return int(status), json.loads(body) if body else None


def test_the_seed_event_sent_with_the_aws_cli_is_served_to_curl_with_the_dev_token(
    endpoints: Endpoints, outputs: dict[str, str]
) -> None:
    aws_cli(
        endpoints,
        "sqs",
        "send-message",
        "--queue-url",
        outputs["EventsQueueUrl"],
        "--message-body",
        json.dumps(SEED_EVENT),
    )
    url = f"{outputs['ApiUrl']}/users/123456789/services"

    status, body = eventually(
        lambda: (
            (answer := _curl(url, f"Authorization: Bearer {endpoints.token}"))[0] == 200 and answer
        )
    )

    assert (status, body) == (
        200,
        {
            "user_id": "123456789",
            "services": [
                {
                    "service_id": "abcdef",
                    "service_name": "A service name",
                    "last_accessed": "2022-08-04T08:50:39Z",
                }
            ],
        },
    )
    assert _curl(url)[0] == 401


def test_a_token_without_the_read_scope_is_refused(
    local_stack: LocalStack, outputs: dict[str, str]
) -> None:
    elsewhere = ApiClient(outputs["ApiUrl"], local_stack.mint_token(["other/read"]))

    assert elsewhere.get("users", "123456789", "services").status == 403


def test_unknown_user_is_404_and_invalid_user_id_is_422(api: ApiClient) -> None:
    unknown = api.get("users", "never-logged-in", "services")
    invalid = api.get("users", "not a valid id!", "services")

    assert unknown.status == 404
    assert "never-logged-in" in unknown.message
    assert invalid.status == 422
    assert "user_id" in json.dumps(invalid.body)


def test_only_the_documented_route_reaches_the_function(
    endpoints: Endpoints, outputs: dict[str, str]
) -> None:
    client = ApiClient(outputs["ApiUrl"], endpoints.token)

    assert client.get("users", "123456789").status == 404
    assert client.post("users", "123456789", "services", body={}).status == 404


def test_twenty_concurrent_senders_for_one_user_lose_no_service(
    aws: Any, api: ApiClient, outputs: dict[str, str]
) -> None:
    events = [
        {
            "user_id": "concurrent-user",
            "service_id": f"rp-{index:02d}",
            "service_name": f"Relying party {index}",
            "timestamp": f"2026-11-21T10:{index:02d}:00Z",
        }
        for index in range(20)
    ]

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(lambda event: _send(aws, outputs, event), events))
    record = _services(api, "concurrent-user", 20)

    assert [service["service_id"] for service in record["services"]] == [
        f"rp-{index:02d}" for index in reversed(range(20))
    ]


def test_out_of_order_and_replayed_events_never_move_last_accessed_backwards(
    aws: Any, api: ApiClient, outputs: dict[str, str]
) -> None:
    newest = {
        "user_id": "late-user",
        "service_id": "portal",
        "service_name": "Portal (new name)",
        "timestamp": "2026-11-21T12:00:00+01:00",
    }
    older = {**newest, "service_name": "Portal (old name)", "timestamp": "2026-11-01T00:00:00Z"}
    marker = {**newest, "service_id": "marker", "timestamp": "2026-10-01T00:00:00Z"}

    _send(aws, outputs, newest)
    _services(api, "late-user", 1)
    for event in (older, newest, marker):
        _send(aws, outputs, event)
    record = _services(api, "late-user", 2)

    assert record["services"][0] == {
        "service_id": "portal",
        "service_name": "Portal (new name)",
        "last_accessed": "2026-11-21T11:00:00Z",
    }


def test_a_poison_message_lands_in_the_dlq_with_its_reason_and_the_batch_goes_on(
    aws: Any, api: ApiClient, outputs: dict[str, str]
) -> None:
    poison = {**SEED_EVENT, "user_id": "poison-user", "timestamp": "2026-11-21 10:00:00"}
    good = {**SEED_EVENT, "user_id": "poison-neighbour"}
    sqs = aws("sqs")
    sqs.send_message_batch(
        QueueUrl=outputs["EventsQueueUrl"],
        Entries=[
            {"Id": "poison", "MessageBody": json.dumps(poison)},
            {"Id": "good", "MessageBody": json.dumps(good)},
        ],
    )

    _services(api, "poison-neighbour", 1)

    def poison_in_dlq() -> dict[str, Any] | None:
        answer = sqs.receive_message(
            QueueUrl=outputs["DeadLetterQueueUrl"],
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
            WaitTimeSeconds=1,
        )
        for message in answer.get("Messages", []):
            if json.loads(message["Body"]).get("user_id") == "poison-user":
                return dict(message)
        return None

    message = eventually(poison_in_dlq)
    reason = message["MessageAttributes"]["failure_reason"]["StringValue"]
    assert "timestamp" in reason
    assert json.loads(message["Body"]) == poison
    assert api.get("users", "poison-user", "services").status == 404


def test_the_cli_sends_an_event_and_shows_the_users_services(
    local_stack: LocalStack, api: ApiClient
) -> None:
    state = ["--state-dir", str(local_stack.options.state_dir)]
    runner = CliRunner()

    sent = runner.invoke(
        app,
        [
            "logins",
            "send",
            "cli-user",
            "wiki",
            "Team wiki",
            "--timestamp",
            "2026-11-21T09:00:00Z",
            *state,
        ],
    )
    assert sent.exit_code == 0, sent.output
    _services(api, "cli-user", 1)
    shown = runner.invoke(app, ["logins", "show", "cli-user", "--json", *state])
    refused = runner.invoke(
        app, ["logins", "send", "cli-user", "wiki", "--timestamp", "yesterday", *state]
    )

    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["services"] == [
        {"service_id": "wiki", "service_name": "Team wiki", "last_accessed": "2026-11-21T09:00:00Z"}
    ]
    assert refused.exit_code == 1
    assert "timestamp" in refused.output
