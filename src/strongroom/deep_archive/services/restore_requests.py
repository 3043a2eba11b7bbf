"""Restore requests: start one (resolve, record, hand to the restore worker), or read one.

The API only records and enqueues; the worker (``restore_worker``) talks to S3. If the enqueue
fails the request is still recorded and open, and the scheduled sweep starts it within the hour.
"""

from __future__ import annotations

from http import HTTPStatus

from botocore.exceptions import BotoCoreError, ClientError

from strongroom.core.http_errors import ApiError
from strongroom.core.observability import logger
from strongroom.deep_archive.adapters.item_codec import to_millis
from strongroom.deep_archive.adapters.restore_catalog import PrefetchedLookups
from strongroom.deep_archive.domain.restore_lookup import full_key_addresses, resolve_restore
from strongroom.deep_archive.domain.restores import RestoreFile, RestoreRecord, RestoreRequest
from strongroom.deep_archive.services.archive_jobs import refusals_counted
from strongroom.deep_archive.services.ports import Ports


def start_restore(ports: Ports, request: RestoreRequest) -> tuple[RestoreRecord, list[RestoreFile]]:
    """Record the restore ``request`` asks for and enqueue it; raises what resolving raises."""
    project = ports.projects.get(request.project_name)
    catalog = ports.catalog
    if project is not None and project.name == request.project_name:
        addresses = [
            address
            for reference in request.references
            for address in full_key_addresses(reference, project)
        ]
        if addresses:
            catalog = PrefetchedLookups(catalog, project.name, addresses)
    with refusals_counted():  # as before: an unregistered project counts as a refused request
        tier, resolved = resolve_restore(request, project, ports.deployment, catalog, ports.listing)
    now = to_millis(ports.clock())
    restore_id = ports.new_restore_id()
    record = RestoreRecord(
        restore_id=restore_id,
        project=request.project_name,
        retrieval_tier=tier,
        sns_topic_arn=request.sns_topic_arn,
        restore_bucket=ports.restore_bucket,
        file_count=len(resolved),
        created_at=now,
    )
    files = [
        RestoreFile(index=index, requested=file.requested, entry=file.entry, updated_at=now)
        for index, file in enumerate(resolved)
    ]
    ports.restores.create(record, files)
    try:
        ports.queue.start(restore_id)
    except (BotoCoreError, ClientError):
        logger.exception(
            "restore recorded but not enqueued: the sweep will start it", restore_id=restore_id
        )
    return record, files


class UnknownRestore(ApiError):
    def __init__(self, restore_id: str) -> None:
        super().__init__(
            f"no restore request {restore_id!r}",
            status=HTTPStatus.NOT_FOUND,
            restore_id=restore_id,
        )
        self.restore_id = restore_id


def find_restore(ports: Ports, restore_id: str) -> tuple[RestoreRecord, list[RestoreFile]]:
    found = ports.restores.get(restore_id)
    if found is None:
        raise UnknownRestore(restore_id)
    return found
