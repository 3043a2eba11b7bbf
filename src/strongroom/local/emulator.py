"""The AWS emulator: moto in server mode, loopback only, and clients pointed at it."""

from __future__ import annotations

import logging
import threading
from typing import Any

import boto3
from botocore.config import Config

LOOPBACK = "127.0.0.1"
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}

_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, read_timeout=70)


class Emulator:
    """Starts moto's server on a free loopback port; every service answers on that one URL."""

    def __init__(self, region: str, port: int = 0) -> None:
        self.region = region
        self._port = port
        self._server: Any = None
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def start(self) -> str:
        from moto.server import ThreadedMotoServer  # noqa: PLC0415 - the local extra only

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = ThreadedMotoServer(ip_address=LOOPBACK, port=self._port, verbose=False)
        self._server.start()
        return self.url

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

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
        """What a process needs in its environment to use the emulator as its AWS."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ACCESS_KEY_ID": LOCAL_CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": LOCAL_CREDENTIALS["aws_secret_access_key"],
        }

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._clients.clear()
