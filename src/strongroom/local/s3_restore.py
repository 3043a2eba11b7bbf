"""Archived objects take time to restore locally, as they do on AWS.

moto restores a DEEP_ARCHIVE or GLACIER object the moment RestoreObject is called (its
``s3::keyrestore`` state moves "immediately", on the next read of the key). Code that waits
for the ``s3:ObjectRestore:Completed`` notification is then never exercised the way AWS
exercises it. While a :class:`RestoreDelay` is installed:

- RestoreObject on an archived, never-restored object answers 202 and leaves it in progress
  (HEAD: ``ongoing-request="true"``; GET: InvalidObjectState);
- RestoreObject again while in progress answers 409 RestoreAlreadyInProgress, as AWS does;
- a background timer (not a HEAD: nobody HEADs on AWS either) completes the restore after
  ``delay_seconds`` and sends ``s3:ObjectRestore:Completed`` exactly once, through moto's own
  notification path, so the bucket's SQS/SNS destinations receive it;
- RestoreObject on a restored object answers 200, as moto already does.

moto is pinned to 5.2.x: this reaches into ``S3Backend.restore_object`` and ``FakeKey``.
"""

from __future__ import annotations

import functools
import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DEFAULT_RESTORE_DELAY_SECONDS = 5.0
TICK_SECONDS = 0.2
RESTORE_STATE_MODEL = "s3::keyrestore"
IN_PROGRESS = "IN_PROGRESS"
RESTORED = "RESTORED"
# moto moves a "manual" model on only after this many explicit advances, which nobody makes:
# the restore timer alone changes a key's restore state.
_TIMER_ONLY_TRANSITION = {"progression": "manual", "times": sys.maxsize}

# Installed delays, most recent last: the most recent one times new restores. moto's backends
# are process-wide, so the patch is too; a second stack or a test may install its own on top.
_installed: list[RestoreDelay] = []
_original_restore_object: list[Callable[..., bool]] = []
_lock = threading.RLock()
_log = logging.getLogger(__name__)


@dataclass
class _PendingRestore:
    key: Any  # moto's FakeKey
    due: float


class RestoreDelay:
    """Restores of archived objects complete ``delay_seconds`` after RestoreObject."""

    def __init__(
        self,
        delay_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        tick_seconds: float = TICK_SECONDS,
    ) -> None:
        if delay_seconds < 0:
            raise ValueError(f"a restore delay cannot be negative: {delay_seconds}")
        self.delay_seconds = delay_seconds
        self._clock = clock
        self._tick_seconds = tick_seconds
        self._pending: list[_PendingRestore] = []
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def installed(self) -> bool:
        with _lock:
            return self in _installed

    @property
    def in_progress(self) -> int:
        """How many restores this delay is still timing."""
        with _lock:
            return len(self._pending)

    def install(self) -> None:
        """Patch moto and start the timer; installing an installed delay does nothing."""
        with _lock:
            if self in _installed:
                return
            if not _installed:
                _patch_moto()
            _installed.append(self)
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="s3-restore-delay", daemon=True)
            self._thread.start()

    def uninstall(self) -> None:
        """Stop the timer; the last delay out gives moto its own restore behaviour back.

        Restores still in progress move to the delay installed below this one, or, with none
        left, to moto, which completes them on the next read of the key.
        """
        with _lock:
            if self not in _installed:
                return
            _installed.remove(self)
            if _installed:
                _installed[-1]._adopt(self._pending, self._clock())
            else:
                _unpatch_moto()
            self._pending = []
            self._stopping.set()
            thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def complete_due(self) -> int:
        """Complete every restore whose delay has passed; returns how many completed."""
        with _lock:
            now = self._clock()
            due = [pending for pending in self._pending if pending.due <= now]
            self._pending = [pending for pending in self._pending if pending.due > now]
            for pending in due:
                try:
                    _complete(pending.key)
                except Exception:
                    # One odd key must not stall every other restore behind it.
                    _log.exception("completing the restore of %s failed", pending.key.name)
        return len(due)

    def _begin(self, key: Any) -> None:
        key.status = IN_PROGRESS
        if self.delay_seconds == 0:
            _complete(key)
        else:
            self._pending.append(_PendingRestore(key, self._clock() + self.delay_seconds))

    def _adopt(self, pending: list[_PendingRestore], their_now: float) -> None:
        """Take over another delay's restores, each with the time it had left (clocks differ)."""
        now = self._clock()
        self._pending += [
            _PendingRestore(item.key, now + max(item.due - their_now, 0.0)) for item in pending
        ]

    def _run(self) -> None:
        while not self._stopping.wait(self._tick_seconds):
            self.complete_due()


def _patch_moto() -> None:
    from moto.moto_api import state_manager  # noqa: PLC0415 - the local extra only
    from moto.s3.models import S3Backend  # noqa: PLC0415

    _original_restore_object.append(S3Backend.restore_object)
    S3Backend.restore_object = _restore_object  # type: ignore[method-assign,assignment]
    state_manager.set_transition(RESTORE_STATE_MODEL, _TIMER_ONLY_TRANSITION)


def _unpatch_moto() -> None:
    from moto.moto_api import state_manager  # noqa: PLC0415 - the local extra only
    from moto.s3.models import S3Backend  # noqa: PLC0415

    S3Backend.restore_object = _original_restore_object.pop()  # type: ignore[method-assign]
    state_manager.unset_transition(RESTORE_STATE_MODEL)


def _restore_object(
    backend: Any, bucket_name: str, key_name: str, days: str | None, type_: str | None
) -> bool:
    """moto's RestoreObject (True: restored before, 200; False: 202), timed by our delay."""
    from moto.s3.utils import ARCHIVE_STORAGE_CLASSES  # noqa: PLC0415 - the local extra only

    with _lock:
        original = _original_restore_object[-1]
        if not _installed or not days:
            return original(backend, bucket_name, key_name, days, type_)
        key = backend.get_object(bucket_name, key_name)
        archived = key is not None and key.storage_class in ARCHIVE_STORAGE_CLASSES
        starting = archived and key.expiry_date is None
        if archived and not starting and key.status == IN_PROGRESS:
            raise _restore_already_in_progress()()
        if starting:
            # Before moto sets the expiry date, so no reader ever sees it restored early.
            key.status = IN_PROGRESS
        restored_before = original(backend, bucket_name, key_name, days, type_)
        if starting:
            _installed[-1]._begin(key)
        return restored_before


def _complete(key: Any) -> None:
    """Mark ``key`` restored and notify the bucket's destinations, if the key still exists."""
    from moto.s3 import notifications  # noqa: PLC0415 - the local extra only
    from moto.s3.exceptions import MissingBucket  # noqa: PLC0415
    from moto.s3.models import s3_backends  # noqa: PLC0415

    key.status = RESTORED
    try:
        bucket = s3_backends[key.account_id][key.partition].get_bucket(key.bucket_name)
    except MissingBucket:
        return
    if not any(stored is key for stored in bucket.keys.getlist(key.name, [])):
        return  # deleted or overwritten while restoring: AWS sends nothing either
    notifications.send_event(
        key.account_id,
        notifications.S3NotificationEvent.OBJECT_RESTORE_COMPLETED_EVENT,
        bucket,
        key=key,
    )


@functools.cache
def _restore_already_in_progress() -> type[Exception]:
    """S3's 409 error. moto's service model has no status for this code, so it would answer
    400; an HTTP exception carries its own status through moto's server and decorator alike."""
    from werkzeug.exceptions import HTTPException  # noqa: PLC0415 - the local extra only

    class RestoreAlreadyInProgress(HTTPException):
        code = 409
        description = "Object restore is already in progress"

        def get_body(self, *_: Any, **__: Any) -> str:
            return (
                '<?xml version="1.0" encoding="UTF-8"?>\n<Error>'
                "<Code>RestoreAlreadyInProgress</Code>"
                f"<Message>{self.description}</Message></Error>"
            )

        def get_headers(self, *_: Any, **__: Any) -> list[tuple[str, str]]:
            return [("Content-Type", "application/xml")]

    return RestoreAlreadyInProgress
