"""Options become the POST /restore body the API expects, or a message naming the option."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strongroom.cli.archive_options import OptionError
from strongroom.cli.restore_commands import (
    RestoreOptions,
    canonical_tier,
    check_restore_options,
    registered_topic,
    restore_id_argument,
    restore_request_body,
)
from strongroom.deep_archive.domain.projects import Project, SourceLocation
from strongroom.deep_archive.domain.restores import RestoreRequest

TOPIC = "arn:aws:sns:eu-west-1:123456789012:restores"
OTHER_TOPIC = "arn:aws:sns:eu-west-1:123456789012:audit"


def body(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"project": "demo", **changes}
    return restore_request_body(RestoreOptions(**values), TOPIC)


def refusal(**changes: Any) -> str:
    values: dict[str, Any] = {"project": "demo", **changes}
    with pytest.raises(OptionError) as raised:
        restore_request_body(RestoreOptions(**values), TOPIC)
    return str(raised.value)


def project(*topics: str) -> Project:
    return Project(
        name="demo",
        sources=(SourceLocation(bucket="demo-source", prefixes=("",)),),
        notification_topic_arns=topics,
    )


def test_one_name_is_the_seeds_filename_field() -> None:
    assert body(names=("5000_20250410_003.csv",)) == {
        "project_name": "demo",
        "filename": "5000_20250410_003.csv",
        "retrieval_tier": "Standard",
        "sns_topic_arn": TOPIC,
    }


def test_several_names_are_files_in_the_order_given() -> None:
    sent = body(names=("b.csv", "2025/north/a.csv"), tier="Bulk")

    assert sent["files"] == ["b.csv", "2025/north/a.csv"]
    assert "filename" not in sent
    assert sent["retrieval_tier"] == "Bulk"


def test_a_prefix_is_sent_with_its_bucket() -> None:
    sent = body(prefix="20250410/north/", bucket="demo-source")

    assert sent["prefix"] == "20250410/north/"
    assert sent["bucket_name"] == "demo-source"
    assert "filename" not in sent
    assert "files" not in sent


def test_region_and_account_are_sent_only_when_given() -> None:
    assert "region" not in body(names=("b.csv",))
    sent = body(names=("b.csv",), region="eu-west-1", account="123456789012")
    assert (sent["region"], sent["account"]) == ("eu-west-1", "123456789012")


@pytest.mark.parametrize("typed", ["standard", "STANDARD", " Bulk ", "bulk", "expedited"])
def test_the_tier_is_spelled_as_s3_spells_it(typed: str) -> None:
    assert canonical_tier(typed) == typed.strip().capitalize()


def test_a_misspelled_tier_names_the_option_and_the_tiers() -> None:
    message = refusal(names=("b.csv",), tier="Standrad")

    assert message.startswith("--tier: 'Standrad' is not a retrieval tier")
    assert "Expedited, Standard, Bulk" in message


def test_names_and_prefix_together_are_refused() -> None:
    assert refusal(names=("b.csv",), prefix="2025/") == "give file NAMES or --prefix, not both"


def test_nothing_to_restore_is_refused_naming_both_ways() -> None:
    message = refusal()

    assert "NAMES" in message
    assert "--prefix" in message


def test_a_bucket_without_a_prefix_is_refused() -> None:
    assert "--bucket" in refusal(names=("b.csv",), bucket="demo-source")


@pytest.mark.parametrize(
    ("changes", "option"),
    [
        ({"project": "Demo"}, "PROJECT:"),
        ({"region": "Ireland"}, "--region:"),
        ({"account": "12345"}, "--account:"),
        ({"names": ("",)}, "NAMES:"),
        ({"names": ("a.csv", "")}, "NAMES:"),
    ],
)
def test_a_field_the_api_would_refuse_names_its_option(
    changes: dict[str, Any], option: str
) -> None:
    values: dict[str, Any] = {"names": ("b.csv",), **changes}
    assert refusal(**values).startswith(option)


def test_the_options_are_checked_before_the_topic_is_looked_up() -> None:
    check_restore_options(RestoreOptions(project="demo", names=("b.csv",)))
    with pytest.raises(OptionError, match=r"^--topic:"):
        check_restore_options(RestoreOptions(project="demo", names=("b.csv",), topic="restores"))
    with pytest.raises(OptionError, match=r"^--tier:"):
        check_restore_options(RestoreOptions(project="demo", names=("b.csv",), tier="Fast"))


@given(
    names=st.lists(
        st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=30),
        min_size=1,
        max_size=5,
    )
)
def test_every_body_built_is_one_the_api_accepts(names: list[str]) -> None:
    sent = body(names=tuple(names))

    request = RestoreRequest.model_validate(sent)

    assert request.references == list(dict.fromkeys(names))


def test_the_only_registered_topic_is_the_default() -> None:
    assert registered_topic("demo", project(TOPIC)) == TOPIC


@pytest.mark.parametrize(
    ("registered", "expected"),
    [
        (None, "project 'demo' is not registered"),
        (project(), "registered no notification topic"),
        (project(TOPIC, OTHER_TOPIC), f"choose one with --topic ({TOPIC}, {OTHER_TOPIC})"),
    ],
)
def test_without_exactly_one_registered_topic_the_user_is_told_what_to_do(
    registered: Project | None, expected: str
) -> None:
    with pytest.raises(OptionError) as raised:
        registered_topic("demo", registered)
    assert expected in str(raised.value)


def test_a_restore_id_is_normalised_to_the_apis_spelling() -> None:
    typed = " 7D0C1A52-0000-4000-8000-000000000001 "
    assert restore_id_argument(typed) == "7d0c1a52-0000-4000-8000-000000000001"


def test_anything_else_is_not_a_restore_id() -> None:
    with pytest.raises(OptionError, match="RESTORE_ID: 'job-1' is not a restore id"):
        restore_id_argument("job-1")
