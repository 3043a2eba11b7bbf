"""Builders shared by the deep_archive API unit and integration tests."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from strongroom.deep_archive.adapters.in_memory_job_launcher import RecordingJobLauncher
from strongroom.deep_archive.adapters.in_memory_jobs import InMemoryJobStore
from strongroom.deep_archive.adapters.in_memory_projects import InMemoryProjectStore
from strongroom.deep_archive.domain.intake import Deployment
from strongroom.deep_archive.domain.job_records import JobRecord, JobSettings, JobStatus
from strongroom.deep_archive.domain.projects import MonthlySchedule, Project, SourceLocation
from strongroom.deep_archive.services.ports import Ports

REGION = "eu-west-1"
ACCOUNT = "123456789012"
DEPLOYMENT = Deployment(region=REGION, account_id=ACCOUNT)
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def finance_project(**changes: Any) -> Project:
    """The seed's example: a project archiving daily folders of one source bucket."""
    values: dict[str, Any] = {
        "name": "finance",
        "sources": (SourceLocation(bucket="finance-reports-src", prefixes=("daily/", "monthly/")),),
        "output_prefix": "finance-archive",
        "storage_class": "DEEP_ARCHIVE",
        "file_count": 50_000,
        "archive_size_mb": 500,
        "schedule": MonthlySchedule(),
    }
    values.update(changes)
    return Project(**values)


class Clock:
    """A clock that moves one second each time it is read: every timestamp differs."""

    def __init__(self, start: datetime = START) -> None:
        self._ticks: Iterator[int] = itertools.count()
        self._start = start

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=next(self._ticks))


def job_ids() -> Callable[[], str]:
    numbers = itertools.count(1)
    return lambda: f"00000000-0000-4000-8000-{next(numbers):012d}"


@dataclass
class Fakes:
    projects: InMemoryProjectStore
    jobs: InMemoryJobStore
    launcher: RecordingJobLauncher
    ports: Ports


def fakes(*projects: Project) -> Fakes:
    clock = Clock()
    project_store = InMemoryProjectStore(projects)
    job_store = InMemoryJobStore(clock=clock)
    launcher = RecordingJobLauncher()
    ports = Ports(clock=clock, new_job_id=job_ids())
    ports.projects = project_store
    ports.jobs = job_store
    ports.launcher = launcher
    ports.deployment = DEPLOYMENT
    return Fakes(project_store, job_store, launcher, ports)


def job_settings(**changes: Any) -> JobSettings:
    values: dict[str, Any] = {
        "project": "finance",
        "bucket": "finance-reports-src",
        "prefix": "daily/202611",
        "output_prefix": "finance-archive",
        "storage_class": "DEEP_ARCHIVE",
        "max_files": 50_000,
        "max_bytes": 500 * 1_048_576,
    }
    values.update(changes)
    return JobSettings(**values)


def job_record(
    job_id: str = "00000000-0000-4000-8000-000000000099",
    *,
    status: JobStatus = JobStatus.SUBMITTED,
    created_at: datetime = START,
    **settings: Any,
) -> JobRecord:
    return JobRecord(
        job_id=job_id,
        settings=job_settings(**settings),
        status=status,
        created_at=created_at,
        updated_at=created_at,
    )


DEFAULT_SCOPES = ("deep_archive/archive", "deep_archive/read", "deep_archive/restore")


def http_event(
    method: str, path: str, body: Any | None = None, *, scopes: Sequence[str] = DEFAULT_SCOPES
) -> dict[str, Any]:
    """An HTTP API (payload 2.0) event as the gateway sends it after the JWT authorizer.

    The token's ``scopes`` are in the claims as API Gateway passes them: ``scope`` a string.
    """
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "host": "api.example.com"},
        "requestContext": {
            "accountId": ACCOUNT,
            "apiId": "api123",
            "domainName": "api.example.com",
            "domainPrefix": "api",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": "tests",
            },
            "authorizer": {
                "jwt": {
                    "claims": {"sub": "client-app", "scope": " ".join(scopes)},
                    "scopes": list(scopes),
                }
            },
            "requestId": "req-1",
            "routeKey": f"{method} {path}",
            "stage": "$default",
            "time": "01/Dec/2026:09:00:00 +0000",
            "timeEpoch": 1796115600000,
        },
        "body": None if body is None else body if isinstance(body, str) else json.dumps(body),
        "isBase64Encoded": False,
    }


def scheduled_event(time: str) -> dict[str, Any]:
    """EventBridge's scheduled event, as ``cron(0 3 10 * ? *)`` sends it."""
    return {
        "version": "0",
        "id": "89d1a02d-5ec7-412e-82f5-13505f849b41",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": time,
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/deep-archive-monthly"],
        "detail": {},
    }
