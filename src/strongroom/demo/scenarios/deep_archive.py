"""Deep archive: thousands of small files packed into Deep Archive zips, catalogued, checked."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from typing import Any

from strongroom.deep_archive.localdev import DEMO_BUCKET, DEMO_PROJECT, demo_files, put_demo_files
from strongroom.demo.narration import Narrator, check, wait_for
from strongroom.demo.scenarios.archive_catalog import Catalog, read_member, readable
from strongroom.local.api_client import ApiClient
from strongroom.local.stack import LocalStack

SYSTEM = "deep_archive"
PREFIX = "20251001"
FILES = 3000
JOB_TIMEOUT_SECONDS = 240


class _Archive:
    def __init__(self, stack: LocalStack) -> None:
        outputs = next(item.outputs for item in stack.stacks if item.system == SYSTEM)
        self.stack = stack
        self.s3 = stack.client("s3")
        self.api = ApiClient(
            outputs["ApiUrl"], stack.mint_token(["deep_archive/archive", "deep_archive/read"])
        )
        self.archive_bucket = outputs["ArchiveBucketName"]
        self.catalog = Catalog(self.s3, outputs["ArchiveBucketName"])

    def submit(self, **changes: Any) -> str:
        body = {
            "project_name": DEMO_PROJECT,
            "bucket_name": DEMO_BUCKET,
            "prefix": PREFIX,
            "file_count": 1000,
            "archive_size": 5,
            "storage_class": "DEEP_ARCHIVE",
            "output_prefix": f"demo-{PREFIX}",
            **changes,
        }
        answer = self.api.post("archive", body=body)
        check(answer.status == 202, f"POST /archive answered {answer.status}: {answer.message}")
        return str(answer.body["job_id"])

    def status(self, narrator: Narrator, job_id: str) -> None:
        """``strongroom archive status JOB_ID``: the job report a user sees."""
        narrator.run(self.stack.options.state_dir, "archive", "status", job_id)

    def finished(self, job_id: str) -> dict[str, Any]:
        def done() -> dict[str, Any] | None:
            body = self.api.get("jobs", job_id).body
            return dict(body) if body["status"] in {"SUCCEEDED", "FAILED", "PLANNED"} else None

        return wait_for(done, timeout=JOB_TIMEOUT_SECONDS, interval=1.0, what=f"job {job_id}")


def deep_archive_scenario(stack: LocalStack, narrator: Narrator) -> None:
    narrator.chapter(
        SYSTEM,
        "Deep archive (seed 004)",
        "POST /archive starts a Batch job (a local process here) that lists a registered "
        "project's prefix, packs the files into ZIP64 archives streamed straight into "
        "DEEP_ARCHIVE by multipart upload, and catalogs every file in a Parquet manifest per "
        "archive (Standard-IA) with one DynamoDB record per archive: no item per file.",
    )
    archive = _Archive(stack)
    keys = _generate(narrator, archive)
    _dry_run(narrator, archive)
    job = _archive(narrator, archive, keys)
    _check_archive(narrator, archive, job)
    _guards(narrator, archive)


def _generate(narrator: Narrator, archive: _Archive) -> list[str]:
    with narrator.step(f"{FILES:,} small reports in 4 branch folders, same file names in each"):
        files = list(demo_files(PREFIX, FILES))
        put_demo_files(archive.s3, DEMO_BUCKET, iter(files))
        names = Counter(file.key.rsplit("/", 1)[1] for file in files)
        shared = sum(1 for count in names.values() if count == 4)
        # The last file is a summary whose name is unique (a bare name a restore can use).
        check(shared == FILES // 4 - 1, "all but the last names should appear in four folders")
        narrator.say(
            f"s3://{DEMO_BUCKET}/{PREFIX}/: {FILES:,} files, {len(names):,} names, "
            f"{shared:,} of them in all four folders."
        )
        return [file.key for file in files]


def _dry_run(narrator: Narrator, archive: _Archive) -> None:
    with narrator.step("A dry run plans the job and prices it, archiving nothing"):
        job_id = archive.submit(dry_run=True)
        report = archive.finished(job_id)
        check(report["status"] == "PLANNED", f"dry run ended {report['status']}")
        check(report["counts"]["archives_planned"] == 3, f"plan: {report['counts']}")
        archive.status(narrator, job_id)
        narrator.say(report["estimate"]["verdict"])


def _archive(narrator: Narrator, archive: _Archive, keys: list[str]) -> dict[str, Any]:
    with narrator.step("The job archives every file into DEEP_ARCHIVE zips and catalogs each one"):
        job_id = archive.submit()
        report = archive.finished(job_id)
        archive.status(narrator, job_id)
        counts = report["counts"]
        check(report["status"] == "SUCCEEDED", f"job ended {report['status']}: {report}")
        check(counts["files_archived"] == len(keys), f"archived {counts['files_archived']}")
        classes = {
            archive.s3.head_object(Bucket=archive.archive_bucket, Key=key)["StorageClass"]
            for key in report["archives"]
        }
        check(classes == {"DEEP_ARCHIVE"}, f"archive storage classes {classes}")
        same_name = archive.catalog.find_by_file_name(DEMO_PROJECT, f"5000_{PREFIX}_000.csv")
        check(len(same_name) == 4, f"{len(same_name)} catalog entries share the first file name")
        narrator.say(
            f"{len(report['archives'])} archives; 5000_{PREFIX}_000.csv is catalogued 4 times: "
            + ", ".join(entry.key for entry in same_name)
        )
        return report


def _check_archive(narrator: Narrator, archive: _Archive, report: dict[str, Any]) -> None:
    with narrator.step("Restored, an archive is a valid zip; one ranged GET returns one file"):
        key = report["archives"][0]
        archive.s3.restore_object(
            Bucket=archive.archive_bucket,
            Key=key,
            RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Bulk"}},
        )
        wait_for(
            lambda: readable(archive.s3.head_object(Bucket=archive.archive_bucket, Key=key)),
            what="the archive's restore to complete",
        )
        body = archive.s3.get_object(Bucket=archive.archive_bucket, Key=key)["Body"].read()
        with zipfile.ZipFile(io.BytesIO(body)) as opened:
            check(opened.testzip() is None, "zipfile found a damaged member")
            members = len(opened.namelist())
        entry = archive.catalog.find_by_file_name(DEMO_PROJECT, f"5000_{PREFIX}_000.csv")[0]
        content, fetched = read_member(archive.s3, entry)
        original = archive.s3.get_object(Bucket=DEMO_BUCKET, Key=entry.key)["Body"].read()
        check(content == original, "the ranged read differs from the source")
        narrator.say(
            f"{key}: {members} members, zipfile.testzip() clean; {entry.key} read back with one "
            f"ranged GET of {fetched} bytes at offset {entry.data_offset} (CRC-32 and SHA-256 ok)."
        )


def _guards(narrator: Narrator, archive: _Archive) -> None:
    with narrator.step("A rerun skips unchanged files; a count mismatch archives nothing"):
        rerun = archive.finished(archive.submit())
        check(
            rerun["counts"]["files_skipped_unchanged"] == FILES
            and rerun["counts"]["archives_planned"] == 0,
            f"rerun counts {rerun['counts']}",
        )
        mismatch = archive.finished(archive.submit(prefix="20250410", expected_files=999))
        check(mismatch["status"] == "FAILED", f"mismatch job ended {mismatch['status']}")
        check(not mismatch["archives"], "a mismatched job must archive nothing")
        narrator.say(f"rerun: all {FILES:,} skipped; mismatch: {mismatch['status_reason']}")
    with narrator.step("The API refuses a bucket the project did not register (403)"):
        answer = archive.api.post(
            "archive",
            body={
                "project_name": DEMO_PROJECT,
                "bucket_name": "someone-elses-bucket",
                "prefix": "",
            },
        )
        check(answer.status == 403, f"answered {answer.status}")
        narrator.say(f"HTTP 403: {answer.message}")
