"""The result's counts and the status rule: 200 only when every client is in S3."""

from __future__ import annotations

from datetime import date

from strongroom.trigger_archive.domain import Client, Outcome, RunResult, RunTally

DAY = date(2026, 12, 3)


def _result(*outcomes: Outcome) -> RunResult:
    tally = RunTally()
    for number, outcome in enumerate(outcomes, start=1):
        error = "HTTP 404 refused (4xx)" if outcome is Outcome.FAILED else None
        tally.record(Client(id=number, name=f"client {number}"), outcome, error)
    return tally.result(trigger_date=DAY, run_id="run-1", duration_s=1.23456)


def test_successful_archives_count_every_client_whose_response_is_in_s3() -> None:
    result = _result(Outcome.ARCHIVED, Outcome.UNCHANGED, Outcome.CHANGED, Outcome.FAILED)

    assert result.total_clients == 4
    assert result.successful_archives == 3
    assert (result.archived, result.unchanged, result.changed) == (1, 1, 1)
    assert result.failed_archives == 1


def test_every_client_archived_is_200() -> None:
    assert _result(Outcome.ARCHIVED, Outcome.UNCHANGED, Outcome.CHANGED).status_code == 200


def test_a_failed_client_makes_it_207() -> None:
    assert _result(Outcome.ARCHIVED, Outcome.FAILED).status_code == 207


def test_a_client_not_attempted_makes_it_207() -> None:
    assert _result(Outcome.ARCHIVED, Outcome.NOT_ATTEMPTED).status_code == 207


def test_nothing_archived_when_every_attempted_client_failed() -> None:
    assert _result(Outcome.FAILED, Outcome.FAILED).nothing_archived
    assert _result(Outcome.FAILED, Outcome.NOT_ATTEMPTED).nothing_archived
    assert not _result(Outcome.FAILED, Outcome.UNCHANGED).nothing_archived


def test_no_clients_selected_is_an_empty_200_not_a_failure() -> None:
    result = _result()

    assert result.status_code == 200
    assert not result.nothing_archived


def test_only_failures_are_listed_with_the_seeds_fields() -> None:
    result = _result(Outcome.ARCHIVED, Outcome.FAILED, Outcome.NOT_ATTEMPTED)

    assert [error.model_dump() for error in result.errors] == [
        {"client_id": 2, "client_name": "client 2", "error": "HTTP 404 refused (4xx)"}
    ]


def test_the_body_keeps_the_seeds_fields_first() -> None:
    body = _result(Outcome.ARCHIVED).model_dump(mode="json")

    assert list(body)[:4] == [
        "total_clients",
        "successful_archives",
        "failed_archives",
        "errors",
    ]
    assert body["trigger_date"] == "2026-12-03"
    assert body["run_id"] == "run-1"
    assert body["duration_s"] == 1.235
