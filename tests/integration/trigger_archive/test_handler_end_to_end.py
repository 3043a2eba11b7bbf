"""The function end to end: moto's S3 and Secrets Manager, the DEX API on respx, Mediant on SQLite.

Only the adapters' far ends are stand-ins; the wiring reads the secrets, builds the engine and the
OAuth2 session, and the run writes to the versioned bucket as on AWS.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import respx
from aws_lambda_powertools.utilities import parameters

from strongroom.trigger_archive.domain import ArchiveRunFailed, ClientListUnavailable
from strongroom.trigger_archive.handlers import archive
from tests.integration.trigger_archive.conftest import BUCKET, put_secret
from tests.integration.trigger_archive.dex_standin import (
    BASE_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    TOKEN_URL,
    DexStandIn,
    raw,
    status,
)
from tests.support.lambda_context import FakeLambdaContext
from tests.support.mediant import mediant_database
from tests.support.powertools_output import captured_logs

pytestmark = pytest.mark.integration

# ClientID, name, OAuth2ClientCredentialsID, services: 1, 2 and 5 are selected.
CLIENTS = [
    (1, "Acme", 11, [2, 8]),
    (2, "Globex", 12, [3]),
    (3, "Initech", None, [2]),
    (4, "Umbrella", 14, [9]),
    (5, "Hooli", 15, [5]),
]
SELECTED = [1, 2, 5]
DAY = "2026-12-03"


def _mediant(path: Path) -> str:
    mediant_database(path, CLIENTS).dispose()
    return f"sqlite:///{path}"


@pytest.fixture
def dex(
    bucket: str,
    secretsmanager: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[DexStandIn]:
    parameters.clear_caches()
    put_secret(
        secretsmanager,
        "dex-archive/db-credentials",
        {
            "host": "localhost",
            "username": "u",
            "password": "p",
            "database": "Mediant",
            "port": 1433,
            "engine_url": _mediant(tmp_path / "mediant.db"),
        },
    )
    put_secret(
        secretsmanager,
        "dex-archive/api-credentials",
        {"token_url": TOKEN_URL, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )
    for name, value in {
        "BUCKET_NAME": bucket,
        "DB_SECRET_NAME": "dex-archive/db-credentials",
        "API_SECRET_NAME": "dex-archive/api-credentials",
        "DEX_API_BASE_URL": BASE_URL,
        "MAX_CONCURRENCY": "4",
    }.items():
        monkeypatch.setenv(name, value)
    stand_in = DexStandIn()
    with respx.mock(assert_all_called=False) as router:
        stand_in.install(router)
        yield stand_in
    parameters.clear_caches()


def _invoke(event: dict[str, Any]) -> dict[str, Any]:
    return archive.handler(event, FakeLambdaContext(remaining_millis=900_000))  # type: ignore[arg-type]


def _trigger_keys(s3: Any) -> list[str]:
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="trigger/").get("Contents", [])
    return sorted(entry["Key"] for entry in listed)


def test_the_seeds_invocation_archives_exactly_the_selected_clients(
    dex: DexStandIn, s3: Any
) -> None:
    response = _invoke({"trigger_date": DAY})

    assert response["statusCode"] == 200
    body = response["body"]
    assert (body["total_clients"], body["successful_archives"], body["failed_archives"]) == (
        3,
        3,
        0,
    )
    assert _trigger_keys(s3) == [f"trigger/{n}/{n}_trigger_20261203.json" for n in SELECTED]
    assert dex.tokens_issued == 1
    reports = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"runs/{DAY}/")["Contents"]
    report = json.loads(s3.get_object(Bucket=BUCKET, Key=reports[0]["Key"])["Body"].read())
    assert report["status_code"] == 200


def test_a_failing_client_answers_207_and_the_others_are_archived(dex: DexStandIn, s3: Any) -> None:
    dex.script(2, status(404))

    response = _invoke({"trigger_date": DAY})

    assert response["statusCode"] == 207
    assert [(error["client_id"], error["client_name"]) for error in response["body"]["errors"]] == [
        (2, "Globex")
    ]
    assert _trigger_keys(s3) == [
        "trigger/1/1_trigger_20261203.json",
        "trigger/5/5_trigger_20261203.json",
    ]


def test_a_rerun_archives_only_what_is_missing_and_versions_what_changed(
    dex: DexStandIn, s3: Any
) -> None:
    dex.script(2, status(404))
    _invoke({"trigger_date": DAY})

    rerun = _invoke({"trigger_date": DAY})

    body = rerun["body"]
    assert rerun["statusCode"] == 200
    assert (body["successful_archives"], body["unchanged"], body["changed"]) == (3, 2, 0)
    versions = s3.list_object_versions(Bucket=BUCKET, Prefix="trigger/")["Versions"]
    assert len(versions) == 3


def test_every_client_failing_fails_the_invocation(dex: DexStandIn, s3: Any) -> None:
    for client_id in SELECTED:
        dex.script(client_id, status(403))

    with pytest.raises(ArchiveRunFailed):
        _invoke({"trigger_date": DAY})

    assert _trigger_keys(s3) == []


def test_an_unreachable_database_fails_the_invocation(
    dex: DexStandIn, secretsmanager: Any, tmp_path: Path
) -> None:
    del dex
    secretsmanager.put_secret_value(
        SecretId="dex-archive/db-credentials",
        SecretString=json.dumps({"engine_url": f"sqlite:///{tmp_path / 'gone' / 'x.db'}"}),
    )
    parameters.clear_caches()

    with pytest.raises(ClientListUnavailable):
        _invoke({})


def test_a_changed_response_becomes_a_second_version(dex: DexStandIn, s3: Any) -> None:
    _invoke({"trigger_date": DAY})
    dex.script(1, raw(b'{"clientId": 1, "triggers": ["new"]}'))

    rerun = _invoke({"trigger_date": DAY, "client_ids": [1]})

    assert (rerun["body"]["total_clients"], rerun["body"]["changed"]) == (1, 1)
    key = "trigger/1/1_trigger_20261203.json"
    assert len(s3.list_object_versions(Bucket=BUCKET, Prefix=key)["Versions"]) == 2


def test_no_secret_or_token_reaches_the_logs(
    dex: DexStandIn, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    # The HTTP, OAuth2 and retry libraries at their most verbose (botocore's DEBUG log prints
    # response bodies, GetSecretValue's too: it stays at its default level, as on Lambda).
    for library in ("httpx", "httpcore", "authlib", "stamina", "sqlalchemy"):
        caplog.set_level(logging.DEBUG, logger=library)
    dex.rejected_tokens.add("token-1")  # a 401 and a token replacement on the way
    dex.script(2, status(503), status(404))

    with captured_logs() as powertools_log:
        _invoke({"trigger_date": DAY})

    written = caplog.text + powertools_log.getvalue() + capsys.readouterr().out
    assert "Globex" in powertools_log.getvalue()  # the failure is logged...
    for secret in (CLIENT_SECRET, "token-1", "token-2", "Bearer", "Basic "):
        assert secret not in written  # ...never a credential
