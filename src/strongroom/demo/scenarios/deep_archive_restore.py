"""Deep archive restore: files back from Deep Archive zips, byte-identical, one message each.

Runs after the deep_archive scenario and restores from what its archive job left: the reports
of prefix ``deep_archive.PREFIX``, most file names present in four branch folders.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from strongroom.core.localdev import LOCAL_ACCOUNT_ID
from strongroom.deep_archive.localdev import DEMO_BUCKET, DEMO_PROJECT, demo_files, demo_topic_arn
from strongroom.demo.narration import Narrator, StepFailed, check, wait_for
from strongroom.demo.scenarios.archive_catalog import Catalog, CatalogEntry, readable
from strongroom.demo.scenarios.deep_archive import FILES, PREFIX, SYSTEM
from strongroom.local.api_client import ApiClient, ApiResponse
from strongroom.local.control_client import call
from strongroom.local.stack import LocalStack

FINAL_STATUSES = frozenset({"COMPLETED", "PARTIAL", "FAILED"})
REPEATED_NAME = f"5000_{PREFIX}_000.csv"
UNKNOWN_NAME = f"5000_{PREFIX}_999999.csv"
BRANCH_FOLDERS = 4
RESTORE_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class _Requested:
    restore_id: str
    entry: CatalogEntry
    cold: bool
    """The archive held no restored copy when asked: the restore must be seen running first."""


class _Restores:
    def __init__(self, stack: LocalStack) -> None:
        outputs = next(item.outputs for item in stack.stacks if item.system == SYSTEM)
        assert stack.endpoints is not None
        self.endpoints = stack.endpoints
        self.state_dir = stack.options.state_dir
        self.s3 = stack.client("s3")
        self.api = ApiClient(
            outputs["ApiUrl"], stack.mint_token(["deep_archive/restore", "deep_archive/read"])
        )
        self.restore_bucket = outputs["RestoreBucketName"]
        self.catalog = Catalog(self.s3, outputs["ArchiveBucketName"])
        self.region = stack.options.region
        self.topic = demo_topic_arn(self.region)

    def post(self, filename: str, **changes: Any) -> ApiResponse:
        """The seed's restore body, for the demo project and the topic it registered."""
        body = {
            "project_name": DEMO_PROJECT,
            "filename": filename,
            "account": LOCAL_ACCOUNT_ID,
            "region": self.region,
            "retrieval_tier": "Standard",
            "sns_topic_arn": self.topic,
            **changes,
        }
        return self.api.post("restore", body=body)

    def entry(self, key: str) -> CatalogEntry:
        """The newest catalog entry of ``key``, found by its bare file name as a restore is."""
        versions = self.catalog.find_by_file_name(DEMO_PROJECT, key.rsplit("/", 1)[-1])
        newest = [entry for entry in versions if entry.key == key][-1:]
        if not newest:
            raise StepFailed(f"{key} is not in the catalog")
        return newest[0]

    def is_cold(self, entry: CatalogEntry) -> bool:
        head = self.s3.head_object(Bucket=entry.archive_bucket, Key=entry.archive_key)
        return not readable(head)

    def accepted(self, answer: ApiResponse, entry: CatalogEntry, *, cold: bool) -> _Requested:
        check(answer.status == 202, f"answered {answer.status}: {answer.message}")
        body = answer.body
        check(body["retrieval_tier"] == "Standard", f"tier {body['retrieval_tier']}")
        check(
            [file["source"] for file in body["files"]] == [f"s3://{DEMO_BUCKET}/{entry.key}"],
            f"files {body['files']}",
        )
        return _Requested(str(body["restore_id"]), entry, cold)

    def deliveries(self, restore_id: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = call(
            self.endpoints, "GET", f"/notifications?topic={quote(self.topic)}"
        )
        return [row for row in rows if json.loads(row["message"]).get("restore_id") == restore_id]


def unique_names() -> list[str]:
    """File names the deep_archive scenario archived exactly once (a bare name can restore)."""
    names = Counter(file.key.rsplit("/", 1)[1] for file in demo_files(PREFIX, FILES))
    return sorted(name for name, count in names.items() if count == 1)


def deep_archive_restore_scenario(stack: LocalStack, narrator: Narrator) -> None:
    narrator.chapter(
        SYSTEM,
        "Deep archive: restore single files (seed 004)",
        "POST /restore finds a file in the catalog, restores only the archive holding it, reads "
        "the file back with one ranged GET, checks its CRC-32 and SHA-256, writes it to the "
        "restore bucket with its content type and metadata, and publishes one SNS message. "
        "Archived objects take a few seconds to restore here (hours on AWS).",
    )
    restores = _Restores(stack)
    requested: list[_Requested] = []
    requested.append(_bare_name(narrator, restores, unique_names()[0]))
    keys = _ambiguous(narrator, restores, "A name in 4 folders is not guessed: 409 lists them")
    requested.append(_full_key(narrator, restores, keys))
    _refusals(narrator, restores, requested[-1].entry)
    views = _restored(narrator, restores, requested)
    _notified(narrator, restores, views)


def _bare_name(narrator: Narrator, restores: _Restores, name: str) -> _Requested:
    with narrator.step(f"Restore by bare name, as the seed asks: {name} (202)"):
        found = restores.catalog.find_by_file_name(DEMO_PROJECT, name)
        check(len(found) == 1, f"{name} is catalogued {len(found)} times")
        entry = found[0]
        cold = restores.is_cold(entry)
        requested = restores.accepted(restores.post(name), entry, cold=cold)
        narrator.say(
            f"HTTP 202: restore_id {requested.restore_id} for {entry.key}, held in "
            f"s3://{entry.archive_bucket}/{entry.archive_key} at byte {entry.data_offset}."
        )
        return requested


def _ambiguous(narrator: Narrator, restores: _Restores, description: str) -> list[str]:
    with narrator.step(description):
        answer = restores.post(REPEATED_NAME)
        check(answer.status == 409, f"answered {answer.status}: {answer.message}")
        keys = list(answer.body["matches"][REPEATED_NAME])
        check(len(keys) == BRANCH_FOLDERS, f"{REPEATED_NAME} matched {keys}")
        check(
            {key.split("/")[1] for key in keys} == {"north", "south", "east", "west"},
            f"matches {keys} are not the four branch folders",
        )
        narrator.say(
            f"The seed's lookup would restore one of these at random; the API lists all "
            f"{len(keys)}: {', '.join(keys)}"
        )
        return keys


def _full_key(narrator: Narrator, restores: _Restores, keys: list[str]) -> _Requested:
    with narrator.step("Restore by full key, the same seed body otherwise (202)"):
        # An archive without a restored copy (the deep_archive scenario restored one itself),
        # so this restore is seen running, then done.
        entries = [restores.entry(key) for key in keys]
        entry = next((entry for entry in entries if restores.is_cold(entry)), None)
        if entry is None:
            raise StepFailed(f"every archive holding {', '.join(keys)} was restored already")
        answer = restores.post(entry.key)
        requested = restores.accepted(answer, entry, cold=True)
        narrator.say(
            f"HTTP 202: restore_id {requested.restore_id}, status {answer.body['status']}, "
            f"follow {answer.body['status_url']}; the file lives in "
            f"s3://{entry.archive_bucket}/{entry.archive_key} at byte {entry.data_offset}."
        )
        return requested


def _refusals(narrator: Narrator, restores: _Restores, entry: CatalogEntry) -> None:
    with narrator.step("An unknown name is refused, listing it (404)"):
        answer = restores.post(UNKNOWN_NAME)
        check(answer.status == 404, f"answered {answer.status}: {answer.message}")
        check(answer.body["unknown"] == [UNKNOWN_NAME], f"unknown {answer.body['unknown']}")
        narrator.say(f"HTTP 404: {answer.message}")
    with narrator.step("Expedited retrieval for a Deep Archive file is refused, saying why (400)"):
        answer = restores.post(entry.key, retrieval_tier="Expedited")
        check(answer.status == 400, f"answered {answer.status}: {answer.message}")
        check(answer.body["storage_class"] == "DEEP_ARCHIVE", f"{answer.body}")
        check(answer.body["allowed"] == ["Standard", "Bulk"], f"allowed {answer.body['allowed']}")
        narrator.say(f"HTTP 400: {answer.message}")


def _restored(
    narrator: Narrator, restores: _Restores, requested: list[_Requested]
) -> list[dict[str, Any]]:
    with narrator.step("The restores run, then complete: every file back byte-identical"):
        seen: dict[str, list[str]] = {item.restore_id: [] for item in requested}
        finals: dict[str, dict[str, Any]] = {}

        def all_final() -> list[dict[str, Any]] | None:
            for item in requested:
                if item.restore_id in finals:
                    continue
                answer = restores.api.get("restores", item.restore_id)
                check(answer.status == 200, f"GET /restores answered {answer.status}")
                statuses = seen[item.restore_id]
                if not statuses or statuses[-1] != answer.body["status"]:
                    statuses.append(str(answer.body["status"]))
                if answer.body["status"] in FINAL_STATUSES:
                    finals[item.restore_id] = dict(answer.body)
            if len(finals) < len(requested):
                return None
            return [finals[item.restore_id] for item in requested]

        views = wait_for(all_final, timeout=RESTORE_TIMEOUT_SECONDS, what="the restores to end")
        ids = {item.restore_id for item in requested}

        def logged() -> dict[str, tuple[int, int]] | None:
            found = _archive_reads(restores.state_dir)
            return found if ids <= {key for key, (gets, _) in found.items() if gets} else None

        reads = wait_for(logged, what="the restore worker's log of its reads")
        for item, view in zip(requested, views, strict=True):
            statuses = seen[item.restore_id]
            narrator.say(f"{item.entry.key}: {' -> '.join(statuses)}")
            check(view["status"] == "COMPLETED", f"restore ended {view['status']}: {view}")
            check(not item.cold or "RESTORING" in statuses, f"never seen running: {statuses}")
            _check_copy(narrator, restores, item, view)
            gets, read = reads.get(item.restore_id, (0, 0))
            check(gets == 1, f"the worker made {gets} ranged GETs of the archive for one file")
            check(
                read == item.entry.compressed_size,
                f"the worker read {read} bytes, the file's compressed size is "
                f"{item.entry.compressed_size}",
            )
            narrator.say(f"    1 ranged GET of the archive, {read:,} bytes: 0 bytes over")
        narrator.run(restores.state_dir, "restore", "status", str(views[-1]["restore_id"]))
        return views


def _check_copy(
    narrator: Narrator, restores: _Restores, item: _Requested, view: dict[str, Any]
) -> None:
    restored_key = f"restores/{item.restore_id}/{item.entry.key}"
    location = view["files"][0]["location"]
    check(location == f"s3://{restores.restore_bucket}/{restored_key}", f"location {location}")
    copy = restores.s3.get_object(Bucket=restores.restore_bucket, Key=restored_key)
    source = restores.s3.get_object(Bucket=DEMO_BUCKET, Key=item.entry.key)
    copy_sha, source_sha = (
        hashlib.sha256(response["Body"].read()).hexdigest() for response in (copy, source)
    )
    check(copy_sha == source_sha, f"SHA-256 {copy_sha} differs from the source's {source_sha}")
    check(
        copy["ContentType"] == source["ContentType"],
        f"content type {copy['ContentType']} vs {source['ContentType']}",
    )
    check(
        copy["Metadata"] == source["Metadata"],
        f"metadata {copy['Metadata']} vs {source['Metadata']}",
    )
    narrator.say(
        f"  SHA-256 {copy_sha[:16]}... on both sides; content type {copy['ContentType']} and "
        f"metadata {copy['Metadata']} kept."
    )


def _notified(narrator: Narrator, restores: _Restores, views: list[dict[str, Any]]) -> None:
    with narrator.step("Each request sends exactly one SNS message, file by file"):
        for view in views:
            _one_notification(narrator, restores, view)
        narrator.run(restores.state_dir, "notifications", "--topic", restores.topic)


def _one_notification(narrator: Narrator, restores: _Restores, view: dict[str, Any]) -> None:
    restore_id = str(view["restore_id"])
    deliveries = wait_for(
        lambda: restores.deliveries(restore_id),
        timeout=RESTORE_TIMEOUT_SECONDS,
        what=f"the notification of restore {restore_id}",
    )
    check(len(deliveries) == 1, f"restore {restore_id} was notified {len(deliveries)} times")
    delivery = deliveries[0]
    message = json.loads(delivery["message"])
    check(message["status"] == "COMPLETED", f"notified status {message['status']}")
    check(message["counts"] == view["counts"], f"notified counts {message['counts']}")
    check(_same_results(message, view), f"notified files {message['files']}")
    recorded = wait_for(
        lambda: _sent_notification(restores, restore_id),
        timeout=RESTORE_TIMEOUT_SECONDS,
        what=f"restore {restore_id} to record its notification",
    )
    check(
        recorded["message_id"] == delivery["message_id"],
        f"GET /restores shows message id {recorded['message_id']}, SNS delivered "
        f"{delivery['message_id']}",
    )
    narrator.say(f"{restore_id}: message id {delivery['message_id']} to {restores.topic}")
    narrator.say(f"subject: {delivery['subject']}")


def _sent_notification(restores: _Restores, restore_id: str) -> dict[str, Any] | None:
    notification = restores.api.get("restores", restore_id).body.get("notification")
    return dict(notification) if notification and notification["state"] == "SENT" else None


def _same_results(message: dict[str, Any], view: dict[str, Any]) -> bool:
    """The message's per-file results are what GET /restores shows (less its extra fields)."""
    notified, shown = message["files"], view["files"]
    return len(notified) == len(shown) and all(
        all(value == listed.get(name) for name, value in file.items())
        for file, listed in zip(notified, shown, strict=True)
    )


def _archive_reads(state_dir: Path) -> dict[str, tuple[int, int]]:
    """Per restore id, the ranged GETs and bytes the restore worker logged reading archives."""
    reads: dict[str, tuple[int, int]] = {}
    for log in (state_dir / "logs").glob("*restore-worker.log"):
        for line in log.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line) if line.startswith("{") else {}
            if entry.get("message") != "restore advanced":
                continue
            gets, read = reads.get(entry["restore_id"], (0, 0))
            reads[entry["restore_id"]] = (
                gets + int(entry.get("ranged_gets", 0)),
                read + int(entry.get("bytes_read", 0)),
            )
    return reads
