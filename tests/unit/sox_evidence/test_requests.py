"""The run's event: the seed's invoke payload, a CLI request, or the monthly schedule."""

from __future__ import annotations

import pytest

from strongroom.sox_evidence.domain.requests import InvalidRunRequest, parse_run_request

FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:SOXAuto-PG01"


def test_the_seeds_payloads_are_invocations_by_the_caller() -> None:
    with_cutoff = parse_run_request({"cutoff_date": "2024-01-01"}, FUNCTION)
    empty = parse_run_request({}, FUNCTION)

    assert (with_cutoff.trigger, with_cutoff.cutoff_date) == ("invoke", "2024-01-01")
    assert (empty.cutoff_date, empty.ipe_ids, empty.requester) == (None, None, FUNCTION)


def test_the_cli_names_itself_the_requester_and_the_ipes() -> None:
    request = parse_run_request(
        {"trigger": "cli", "requester": "alice", "ipe_ids": ["IPE_07"]}, FUNCTION
    )

    assert (request.trigger, request.requester, request.ipe_ids) == ("cli", "alice", ("IPE_07",))


def test_a_request_may_say_where_its_ipes_run_and_a_schedule_follows_the_catalog() -> None:
    asked = parse_run_request({"ipe_ids": ["IPE_07"], "runs_on": "container"}, FUNCTION)
    scheduled = parse_run_request({"source": "aws.events", "resources": ["rule"]}, FUNCTION)

    assert asked.runs_on == "container"
    assert parse_run_request({}, FUNCTION).runs_on is None
    assert scheduled.runs_on is None


def test_a_scheduled_event_runs_the_default_cutoff_for_its_rule() -> None:
    rule = "arn:aws:events:eu-west-1:123456789012:rule/SOXAuto-Monthly-Execution"
    event = {
        "source": "aws.events",
        "detail-type": "Scheduled Event",
        "resources": [rule],
        "detail": {},
    }

    request = parse_run_request(event, FUNCTION)

    assert (request.trigger, request.requester, request.cutoff_date) == ("schedule", rule, None)


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"cutof_date": "2024-01-01"}, "cutof_date"),
        ({"ipe_ids": []}, "ipe_ids"),
        ({"trigger": "schedule"}, "trigger"),
        ({"runs_on": "fargate"}, "runs_on"),
        ([1, 2], "event"),
    ],
)
def test_a_bad_event_is_refused_naming_the_field(event: object, field: str) -> None:
    with pytest.raises(InvalidRunRequest) as raised:
        parse_run_request(event, FUNCTION)

    assert raised.value.problems[0][0] == field
