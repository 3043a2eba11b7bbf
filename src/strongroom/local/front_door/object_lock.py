"""Object Lock retention on the local stack as S3 enforces it (moto 5.2 does not).

moto refuses deleting a locked version, but lets anyone shorten, remove or downgrade a
COMPLIANCE retention with PutObjectRetention, and answers GetObjectRetention with a 500. This
WSGI middleware, in front of moto's application, closes both gaps:

- ``PUT /{bucket}/{key}?retention``: the version's current retention is read with a HEAD
  through moto (its ``x-amz-object-lock-*`` headers), and a change :mod:`retention_rule`
  refuses is answered as S3 answers it (403 AccessDenied, 400 InvalidArgument), or 400
  MalformedXML for a body S3 would not parse; anything else reaches moto unchanged.
- ``GET /{bucket}/{key}?retention``: answered from the same HEAD, as S3's ``<Retention>``, or
  404 NoSuchObjectLockConfiguration when the version has none.

Every other request passes through after one comparison of the method. Only requests signed
for S3 are looked at.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from strongroom.local.front_door.aws_request import signer
from strongroom.local.front_door.retention_rule import (
    MODES,
    Refusal,
    Retention,
    retention_change_refusal,
)

_S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
_MODE_HEADER = "x-amz-object-lock-mode"
_UNTIL_HEADER = "x-amz-object-lock-retain-until-date"
_LOOKED_AT = frozenset({"GET", "PUT"})
# Headers of the PUT that describe its body, left out of the HEAD made to read the retention.
_BODY_HEADERS = ("CONTENT_TYPE", "HTTP_CONTENT_MD5", "HTTP_TRANSFER_ENCODING")
_HEAD_ERRORS = {
    403: Refusal(403, "AccessDenied", "Access Denied"),
    404: Refusal(404, "NoSuchKey", "The specified key does not exist."),
    405: Refusal(
        405, "MethodNotAllowed", "The specified method is not allowed against this resource."
    ),
}


class MalformedRetention(ValueError):
    """The body of a PutObjectRetention is not S3's ``<Retention>``."""


class ObjectLockGuard:
    """Wraps ``app`` (moto's ``DomainDispatcherApplication``); see the module's docstring."""

    def __init__(self, app: WSGIApplication) -> None:
        self._app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "")
        if method not in _LOOKED_AT or "retention" not in environ.get("QUERY_STRING", ""):
            return self._app(environ, start_response)
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        signed_for = signer(environ.get("HTTP_AUTHORIZATION", ""), environ["QUERY_STRING"])[1]
        if "retention" not in query or signed_for != "s3":
            return self._app(environ, start_response)
        if method == "GET":
            return self._get_retention(environ, query, start_response)
        return self._put_retention(environ, query, start_response)

    def _get_retention(
        self, environ: WSGIEnvironment, query: dict[str, list[str]], start_response: StartResponse
    ) -> Iterable[bytes]:
        status, current = self._current(environ, query)
        if status != 200:
            return _error(start_response, _HEAD_ERRORS.get(status, _internal(status)))
        if current.mode is None or current.retain_until is None:
            return _error(
                start_response,
                Refusal(
                    404,
                    "NoSuchObjectLockConfiguration",
                    "The specified object does not have a ObjectLock configuration",
                ),
            )
        until = current.retain_until.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<Retention xmlns="{_S3_NAMESPACE}"><Mode>{current.mode}</Mode>'
            f"<RetainUntilDate>{until}Z</RetainUntilDate></Retention>"
        ).encode()
        return _answer(start_response, 200, body)

    def _put_retention(
        self, environ: WSGIEnvironment, query: dict[str, list[str]], start_response: StartResponse
    ) -> Iterable[bytes]:
        body = request_body(environ)
        environ["wsgi.input"] = io.BytesIO(body)  # moto reads it again
        environ["CONTENT_LENGTH"] = str(len(body))
        try:
            requested = parse_retention(body)
        except MalformedRetention:
            return _error(
                start_response,
                Refusal(
                    400,
                    "MalformedXML",
                    "The XML you provided was not well-formed or did not validate against our "
                    "published schema",
                ),
            )
        status, current = self._current(environ, query)
        if status == 200:
            bypass = environ.get("HTTP_X_AMZ_BYPASS_GOVERNANCE_RETENTION", "").lower() == "true"
            refusal = retention_change_refusal(
                current, requested, bypass_governance=bypass, now=datetime.now(UTC)
            )
            if refusal is not None:
                return _error(start_response, refusal)
        return self._app(environ, start_response)  # moto answers a missing key or bucket itself

    def _current(
        self, environ: WSGIEnvironment, query: dict[str, list[str]]
    ) -> tuple[int, Retention]:
        """HEAD of the version the request names, through moto: its status and retention."""
        head = {name: value for name, value in environ.items() if name not in _BODY_HEADERS}
        version = query.get("versionId", [])
        head.update(
            REQUEST_METHOD="HEAD",
            QUERY_STRING=urlencode({"versionId": version[-1]}) if version else "",
            CONTENT_LENGTH="0",
        )
        head["wsgi.input"] = io.BytesIO(b"")
        answer: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *_: Any) -> Any:
            answer["status"] = int(status.split(" ", 1)[0])
            answer["headers"] = {name.lower(): value for name, value in headers}
            return lambda _: None

        chunks = self._app(head, capture)
        try:
            for _ in chunks:
                pass
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        headers: dict[str, str] = answer.get("headers", {})
        return answer.get("status", 500), _retention_from_headers(headers)


def parse_retention(body: bytes) -> Retention:
    """S3's ``<Retention>`` body; both elements or neither (no retention)."""
    try:
        # expat (2.4+) refuses entity expansion attacks, and the endpoint is loopback only.
        root = ElementTree.fromstring(body)  # noqa: S314
    except ElementTree.ParseError as error:
        raise MalformedRetention(str(error)) from None
    if _local_name(root.tag) != "Retention":
        raise MalformedRetention(f"root element {root.tag}")
    values = {_local_name(child.tag): (child.text or "").strip() for child in root}
    mode, until = values.get("Mode"), values.get("RetainUntilDate")
    if mode is None and until is None:
        return Retention()
    if mode not in MODES or not until:
        raise MalformedRetention(f"Mode {mode!r}, RetainUntilDate {until!r}")
    return Retention(mode, _timestamp(until))


def _retention_from_headers(headers: dict[str, str]) -> Retention:
    mode, until = headers.get(_MODE_HEADER), headers.get(_UNTIL_HEADER)
    if mode not in MODES or not until:
        return Retention()
    try:
        return Retention(mode, _timestamp(until))
    except MalformedRetention:
        return Retention()


def _timestamp(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise MalformedRetention(f"RetainUntilDate {text!r}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def request_body(environ: WSGIEnvironment) -> bytes:
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH") or ""
    if length.isdigit():
        return bytes(stream.read(int(length)))
    if environ.get("wsgi.input_terminated"):  # chunked: the server ends the stream
        return bytes(stream.read())
    return b""


def _internal(status: int) -> Refusal:
    return Refusal(500, "InternalError", f"reading the object's retention answered {status}")


def _error(start_response: StartResponse, refusal: Refusal) -> Iterable[bytes]:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{refusal.code}</Code><Message>{escape(refusal.message)}</Message></Error>"
    ).encode()
    return _answer(start_response, refusal.status, body)


def _answer(start_response: StartResponse, status: int, body: bytes) -> Iterable[bytes]:
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))],
    )
    return [body]
