"""What ``strongroom triggers`` shows: runs per day, failed clients, archived objects."""

from __future__ import annotations

from datetime import UTC, date, datetime

from strongroom.cli.triggers_store import ArchivedObject, ArchivedResponse, ObjectVersion
from strongroom.cli.triggers_views import (
    client_errors_table,
    day_counts,
    invocation_errors_table,
    objects_json,
    objects_table,
    response_json,
    response_view,
    run_report,
)
from strongroom.trigger_archive.public import ClientError
from tests.unit.cli_triggers.support import day_run, failed_run, rendered

DAY = date(2026, 12, 3)
SHA = "ab" * 32
MODIFIED = datetime(2026, 12, 3, 20, 31, 5, tzinfo=UTC)


def cells(text: str, day: str) -> list[str]:
    row = next(line for line in text.splitlines() if line.startswith(f"│ {day}"))
    return [cell.strip() for cell in row.split("│")[1:-1]]


def test_counts_split_successes_into_archived_unchanged_changed() -> None:
    run = day_run(DAY, unchanged=3, changed=1, not_attempted=2,
                  errors=[ClientError(client_id=5, client_name="E", error="x")])  # fmt: skip

    assert day_counts(run.body) == {
        "total": 8,
        "archived": 1,
        "unchanged": 3,
        "changed": 1,
        "failed": 1,
        "not attempted": 2,
    }
    assert day_counts({"errorMessage": "boom"}) is None


def test_a_run_row_per_day_with_status_counts_and_the_functions_duration() -> None:
    failure = ClientError(client_id=1005, client_name="Eastgate Financial", error="HTTP 500")
    runs = [
        day_run(DAY, unchanged=2, duration_s=12.34),
        day_run(date(2026, 12, 4), 207, errors=[failure]),
        failed_run(date(2026, 12, 5), "trigger archive 2026-12-05: none of 8 clients archived"),
    ]

    text = rendered(run_report(runs))

    assert cells(text, "2026-12-03") == [
        "2026-12-03", "200 all archived", "8", "6", "2", "0", "0", "0", "12.3 s",
    ]  # fmt: skip
    assert cells(text, "2026-12-04")[:8] == [
        "2026-12-04", "207 some clients failed", "8", "7", "0", "0", "1", "0",
    ]  # fmt: skip
    assert cells(text, "2026-12-05") == [
        "2026-12-05", "invocation failed", "-", "-", "-", "-", "-", "-", "3.5 s",
    ]  # fmt: skip
    assert "failed clients" in text
    assert "failed invocations" in text
    assert "ArchiveRunFailed: trigger archive 2026-12-05: none of 8 clients archived" in text


def test_failed_clients_are_listed_per_day() -> None:
    failure = ClientError(client_id=1005, client_name="Eastgate [Financial]", error="HTTP 500")
    table = client_errors_table([day_run(DAY, 207, errors=[failure]), day_run(DAY)])

    assert table is not None
    assert table.row_count == 1
    assert cells(rendered(table), "2026-12-03") == [
        "2026-12-03", "1005", "Eastgate [Financial]", "HTTP 500",
    ]  # fmt: skip


def test_no_error_tables_when_everything_was_archived() -> None:
    runs = [day_run(DAY)]

    assert client_errors_table(runs) is None
    assert invocation_errors_table(runs) is None
    text = rendered(run_report(runs))
    assert "failed clients" not in text
    assert "failed invocations" not in text


def test_a_day_without_a_date_is_labelled_today_until_the_function_answers() -> None:
    text = rendered(run_report([failed_run(None, "client list unavailable")]))

    assert "today" in text
    assert "client list unavailable" in text


def archived(client_id: int, versions: int = 1) -> ArchivedObject:
    key = f"trigger/{client_id}/{client_id}_trigger_20261203.json"
    return ArchivedObject(client_id, key, 1234, versions, MODIFIED, SHA)


def test_objects_table_and_json() -> None:
    objects = [archived(1001, versions=2), ArchivedObject(1002, "k", 5, 1, MODIFIED, None)]

    text = rendered(objects_table("2026-12-03", objects))

    assert cells(text, "1001") == [
        "1001", "trigger/1001/1001_trigger_20261203.json", "1,234 B", "2",
        "2026-12-03 20:31:05", "abababababababab…",
    ]  # fmt: skip
    assert cells(text, "1002")[-1] == "-"
    assert objects_json(objects)[0] == {
        "client_id": 1001,
        "key": "trigger/1001/1001_trigger_20261203.json",
        "size": 1234,
        "versions": 2,
        "last_modified": "2026-12-03T20:31:05+00:00",
        "sha256": SHA,
    }


def response(body: bytes = b'{"clientId": 1001, "triggers": [1, 2]}') -> ArchivedResponse:
    return ArchivedResponse(
        bucket="bucket",
        key="trigger/1001/1001_trigger_20261203.json",
        version_id="v2",
        metadata={
            "client-id": "1001",
            "trigger-date": "2026-12-03",
            "archived-at": "2026-12-03T20:31:05.123Z",
            "sha256": SHA,
        },
        content_type="application/json",
        size=len(body),
        versions=[
            ObjectVersion("v2", MODIFIED, len(body), is_latest=True),
            ObjectVersion("v1", datetime(2026, 12, 2, tzinfo=UTC), 30, is_latest=False),
        ],
        body=body,
    )


def test_a_response_as_json_has_its_metadata_versions_and_body() -> None:
    shown = response_json(response())

    assert shown["client_id"] == "1001"
    assert shown["trigger_date"] == "2026-12-03"
    assert shown["archived_at"] == "2026-12-03T20:31:05.123Z"
    assert shown["sha256"] == SHA
    assert shown["version_id"] == "v2"
    assert [version["version_id"] for version in shown["versions"]] == ["v2", "v1"]
    assert shown["body"] == {"clientId": 1001, "triggers": [1, 2]}


def test_a_response_view_pretty_prints_the_body() -> None:
    text = rendered(response_view(response()))

    assert "archived at 2026-12-03T20:31:05.123Z" in " ".join(text.split())
    assert f"sha256 {SHA}" in " ".join(text.split())
    assert "current, shown" in text
    assert '"clientId": 1001' in text
    assert '"triggers": [\n' in text


def test_a_body_that_is_not_json_is_shown_as_text() -> None:
    item = response(b"<html>oops</html>")

    assert response_json(item)["body"] == "<html>oops</html>"
    assert "<html>oops</html>" in rendered(response_view(item))
