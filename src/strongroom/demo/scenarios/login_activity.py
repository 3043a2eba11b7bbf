"""Login activity: login events on SQS become each user's services, read through the API."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from strongroom.demo.narration import Narrator, check, wait_for
from strongroom.local.api_client import ApiClient, ApiResponse
from strongroom.local.stack import LocalStack

SYSTEM = "login_activity"
SEED_EVENT = {
    "user_id": "123456789",
    "service_id": "abcdef",
    "service_name": "A service name",
    "timestamp": "2022-08-04T08:50:39Z",
}
CONCURRENT_SENDERS = 20


class _Logins:
    def __init__(self, stack: LocalStack) -> None:
        assert stack.endpoints is not None
        outputs = next(item.outputs for item in stack.stacks if item.system == SYSTEM)
        self.stack = stack
        self.sqs = stack.client("sqs")
        self.queue_url = outputs["EventsQueueUrl"]
        self.dlq_url = outputs["DeadLetterQueueUrl"]
        self.api_url = outputs["ApiUrl"]
        self.api = ApiClient(self.api_url, stack.mint_token(["login_activity/read"]))

    def send(self, body: dict[str, Any] | str) -> None:
        text = body if isinstance(body, str) else json.dumps(body)
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=text)

    def services(self, user_id: str) -> ApiResponse:
        return self.api.get("users", user_id, "services")

    def await_services(self, user_id: str, expected: int) -> dict[str, Any]:
        def enough() -> dict[str, Any] | None:
            answer = self.services(user_id)
            if answer.status == 200 and len(answer.body["services"]) >= expected:
                return dict(answer.body)
            return None

        return wait_for(enough, what=f"{expected} services for user {user_id}")


def login_activity_scenario(stack: LocalStack, narrator: Narrator) -> None:
    narrator.chapter(
        SYSTEM,
        "Login activity (seed 001)",
        "Login events arrive on the events queue; ingest merges them into one item per user "
        "(one conditional write per user per batch); the query API, behind a JWT authorizer, "
        "returns the services a user logged in to, newest first.",
    )
    logins = _Logins(stack)
    _seed_event(narrator, logins)
    _concurrent_and_out_of_order(narrator, logins)
    _poison_message(narrator, logins)
    _api_guards(narrator, logins)


def _seed_event(narrator: Narrator, logins: _Logins) -> None:
    with narrator.step("The seed's sample event is stored in the seed's shape"):
        logins.send(SEED_EVENT)
        record = logins.await_services("123456789", 1)
        expected = {
            "user_id": "123456789",
            "services": [
                {key: SEED_EVENT[key] for key in ("service_id", "service_name")}
                | {"last_accessed": SEED_EVENT["timestamp"]}
            ],
        }
        check(record == expected, f"unexpected record {record}")
        narrator.say(f"GET {logins.api_url}/users/123456789/services answered:")
        narrator.run(logins.stack.options.state_dir, "logins", "show", "123456789")
    with narrator.step("Replaying the same event changes nothing"):
        logins.send(SEED_EVENT)
        logins.send(
            {
                **SEED_EVENT,
                "service_id": "ghijkl",
                "service_name": "Another service",
                "timestamp": "2022-07-03T10:23:45Z",
            }
        )
        record = logins.await_services("123456789", 2)
        check(
            record["services"][0]["last_accessed"] == SEED_EVENT["timestamp"]
            and len(record["services"]) == 2,
            f"unexpected record after the replay {record}",
        )


def _concurrent_and_out_of_order(narrator: Narrator, logins: _Logins) -> None:
    user = "auth0|alice"
    with narrator.step(f"{CONCURRENT_SENDERS} concurrent senders for one user lose no service"):
        events = [
            {
                "user_id": user,
                "service_id": f"rp-{index:02d}",
                "service_name": f"Relying party {index}",
                "timestamp": f"2026-11-0{1 + index % 9}T09:{index:02d}:00Z",
            }
            for index in range(CONCURRENT_SENDERS)
        ]
        with ThreadPoolExecutor(max_workers=CONCURRENT_SENDERS) as pool:
            list(pool.map(logins.send, events))
        record = logins.await_services(user, CONCURRENT_SENDERS)
        stored = {service["service_id"] for service in record["services"]}
        check(stored == {event["service_id"] for event in events}, f"services lost: {stored}")
        newest_first = [service["last_accessed"] for service in record["services"]]
        check(newest_first == sorted(newest_first, reverse=True), "services not newest first")
    with narrator.step("An older event arriving late moves nothing backwards; newest name wins"):
        logins.send(
            {
                "user_id": user,
                "service_id": "rp-00",
                "service_name": "Portal (renamed)",
                "timestamp": "2026-11-20T12:00:00Z",
            }
        )
        logins.send(
            {
                "user_id": user,
                "service_id": "rp-00",
                "service_name": "Portal (old name)",
                "timestamp": "2025-01-01T00:00:00Z",
            }
        )

        def renamed() -> dict[str, Any] | None:
            body = logins.services(user).body
            first = body["services"][0]
            return first if first["service_name"] == "Portal (renamed)" else None

        first = wait_for(renamed, what="the renamed service first")
        check(first["last_accessed"] == "2026-11-20T12:00:00Z", f"moved backwards: {first}")
        narrator.run(logins.stack.options.state_dir, "logins", "show", user)


def _poison_message(narrator: Narrator, logins: _Logins) -> None:
    with narrator.step("A poison message lands in the DLQ with its reason; its batch goes on"):
        logins.send("this is not JSON")
        logins.send(
            {
                "user_id": "bob",
                "service_id": "wiki",
                "service_name": "Wiki",
                "timestamp": "2026-11-21 08:00:00",
            }
        )
        logins.send(
            {
                "user_id": "bob",
                "service_id": "mail",
                "service_name": "Mail",
                "timestamp": "2026-11-21T08:00:00+01:00",
            }
        )
        record = logins.await_services("bob", 1)
        check(
            [service["service_id"] for service in record["services"]] == ["mail"],
            f"unexpected record for bob {record}",
        )
        check(
            record["services"][0]["last_accessed"] == "2026-11-21T07:00:00Z",
            "timestamp not normalised to UTC",
        )
        reasons = _dead_letters(logins, 2)
        for body, reason in reasons:
            narrator.say(f"DLQ: {body[:60]!r} -> {reason}")


def _dead_letters(logins: _Logins, count: int) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []

    def received() -> list[tuple[str, str]] | None:
        answer = logins.sqs.receive_message(
            QueueUrl=logins.dlq_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageAttributeNames=["All"],
        )
        for message in answer.get("Messages", []):
            reason = message.get("MessageAttributes", {}).get("failure_reason", {})
            found.append((message["Body"], str(reason.get("StringValue", "(no reason)"))))
            logins.sqs.delete_message(
                QueueUrl=logins.dlq_url, ReceiptHandle=message["ReceiptHandle"]
            )
        return found if len(found) >= count else None

    result = wait_for(received, what=f"{count} messages in the dead-letter queue")
    check(all(reason != "(no reason)" for _, reason in result), f"a reason is missing: {result}")
    return result


def _api_guards(narrator: Narrator, logins: _Logins) -> None:
    with narrator.step("The API refuses: no token 401, wrong scope 403; 404 and 422 explain"):
        answers = {
            "no token": ApiClient(logins.api_url, "").get("users", "123456789", "services"),
            "token without login_activity/read": ApiClient(
                logins.api_url, logins.stack.mint_token(["other/scope"])
            ).get("users", "123456789", "services"),
            "unknown user": logins.services("nobody"),
            "invalid user id": logins.services("bad user id!"),
        }
        statuses = {case: answer.status for case, answer in answers.items()}
        expected = {
            "no token": 401,
            "token without login_activity/read": 403,
            "unknown user": 404,
            "invalid user id": 422,
        }
        check(statuses == expected, f"unexpected statuses {statuses}")
        for case, answer in answers.items():
            narrator.say(f"{case}: HTTP {answer.status} {answer.message[:100]}")
