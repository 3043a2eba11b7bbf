"""TriggerSource on the DEX API: ``GET {base}/data-exchange/trigger?clientId=..&triggerDate=..``.

Each call is retried by stamina as the domain's RetryPolicy decides (connection errors,
timeouts, 429 and 5xx; ``Retry-After`` honoured; never past the time budget). A 401 replaces
the token once and repeats the call once. The body is returned as received, after checking it
is JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

import httpx
import stamina
from authlib.integrations.base_client import OAuthError

from strongroom.core.timefmt import utc_now
from strongroom.trigger_archive.adapters.oauth_session import OneRefreshOAuth2Client
from strongroom.trigger_archive.adapters.trigger_source import TriggerFetchFailed
from strongroom.trigger_archive.domain import (
    FailureKind,
    FetchFailure,
    RetryPolicy,
    TimeBudget,
    failure_for_status,
    parse_retry_after,
)

TRIGGER_PATH = "/data-exchange/trigger"
_REASON_CHARS = 200


class DexTriggerApi:
    def __init__(
        self,
        session: OneRefreshOAuth2Client,
        base_url: str,
        policy: RetryPolicy | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._session = session
        # the query is appended as text: a client id and an ISO date need no escaping, and
        # httpx then parses the URL once instead of three times (url, params merge, auth)
        self._url = base_url.rstrip("/") + TRIGGER_PATH
        self._policy = policy or RetryPolicy()
        self._clock = clock

    def fetch(self, client_id: int, trigger_date: date, budget: TimeBudget) -> bytes:
        retries = 0

        def wait_or_give_up(error: Exception) -> bool | float:
            nonlocal retries
            if not isinstance(error, TriggerFetchFailed):
                return False
            retries += 1
            wait = self._policy.wait_before_retry(
                error.failure, retry_number=retries, seconds_left=budget.seconds_left()
            )
            return False if wait is None else wait

        url = httpx.URL(
            f"{self._url}?clientId={int(client_id)}&triggerDate={trigger_date.isoformat()}"
        )
        for attempt in stamina.retry_context(
            on=wait_or_give_up, attempts=self._policy.max_attempts, timeout=None
        ):
            with attempt:
                return self._call(url)
        raise AssertionError("stamina ends with a return or the last error")  # pragma: no cover

    def _call(self, url: httpx.URL) -> bytes:
        response = self._get(url)
        if response.status_code == 401:
            rejected = _bearer_of(response.request)
            with _as_fetch_failures():
                self._session.replace_rejected_token(rejected)
            response = self._get(url)
        kind = failure_for_status(response.status_code)
        if kind is not None:
            raise TriggerFetchFailed(
                FetchFailure(
                    kind,
                    status=response.status_code,
                    detail=_reason(response),
                    retry_after_s=parse_retry_after(
                        response.headers.get("Retry-After"), now=self._clock()
                    ),
                )
            )
        body = response.content
        try:
            json.loads(body)
        except ValueError:
            raise TriggerFetchFailed(
                FetchFailure(FailureKind.NOT_JSON, status=response.status_code)
            ) from None
        return body

    def _get(self, url: httpx.URL) -> httpx.Response:
        with _as_fetch_failures():
            return self._session.get_with_token(url)


@contextmanager
def _as_fetch_failures() -> Iterator[None]:
    """Transport errors and token endpoint errors (a token may be fetched on the way) as
    failures the retry policy understands."""
    try:
        yield
    except httpx.TimeoutException as error:
        raise TriggerFetchFailed(
            FetchFailure(FailureKind.TIMEOUT, detail=type(error).__name__)
        ) from None
    except httpx.TransportError as error:
        raise TriggerFetchFailed(
            FetchFailure(FailureKind.CONNECTION, detail=type(error).__name__)
        ) from None
    except httpx.HTTPStatusError as error:  # the token endpoint answered 5xx or no JSON
        status = error.response.status_code
        raise TriggerFetchFailed(
            FetchFailure(
                failure_for_status(status) or FailureKind.CLIENT_ERROR,
                status=status,
                detail="from the token endpoint",
            )
        ) from None
    except OAuthError as error:
        raise TriggerFetchFailed(
            FetchFailure(FailureKind.UNAUTHORIZED, detail=f"token refused: {error.error}")
        ) from None


def _bearer_of(request: httpx.Request) -> str:
    header: str = request.headers.get("Authorization", "")
    return header.removeprefix("Bearer ").strip()


def _reason(response: httpx.Response) -> str:
    """A short reason for the error: the status phrase and the start of a text body."""
    text = response.text[:_REASON_CHARS].strip() if response.content else ""
    return f"{response.reason_phrase}: {text}" if text else response.reason_phrase
