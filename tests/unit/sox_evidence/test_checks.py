"""Each completeness and accuracy check, passing and failing."""

from __future__ import annotations

from decimal import Decimal

from strongroom.sox_evidence.domain import checks


def test_rows_match_passes_on_equal_counts_and_fails_otherwise() -> None:
    passed = checks.rows_match("population_count_equals_rows_written", "SELECT 1", 10, 10)
    failed = checks.rows_match("population_count_equals_rows_written", "SELECT 1", 10, 9)

    assert passed.passed
    assert (failed.passed, failed.expected, failed.actual) == (False, "10", "9")


def test_control_totals_compare_exact_decimals_to_the_cent() -> None:
    server = {"amount": Decimal("100.10"), "other": Decimal("5")}

    same = checks.totals_match("q", server, {"amount": Decimal("100.1"), "other": Decimal("5.00")})
    off_by_a_cent = checks.totals_match(
        "q", server, {"amount": Decimal("100.11"), "other": Decimal("5")}
    )
    missing = checks.totals_match("q", server, {"amount": Decimal("100.10")})

    assert all(check.passed for check in same)
    assert [check.passed for check in off_by_a_cent] == [False, True]
    assert off_by_a_cent[0].name == "control_total.amount"
    assert off_by_a_cent[0].actual == "100.11"
    assert [check.passed for check in missing] == [True, False]


def test_witnesses_must_all_be_present_and_at_least_one_must_exist() -> None:
    witnesses = {(1,), (2,)}

    assert checks.witnesses_present("q", witnesses, {(1,), (2,)}).passed
    missing = checks.witnesses_present("q", witnesses, {(1,)})
    assert not missing.passed
    assert "1 of 2 missing" in missing.actual
    assert "(2)" in missing.actual
    none = checks.witnesses_present("q", set(), set())
    assert not none.passed
    assert "proves nothing" in none.actual


def test_exclusions_must_be_absent() -> None:
    assert checks.exclusions_absent("q", 5, set()).passed
    found = checks.exclusions_absent("q", 5, {("V1", "2024-01-01")})
    assert not found.passed
    assert found.actual.startswith("1, e.g. (V1, 2024-01-01)")


def test_a_capped_key_query_says_how_many_were_checked() -> None:
    witness = checks.witnesses_present("q", {(1,), (2,)}, {(1,), (2,)}, capped=True)
    exclusion = checks.exclusions_absent("q", 2, set(), capped=True)

    assert witness.passed
    assert "the first 2 in key order were checked" in witness.expected
    assert "the first 2 in key order were checked" in exclusion.expected
