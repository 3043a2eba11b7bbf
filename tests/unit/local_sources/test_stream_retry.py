from __future__ import annotations

from collections import deque

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strongroom.local.sources.stream_retry import (
    Failed,
    Outcome,
    PartiallyFailed,
    PendingBatch,
    RetryPolicy,
    Succeeded,
    expired_prefix,
    plan_next,
)
from strongroom.local.specs import FunctionError

RETRY_TWICE = RetryPolicy(maximum_retry_attempts=2, bisect_on_function_error=False)
BISECT_RETRY_TWICE = RetryPolicy(maximum_retry_attempts=2, bisect_on_function_error=True)
BOOM = FunctionError("RuntimeError", "boom")


def _invoked(records: tuple[int, ...], retries: int = 0) -> PendingBatch[int]:
    return PendingBatch(records, retries=retries).invoked("req-1", BOOM)


def test_success_settles_the_batch() -> None:
    plan = plan_next(_invoked((1, 2, 3)), Succeeded(), RETRY_TWICE)

    assert plan.retry == ()
    assert plan.give_up is None


def test_function_error_retries_the_whole_batch_and_counts_a_retry() -> None:
    plan = plan_next(_invoked((1, 2, 3)), Failed(), RETRY_TWICE)

    (retry,) = plan.retry
    assert retry.records == (1, 2, 3)
    assert retry.retries == 1
    assert retry.invocations == 1


def test_batch_is_given_up_once_its_retries_are_used() -> None:
    plan = plan_next(_invoked((1, 2, 3), retries=2), Failed(), RETRY_TWICE)

    assert plan.retry == ()
    assert plan.give_up is not None
    assert plan.give_up.records == (1, 2, 3)
    assert plan.give_up.last_error == BOOM


def test_zero_retry_attempts_gives_up_after_the_first_failure() -> None:
    no_retries = RetryPolicy(maximum_retry_attempts=0, bisect_on_function_error=False)

    plan = plan_next(_invoked((1,)), Failed(), no_retries)

    assert plan.give_up is not None


def test_minus_one_retries_forever() -> None:
    forever = RetryPolicy(maximum_retry_attempts=-1, bisect_on_function_error=False)

    plan = plan_next(_invoked((1,), retries=10_000), Failed(), forever)

    assert plan.give_up is None
    assert plan.retry[0].retries == 10_001


def test_partial_failure_retries_from_the_lowest_failed_record() -> None:
    plan = plan_next(_invoked((1, 2, 3, 4)), PartiallyFailed(first_failed=2), RETRY_TWICE)

    (retry,) = plan.retry
    assert retry.records == (3, 4)
    assert retry.retries == 1


def test_bisect_splits_a_failed_batch_without_counting_a_retry() -> None:
    plan = plan_next(_invoked((1, 2, 3, 4, 5)), Failed(), BISECT_RETRY_TWICE)

    assert [half.records for half in plan.retry] == [(1, 2, 3), (4, 5)]
    assert [half.retries for half in plan.retry] == [0, 0]


def test_bisect_retries_a_single_record_and_counts_it() -> None:
    plan = plan_next(_invoked((7,)), Failed(), BISECT_RETRY_TWICE)

    (retry,) = plan.retry
    assert retry.records == (7,)
    assert retry.retries == 1


def test_bisect_with_partial_response_splits_at_the_failed_record() -> None:
    plan = plan_next(_invoked((1, 2, 3, 4)), PartiallyFailed(first_failed=1), BISECT_RETRY_TWICE)

    (rest,) = plan.retry
    assert rest.records == (2, 3, 4)
    assert rest.retries == 0


def test_bisect_with_partial_response_failing_first_record_halves_the_batch() -> None:
    plan = plan_next(_invoked((1, 2, 3, 4)), PartiallyFailed(first_failed=0), BISECT_RETRY_TWICE)

    assert [half.records for half in plan.retry] == [(1, 2), (3, 4)]


def _run_shard(
    records: tuple[int, ...], poison: frozenset[int], policy: RetryPolicy, *, partial: bool
) -> tuple[list[int], list[tuple[int, ...]], int]:
    """Drives one shard to the end with a function that fails on ``poison`` records.

    With ``partial`` it processes every record and reports the failed ones, as Powertools'
    BatchProcessor does; otherwise it raises. Returns the records processed successfully (in
    order), the batches given up, and the number of invocations.
    """
    processed: list[int] = []
    given_up: list[tuple[int, ...]] = []
    queue: deque[PendingBatch[int]] = deque([PendingBatch(records)])
    invocations = 0
    while queue:
        batch = queue.popleft().invoked(f"req-{invocations}", None)
        invocations += 1
        failed = [index for index, record in enumerate(batch.records) if record in poison]
        outcome: Outcome
        if not failed:
            outcome = Succeeded()
        elif partial:
            outcome = PartiallyFailed(first_failed=failed[0])
        else:
            outcome = Failed()
        done = batch.records[: failed[0]] if failed and partial else batch.records
        if not isinstance(outcome, Failed):
            processed.extend(record for record in done if record not in poison)
        plan = plan_next(batch, outcome, policy)
        if plan.give_up is not None:
            given_up.append(plan.give_up.records)
        queue.extendleft(reversed(plan.retry))
        assert invocations < 10_000, "the shard never settles"
    return processed, given_up, invocations


def test_poison_record_ends_alone_and_everything_else_is_processed() -> None:
    records = tuple(range(10))

    processed, given_up, _ = _run_shard(records, frozenset({4}), BISECT_RETRY_TWICE, partial=True)

    assert given_up == [(4,)]
    assert set(processed) == set(records) - {4}


def test_without_bisect_the_rest_of_the_batch_is_given_up_with_the_poison() -> None:
    processed, given_up, invocations = _run_shard(
        tuple(range(10)), frozenset({4}), RETRY_TWICE, partial=True
    )

    assert given_up == [(4, 5, 6, 7, 8, 9)]
    assert set(processed) == {0, 1, 2, 3}
    assert invocations == 3


@given(
    size=st.integers(min_value=1, max_value=40),
    poison_positions=st.sets(st.integers(min_value=0, max_value=39), max_size=6),
    retries=st.integers(min_value=0, max_value=3),
    partial=st.booleans(),
)
def test_bisect_isolates_every_poison_record(
    size: int, poison_positions: set[int], retries: int, partial: bool
) -> None:
    records = tuple(range(size))
    poison = frozenset(position for position in poison_positions if position < size)
    policy = RetryPolicy(maximum_retry_attempts=retries, bisect_on_function_error=True)

    processed, given_up, _ = _run_shard(records, poison, policy, partial=partial)

    assert sorted(given_up) == [(record,) for record in sorted(poison)]
    assert set(processed) == set(records) - poison


@given(
    size=st.integers(min_value=1, max_value=40),
    poison_positions=st.sets(st.integers(min_value=0, max_value=39), max_size=6),
    partial=st.booleans(),
)
def test_without_bisect_every_record_is_processed_or_given_up_in_order(
    size: int, poison_positions: set[int], partial: bool
) -> None:
    records = tuple(range(size))
    poison = frozenset(position for position in poison_positions if position < size)

    processed, given_up, _ = _run_shard(records, poison, RETRY_TWICE, partial=partial)

    settled = sorted([*processed, *(record for batch in given_up for record in batch)])
    assert settled == list(records)
    assert all(poison.intersection(batch) for batch in given_up)


@pytest.mark.parametrize(
    ("ages", "expected"),
    [([], 0), ([20, 10], 0), ([120, 61, 30], 2), ([90, 61], 2), ([60, 30], 0)],
)
def test_expired_prefix_counts_leading_records_over_the_age(ages: list[int], expected: int) -> None:
    now = 1_000.0

    count = expired_prefix([now - age for age in ages], now=now, maximum_age_seconds=60)

    assert count == expected
