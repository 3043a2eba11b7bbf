"""The DEX stand-in's behaviour, socket-free: routes a request to an answer.

It owns the token authority, the per-client revisions, the fault settings and the stats; the
HTTP server (``dex_http``) only moves bytes, and the control API (``dex_control``) and the
Python API (``dex_api.DexApiStandIn``) change the same state.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from strongroom.local.standins.dex_control import CONTROL_PREFIX, control_reply
from strongroom.local.standins.dex_faults import FaultSettings, choose_fault
from strongroom.local.standins.dex_oauth import token_reply
from strongroom.local.standins.dex_payloads import trigger_body
from strongroom.local.standins.dex_stats import DexStats
from strongroom.local.standins.dex_tokens import TokenAuthority
from strongroom.local.standins.dex_trigger import Refused, authorize, parse_query
from strongroom.local.standins.replies import JSON_TYPE, Reply

TOKEN_PATH = "/oauth/token"  # noqa: S105 - a path, not a secret
TRIGGER_PATH = "/data-exchange/trigger"
_METHODS = {TOKEN_PATH: "POST", TRIGGER_PATH: "GET"}


class DexService:
    def __init__(
        self,
        authority: TokenAuthority,
        control_secret: str,
        *,
        faults: FaultSettings | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.authority = authority
        self.control_secret = control_secret
        self._faults = faults or FaultSettings()
        self._sleep = sleep
        self.stats = DexStats(clock)
        self._revisions: dict[int, int] = {}
        self._lock = threading.Lock()

    # -- requests ---------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Reply:
        """Answer one request; ``headers`` are keyed in lower case."""
        parts = urlsplit(target)
        if parts.path.startswith(CONTROL_PREFIX):
            return control_reply(self, method, parts.path, headers, body)
        known = parts.path in _METHODS
        self.stats.request(parts.path if known else "other")
        reply = self._route(method, parts.path, parts.query, headers, body)
        self.stats.status(reply.status)
        return reply

    def _route(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> Reply:
        allowed = _METHODS.get(path)
        if allowed is None:
            return Reply.json(404, {"error": "not_found", "message": f"no resource at {path}"})
        if method != allowed:
            return Reply.json(
                405,
                {"error": "method_not_allowed", "message": f"use {allowed}"},
                ("Allow", allowed),
            )
        if path == TOKEN_PATH:
            reply = token_reply(self.authority, headers, body)
            if reply.status == 200:
                self.stats.token_issued()
            return reply
        return self._trigger(query, headers)

    def _trigger(self, query: str, headers: Mapping[str, str]) -> Reply:
        try:
            authorize(self.authority, headers.get("authorization"))
            call = parse_query(query)
        except Refused as refused:
            return refused.reply
        faults = self._faults
        pair = (call.client_id, call.trigger_date.isoformat())
        attempt = self.stats.trigger_started(pair)
        retry_after: int | None = None
        try:
            if faults.latency_ms:
                self._sleep(faults.latency_ms / 1000)
            fault = choose_fault(faults, call.client_id, pair[1], attempt)
            if fault is None:
                revision = self.revision(call.client_id)
                body = trigger_body(call.client_id, call.trigger_date, revision)
                return Reply(200, body, (("Content-Type", JSON_TYPE),))
            extra: tuple[tuple[str, str], ...] = ()
            if fault.retry_after_seconds is not None:
                retry_after = fault.retry_after_seconds
                extra = (("Retry-After", str(retry_after)),)
            return Reply.json(fault.status, {"error": "fault", "message": fault.reason}, *extra)
        finally:
            self.stats.trigger_finished(pair, retry_after)

    # -- control (the Python API; dex_control serves the same over HTTP) ---------------------

    @property
    def faults(self) -> FaultSettings:
        return self._faults

    def set_faults(self, **changes: Any) -> FaultSettings:
        """Change some fault settings (names of :class:`FaultSettings`); the rest stay."""
        with self._lock:
            self._faults = self._faults.changed(changes)
            return self._faults

    def revision(self, client_id: int) -> int:
        with self._lock:
            return self._revisions.get(client_id, 0)

    def bump_revision(self, client_id: int) -> int:
        """The client's trigger bodies change from the next call on; returns the new revision."""
        with self._lock:
            self._revisions[client_id] = self._revisions.get(client_id, 0) + 1
            return self._revisions[client_id]

    def expire_tokens(self) -> int:
        return self.authority.expire_all()

    def reset(self) -> None:
        """No faults, every revision 0, stats cleared; issued tokens stay valid."""
        with self._lock:
            self._faults = FaultSettings()
            self._revisions.clear()
        self.stats.reset()

    def stats_snapshot(self) -> dict[str, Any]:
        return self.stats.snapshot()
