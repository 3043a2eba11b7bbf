"""Stats: concurrency seen, and retries that did not wait for their Retry-After."""

from __future__ import annotations

from strongroom.local.standins.dex_stats import DexStats

PAIR = (1001, "2024-11-27")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def rate_limited(stats: DexStats, pair: tuple[int, str], retry_after: int) -> None:
    stats.trigger_started(pair)
    stats.trigger_finished(pair, retry_after)


def test_a_retry_before_the_retry_after_is_early_and_one_after_it_is_not() -> None:
    clock = Clock()
    stats = DexStats(clock)
    rate_limited(stats, PAIR, 2)

    clock.now = 1.5
    stats.trigger_started(PAIR)
    stats.trigger_finished(PAIR, None)
    clock.now = 2.0
    stats.trigger_started(PAIR)
    stats.trigger_finished(PAIR, None)

    snapshot = stats.snapshot()
    assert snapshot["early_retries"] == 1
    assert snapshot["early_retry_examples"] == [
        {"client_id": 1001, "trigger_date": "2024-11-27", "early_by_ms": 500.0}
    ]


def test_the_retry_after_counts_from_when_the_429_was_answered() -> None:
    clock = Clock()
    stats = DexStats(clock)
    stats.trigger_started(PAIR)
    clock.now = 0.05  # the answer left after 50 ms of latency
    stats.trigger_finished(PAIR, 1)

    clock.now = 1.02
    stats.trigger_started(PAIR)

    assert stats.snapshot()["early_retries"] == 1


def test_other_pairs_are_not_held_back_by_a_429() -> None:
    clock = Clock()
    stats = DexStats(clock)
    rate_limited(stats, PAIR, 5)

    stats.trigger_started((1002, "2024-11-27"))
    stats.trigger_started((1001, "2024-11-28"))

    assert stats.snapshot()["early_retries"] == 0


def test_attempts_are_counted_per_pair() -> None:
    stats = DexStats(Clock())

    assert [stats.trigger_started(PAIR) for _ in range(3)] == [0, 1, 2]
    assert stats.trigger_started((7, "2024-11-27")) == 0


def test_the_highest_number_of_calls_in_flight_is_kept() -> None:
    stats = DexStats(Clock())
    for client in range(3):
        stats.trigger_started((client, "d"))
    for client in range(3):
        stats.trigger_finished((client, "d"), None)
    stats.trigger_started(PAIR)

    snapshot = stats.snapshot()
    assert (snapshot["max_concurrent_triggers"], snapshot["in_flight_triggers"]) == (3, 1)


def test_requests_statuses_and_tokens_are_counted_and_reset() -> None:
    stats = DexStats(Clock())
    stats.request("/oauth/token")
    stats.status(200)
    stats.token_issued()
    stats.request("/data-exchange/trigger")
    stats.status(429)

    snapshot = stats.snapshot()
    assert snapshot["requests"] == {"/data-exchange/trigger": 1, "/oauth/token": 1}
    assert snapshot["statuses"] == {"200": 1, "429": 1}
    assert snapshot["tokens_issued"] == 1

    stats.reset()
    assert stats.snapshot()["requests"] == {}
    assert stats.snapshot()["tokens_issued"] == 0
