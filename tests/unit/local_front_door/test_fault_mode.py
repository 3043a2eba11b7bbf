"""Fault mode as WSGI middleware: only workload-signed calls are faulted; an ``after`` fault lets
the call take effect and loses its answer."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

from strongroom.local.front_door.fault_mode import FaultMode
from strongroom.local.front_door.fault_rules import FaultConfig
from strongroom.local.front_door.workload_keys import WORKLOAD_KEY as WORKLOAD
from strongroom.local.front_door.workload_keys import workload_key

PUT_ITEM = "DynamoDB_20120810.PutItem"


class _Moto:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        self.calls += 1
        start_response("200 OK", [("Content-Type", "application/json")])
        if "/sts/" in environ["HTTP_AUTHORIZATION"]:
            return [b"<Credentials><AccessKeyId>ASIAISSUED</AccessKeyId></Credentials>"]
        return [b"{}"]


def _request(
    mode: FaultMode, key: str, target: str = PUT_ITEM, service: str = "dynamodb"
) -> tuple[str, bytes]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "HTTP_X_AMZ_TARGET": target,
        "HTTP_AUTHORIZATION": (
            f"AWS4-HMAC-SHA256 Credential={key}/20261203/eu-west-1/{service}/aws4_request, "
            "SignedHeaders=host, Signature=abc"
        ),
        "wsgi.input": io.BytesIO(b"{}"),
    }
    statuses: list[str] = []
    body = b"".join(mode(environ, lambda status, _headers: statuses.append(status)))
    return statuses[0], body


def _mode(moto: _Moto, *rules: dict[str, object]) -> FaultMode:
    mode = FaultMode(moto, log=lambda _line: None)
    mode.configure(FaultConfig.model_validate({"rules": rules}))
    return mode


def test_only_workload_signed_calls_are_faulted() -> None:
    moto = _Moto()
    mode = _mode(moto, {"service": "dynamodb", "error": "throttle"})

    stack_status, _ = _request(mode, "local")
    workload_status, body = _request(mode, WORKLOAD)

    assert stack_status == "200 OK"
    assert workload_status == "400 Bad Request"
    assert b"ProvisionedThroughputExceededException" in body
    assert moto.calls == 1
    assert mode.status()["rules"][0]["seen"] == 1


def test_a_before_fault_never_reaches_moto_and_an_after_fault_does() -> None:
    before, after = _Moto(), _Moto()

    before_status, _ = _request(_mode(before, {"error": "5xx"}), WORKLOAD)
    after_status, _ = _request(_mode(after, {"error": "5xx", "phase": "after"}), WORKLOAD)

    assert (before_status, before.calls) == ("500 Internal Server Error", 0)
    assert (after_status, after.calls) == ("500 Internal Server Error", 1)


def test_other_operations_and_cleared_rules_pass_through() -> None:
    moto = _Moto()
    mode = _mode(moto, {"service": "dynamodb", "operation": "PutItem", "error": "5xx"})

    other, _ = _request(mode, WORKLOAD, "DynamoDB_20120810.GetItem")
    mode.configure(None)
    cleared, _ = _request(mode, WORKLOAD)

    assert (other, cleared, moto.calls) == ("200 OK", "200 OK", 2)
    assert mode.status() == {"seed": None, "rules": []}


def test_keys_sts_issues_to_a_workload_are_the_workloads_too() -> None:
    moto = _Moto()
    mode = FaultMode(moto, log=lambda _line: None)
    mode.configure(None)  # learned even while fault mode is off
    _request(mode, workload_key("packer"), "AssumeRole", service="sts")
    rule = {"service": "dynamodb", "principal": "packer", "error": "5xx"}
    mode.configure(FaultConfig.model_validate({"rules": [rule]}))

    assumed, _ = _request(mode, "ASIAISSUED")
    stack, _ = _request(mode, "local")

    assert (assumed, stack) == ("500 Internal Server Error", "200 OK")


def test_a_rule_with_a_principal_faults_only_that_workloads_calls() -> None:
    moto = _Moto()
    mode = _mode(moto, {"service": "dynamodb", "principal": "ingest", "error": "throttle"})

    ingest, _ = _request(mode, workload_key("ingest"))
    query, _ = _request(mode, workload_key("query"))
    unnamed, _ = _request(mode, WORKLOAD)

    assert (ingest, query, unnamed) == ("400 Bad Request", "200 OK", "200 OK")
    assert mode.status()["rules"][0]["seen"] == 1
