"""The front door's cost per pass-through request (anything but Lambda's Invoke API).

Two servers in one process share moto's backends: one serves moto's WSGI application bare, the
other serves it behind :class:`~strongroom.local.front_door.middleware.FrontDoor`, as the
stack's emulator does. The same boto3 calls (S3 HeadObject, DynamoDB GetItem) go to each in
alternating rounds, so drift on a shared machine hits both alike; each round pairs the two
(front door / bare), and the median of those paired ratios is reported with its quartiles.
Then the middleware alone, in-process around a WSGI application that does nothing, shows what
it adds without HTTP, boto3 or moto around it.

Run: ``python -m benchmarks front_door`` (about 30 seconds).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any, Final
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import boto3

from benchmarks.machine import describe
from strongroom.local.emulator import LOCAL_CREDENTIALS, WsgiServer, moto_application
from strongroom.local.front_door.middleware import FrontDoor

REGION: Final = "eu-west-1"
BUCKET: Final = "front-door-bench"
TABLE: Final = "front-door-bench"
ROUNDS: Final = 24
CALLS_PER_ROUND: Final = 50
IN_PROCESS_CALLS: Final = 200_000


def _client(service: str, url: str) -> Any:
    return boto3.session.Session().client(
        service,  # type: ignore[call-overload]
        endpoint_url=url,
        region_name=REGION,
        **LOCAL_CREDENTIALS,
    )


def _seed(url: str) -> None:
    s3 = _client("s3", url)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket=BUCKET, Key="object", Body=b"x" * 1024)
    dynamodb = _client("dynamodb", url)
    dynamodb.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )
    dynamodb.put_item(TableName=TABLE, Item={"id": {"S": "item"}, "value": {"S": "x" * 100}})


def _calls(url: str) -> dict[str, Callable[[], object]]:
    s3, dynamodb = _client("s3", url), _client("dynamodb", url)
    return {
        "S3 HeadObject": lambda: s3.head_object(Bucket=BUCKET, Key="object"),
        "DynamoDB GetItem": lambda: dynamodb.get_item(TableName=TABLE, Key={"id": {"S": "item"}}),
    }


def _seconds_per_call(call: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls


def _over_http() -> list[tuple[str, float, float, list[float]]]:
    """(operation, bare ms per request, behind the front door ms per request, paired ratios)."""
    bare = WsgiServer(moto_application())
    behind = WsgiServer(FrontDoor(moto_application()))
    try:
        _seed(bare.url)
        targets = {"bare": _calls(bare.url), "front door": _calls(behind.url)}
        rows = []
        for operation in targets["bare"]:
            for target in targets.values():  # warm up both: clients, connections, moto
                _seconds_per_call(target[operation], 50)
            rounds: dict[str, list[float]] = {name: [] for name in targets}
            for index in range(ROUNDS):
                order = list(targets) if index % 2 == 0 else list(reversed(targets))
                for name in order:
                    seconds = _seconds_per_call(targets[name][operation], CALLS_PER_ROUND)
                    rounds[name].append(seconds)
            bare_ms = statistics.median(rounds["bare"]) * 1000
            behind_ms = statistics.median(rounds["front door"]) * 1000
            pairs = zip(rounds["bare"], rounds["front door"], strict=True)
            ratios = [behind / bare for bare, behind in pairs]
            rows.append((operation, bare_ms, behind_ms, ratios))
        return rows
    finally:
        bare.stop()
        behind.stop()


def _nothing(_environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [])
    return [b""]


def _in_process() -> tuple[float, float]:
    """(bare, behind the front door) microseconds per call of an application that does nothing."""
    environ: WSGIEnvironment = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
    }

    def start_response(*_: Any) -> None:
        return None

    def per_call(application: WSGIApplication) -> float:
        def call() -> object:
            return application(environ, start_response)  # type: ignore[arg-type]

        return min(_seconds_per_call(call, IN_PROCESS_CALLS) for _ in range(3)) * 1e6

    return per_call(_nothing), per_call(FrontDoor(_nothing))


def run() -> str:
    http_rows = _over_http()
    bare_us, behind_us = _in_process()
    lines = [
        f"front door, pass-through requests; machine: {describe()}",
        f"over HTTP with boto3: median of {ROUNDS} alternating rounds of {CALLS_PER_ROUND} calls",
        "",
        "| request | bare moto | behind the front door | ratio, median of rounds (quartiles) |",
        "|---|---|---|---|",
    ]
    for operation, bare_ms, behind_ms, ratios in http_rows:
        low, median, high = statistics.quantiles(ratios, n=4)
        lines.append(
            f"| {operation} | {bare_ms:.2f} ms | {behind_ms:.2f} ms "
            f"| {median:.3f} ({low:.3f}-{high:.3f}) |"
        )
    lines.append(
        f"| in-process, around a WSGI app that does nothing ({IN_PROCESS_CALLS:,} calls) "
        f"| {bare_us:.2f} µs | {behind_us:.2f} µs | +{behind_us - bare_us:.2f} µs a request |"
    )
    return "\n".join(lines)
