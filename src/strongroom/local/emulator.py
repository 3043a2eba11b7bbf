"""The AWS emulator: moto in server mode behind the front door, loopback only, and clients
pointed at it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any
from wsgiref.types import WSGIApplication

import boto3
from botocore.config import Config

from strongroom.local.front_door.event_invocations import DEFAULT_RETRY_DELAYS
from strongroom.local.front_door.fault_mode import FaultMode
from strongroom.local.front_door.fault_rules import FaultConfig
from strongroom.local.front_door.middleware import FrontDoor, LambdaService
from strongroom.local.front_door.object_lock import ObjectLockGuard
from strongroom.local.front_door.workload_keys import workload_key

LOOPBACK = "127.0.0.1"
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
"""The stack's own clients, the CLI's and tests': never faulted."""
WORKLOAD_CREDENTIALS = {"aws_access_key_id": workload_key(), "aws_secret_access_key": "local"}
"""A workload with no name: the calls fault mode may fault (a function or job signs with
:func:`workload_credentials` of its own name)."""


def workload_credentials(principal: str) -> dict[str, str]:
    """The environment a function or Batch job definition named ``principal`` signs with, so
    fault rules can aim at it (``principal`` in a rule)."""
    return {
        "AWS_ACCESS_KEY_ID": workload_key(principal),
        "AWS_SECRET_ACCESS_KEY": WORKLOAD_CREDENTIALS["aws_secret_access_key"],
    }


_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, read_timeout=70)


def moto_application() -> WSGIApplication:
    """moto's WSGI application, as ``ThreadedMotoServer`` builds it."""
    from moto.moto_server.werkzeug_app import (  # noqa: PLC0415 - the local extra only
        DomainDispatcherApplication,
        create_backend_app,
    )

    application: WSGIApplication = DomainDispatcherApplication(create_backend_app)
    return application


class WsgiServer:
    """Serves a WSGI application on a loopback port from a thread, as ``ThreadedMotoServer``
    serves moto's (werkzeug's threaded server with moto's request handler)."""

    def __init__(self, application: WSGIApplication, port: int = 0) -> None:
        from moto.moto_server.werkzeug_app import MotoRequestHandler  # noqa: PLC0415
        from werkzeug.serving import make_server  # noqa: PLC0415 - the local extra only

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = make_server(
            LOOPBACK, port, application, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="aws-emulator", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()


class Emulator:
    """Serves moto behind the front door on a free loopback port; every service answers on that
    one URL, and Lambda's Invoke API runs functions in the runtime given to
    :meth:`route_invocations`."""

    def __init__(self, region: str, port: int = 0) -> None:
        self.region = region
        self._port = port
        self._server: WsgiServer | None = None
        self._front_door: FrontDoor | None = None
        self._faults: FaultMode | None = None
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def start(
        self, faults: FaultConfig | None = None, *, log: Callable[[str], None] = print
    ) -> str:
        self._front_door = FrontDoor(ObjectLockGuard(moto_application()))
        self._faults = FaultMode(self._front_door, log=log)
        if faults is not None:
            self._faults.configure(faults)
        self._server = WsgiServer(self._faults, self._port)
        return self.url

    @property
    def faults(self) -> FaultMode:
        """Fault mode for calls workloads sign (configure, status)."""
        if self._faults is None:
            raise RuntimeError("the emulator is not running")
        return self._faults

    def route_invocations(
        self,
        service: LambdaService | None,
        *,
        log: Callable[[str], None] = print,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
    ) -> None:
        """Lambda Invoke calls run in ``service`` from now on (None: answer 503 again); Event
        invocations that fail are retried after ``retry_delays`` seconds."""
        if self._front_door is None:
            if service is None:
                return
            raise RuntimeError("the emulator is not running")
        self._front_door.route_invocations(service, log=log, retry_delays=retry_delays)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return self._server.url

    def client(self, service: str) -> Any:
        """A cached client for ``service`` (boto3 clients are thread-safe once created)."""
        with self._lock:
            if service not in self._clients:
                self._clients[service] = boto3.session.Session().client(
                    service,  # type: ignore[call-overload]
                    endpoint_url=self.url,
                    region_name=self.region,
                    config=_CLIENT_CONFIG,
                    **LOCAL_CREDENTIALS,
                )
            return self._clients[service]

    def aws_environment(self) -> dict[str, str]:
        """What a function or job needs in its environment to use the emulator as its AWS
        (signed with WORKLOAD_CREDENTIALS, which fault mode tells from the stack's own; the
        Lambda runtime and the Batch runner replace them with :func:`workload_credentials`)."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ACCESS_KEY_ID": WORKLOAD_CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": WORKLOAD_CREDENTIALS["aws_secret_access_key"],
        }

    def stop(self) -> None:
        if self._front_door is not None:
            self._front_door.route_invocations(None)
            self._front_door = None
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._faults = None
        self._clients.clear()
