"""The DEX API stand-in: a real OAuth2 client-credentials token endpoint and the trigger API.

``POST /oauth/token`` issues opaque, expiring bearer tokens to the one registered client
(``strongroom-local``, a random secret per start) for the scope ``dex/trigger:all``;
``GET /data-exchange/trigger?clientId=<int>&triggerDate=YYYY-MM-DD`` answers a deterministic
trigger file per client, date and revision. Latency, 429s with ``Retry-After``, 5xx, clients that
always fail and early token expiry are injected through this object or the HTTP control API
(``dex_control``). Run it alone with ``python -m strongroom.local.standins.dex_api``: it prints
its URLs and credentials as one JSON line and serves until interrupted.
"""

from __future__ import annotations

import argparse
import json
import secrets
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from strongroom.local.standins.dex_control import CONTROL_PREFIX, SECRET_HEADER
from strongroom.local.standins.dex_faults import FaultSettings
from strongroom.local.standins.dex_service import TOKEN_PATH, TRIGGER_PATH, DexService
from strongroom.local.standins.dex_tokens import (
    DEFAULT_TOKEN_LIFETIME_SECONDS,
    RegisteredClient,
    TokenAuthority,
)
from strongroom.local.standins.dex_trigger import TRIGGER_SCOPE
from strongroom.local.standins.http_server import StandInHttpServer

NAME = "dex_api"
CLIENT_ID = "strongroom-local"
FIELDS = (
    "base_url",
    "token_url",
    "trigger_url",
    "scope",
    "client_id",
    "client_secret",
    "control_url",
    "control_header",
    "control_secret",
)
"""What :meth:`DexApiStandIn.describe` gives: ``{dex_api[<field>]}`` in a parameter value."""


class DexApiStandIn:
    """Start with :meth:`start`, stop with :meth:`stop`; the control methods work meanwhile."""

    def __init__(
        self,
        *,
        port: int = 0,
        token_lifetime_seconds: int = DEFAULT_TOKEN_LIFETIME_SECONDS,
        faults: FaultSettings | None = None,
    ) -> None:
        self.client_id = CLIENT_ID
        self.client_secret = secrets.token_urlsafe(24)
        self.control_secret = secrets.token_urlsafe(24)
        authority = TokenAuthority(
            [RegisteredClient(CLIENT_ID, self.client_secret, frozenset({TRIGGER_SCOPE}))],
            lifetime_seconds=token_lifetime_seconds,
        )
        self.service = DexService(authority, self.control_secret, faults=faults)
        self._server = StandInHttpServer(self.service.handle, NAME, port)

    @property
    def base_url(self) -> str:
        return self._server.base_url

    def start(self) -> dict[str, str]:
        self._server.start()
        return self.describe()

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> DexApiStandIn:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def describe(self) -> dict[str, str]:
        """What a client needs (endpoints.json shows it; the file is owner-only)."""
        base = self.base_url
        return {
            "base_url": base,
            "token_url": base + TOKEN_PATH,
            "trigger_url": base + TRIGGER_PATH,
            "scope": TRIGGER_SCOPE,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "control_url": base + CONTROL_PREFIX.rstrip("/"),
            "control_header": SECRET_HEADER,
            "control_secret": self.control_secret,
        }

    # -- control: the same as the HTTP control API -------------------------------------------

    def set_faults(self, **changes: Any) -> FaultSettings:
        return self.service.set_faults(**changes)

    def expire_tokens(self) -> int:
        return self.service.expire_tokens()

    def bump_revision(self, client_id: int) -> int:
        return self.service.bump_revision(client_id)

    def reset(self) -> None:
        self.service.reset()

    def stats(self) -> dict[str, Any]:
        return self.service.stats_snapshot()


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m strongroom.local.standins.dex_api", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token-lifetime", type=int, default=DEFAULT_TOKEN_LIFETIME_SECONDS)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--rate-limit-fraction", type=float, default=0.0)
    parser.add_argument("--retry-after", type=int, default=1, help="Retry-After of a 429, s")
    parser.add_argument("--error-fraction", type=float, default=0.0)
    parser.add_argument("--failing-client", type=int, action="append", default=[])
    parser.add_argument("--seed", type=int, default=0, help="fixes which calls meet faults")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    arguments = _arguments(argv)
    faults = FaultSettings(
        latency_ms=arguments.latency_ms,
        rate_limit_fraction=arguments.rate_limit_fraction,
        retry_after_seconds=arguments.retry_after,
        error_fraction=arguments.error_fraction,
        failing_client_ids=frozenset(arguments.failing_client),
        seed=arguments.seed,
    )
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    with DexApiStandIn(
        port=arguments.port, token_lifetime_seconds=arguments.token_lifetime, faults=faults
    ) as standin:
        # The one line a parent process reads: URLs and the credentials it needs.
        sys.stdout.write(json.dumps(standin.describe()) + "\n")
        sys.stdout.flush()
        stopping.wait()


if __name__ == "__main__":
    main()
