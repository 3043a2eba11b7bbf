from __future__ import annotations

import threading

from strongroom.local.sources._polling import PollingThreads

BOUNDED_WAIT = 10.0  # generous: only reached if the behaviour is broken


def test_threads_keep_polling_through_failures_until_stopped() -> None:
    calls: list[str] = []
    lock = threading.Lock()
    third_call = threading.Event()

    def step() -> int:
        with lock:
            calls.append(threading.current_thread().name)
            count = len(calls)
        if count >= 3:
            third_call.set()
        if count == 1:
            raise ConnectionError("the emulator is not up yet")
        return 1

    pollers = PollingThreads("test", step, count=2, error_backoff_seconds=0.01)
    pollers.start()
    assert third_call.wait(BOUNDED_WAIT)
    pollers.stop(timeout=BOUNDED_WAIT)

    assert not any(thread.name.startswith("test-") for thread in threading.enumerate())
    assert len(calls) >= 3
    assert set(calls) <= {"test-0", "test-1"}
    assert pollers.stopping


def test_stop_interrupts_an_idle_wait() -> None:
    polled = threading.Event()

    def idle_step() -> int:
        polled.set()
        return 0

    pollers = PollingThreads("idle", idle_step, idle_seconds=3600)
    pollers.start()
    assert polled.wait(BOUNDED_WAIT)
    pollers.stop(timeout=BOUNDED_WAIT)

    assert not any(thread.name == "idle-0" for thread in threading.enumerate())


def test_start_twice_runs_one_set_of_threads() -> None:
    release = threading.Event()
    running = threading.Event()

    def blocking_step() -> int:
        running.set()
        release.wait(BOUNDED_WAIT)
        return 1

    pollers = PollingThreads("once", blocking_step)
    pollers.start()
    assert running.wait(BOUNDED_WAIT)
    pollers.start()
    names = [thread.name for thread in threading.enumerate() if thread.name.startswith("once-")]
    release.set()
    pollers.stop(timeout=BOUNDED_WAIT)

    assert names == ["once-0"]
