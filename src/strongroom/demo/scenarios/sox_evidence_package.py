"""SOX evidence, part 2: the run's evidence package in the locked bucket, verified as an auditor
would; then a doctored Parquet version is caught, a delete of locked evidence is refused by S3,
and a legal hold is set.

The doctored version is deleted at the end (the results bucket is not locked: the package's
manifest pins the original version), so the package verifies again and the demo runs the same
every time.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from botocore.exceptions import ClientError
from rich.table import Table
from rich.text import Text

from strongroom.demo.narration import Narrator, check

Strongroom = Callable[..., subprocess.CompletedProcess[str]]


class EvidenceDemo:
    """The package of one IPE run, and the commands an operator and an auditor use on it."""

    def __init__(
        self,
        narrator: Narrator,
        s3: Any,
        strongroom: Strongroom,
        state_dir: Any,
        buckets: tuple[str, str],
        run: dict[str, Any],
    ) -> None:
        self._narrator = narrator
        self._s3 = s3
        self._strongroom = strongroom
        self._state_dir = state_dir
        self._results, self._evidence = buckets
        self._run = run
        cutoff = date.fromisoformat(run["context"]["cutoff_date"])
        self._ipe = str(run["ipe_id"])
        self._address = (self._ipe, cutoff.isoformat(), "--run", str(run["run_id"]))
        self._prefix = f"evidence/{self._ipe}/{cutoff.isoformat()}/{run['run_id']}/"

    def play(self) -> None:
        self._show_package()
        self._verify_passes()
        self._delete_refused()
        self._legal_hold()
        self._doctored_parquet()

    def _versions(self) -> list[dict[str, Any]]:
        answer = self._s3.list_object_versions(Bucket=self._evidence, Prefix=self._prefix)
        versions: list[dict[str, Any]] = answer.get("Versions", [])
        return versions

    def _show_package(self) -> None:
        with self._narrator.step(
            f"The run's evidence package is in the Object Lock bucket under {self._prefix}, "
            "every object locked in COMPLIANCE mode"
        ):
            table = Table("object", "bytes", "retention", "until")
            versions = self._versions()
            check(len(versions) >= 12, f"the package holds {len(versions)} objects")
            for version in sorted(versions, key=lambda item: str(item["Key"])):
                retention = self._s3.get_object_retention(
                    Bucket=self._evidence, Key=version["Key"], VersionId=version["VersionId"]
                )["Retention"]
                check(
                    retention["Mode"] == "COMPLIANCE",
                    f"{version['Key']} is locked in {retention['Mode']}",
                )
                table.add_row(
                    str(version["Key"]).removeprefix(self._prefix),
                    f"{version['Size']:,}",
                    str(retention["Mode"]),
                    str(retention["RetainUntilDate"]),
                )
            self._narrator.show(table, title=f"s3://{self._evidence}/{self._prefix}")

    def _verify_passes(self) -> None:
        with self._narrator.step(
            "`strongroom sox verify` checks the signature, every file and every Parquet object "
            "at its version, recounts the rows and re-adds the control totals: all hold"
        ):
            self._narrator.run(self._state_dir, "sox", "verify", *self._address)

    def _delete_refused(self) -> None:
        target = next(v for v in self._versions() if str(v["Key"]).endswith("manifest.json"))
        with self._narrator.step(
            "Deleting a locked version of the manifest is refused by S3 itself (COMPLIANCE: "
            "nobody, not even the account's root, can delete it or shorten its retention)"
        ):
            try:
                self._s3.delete_object(
                    Bucket=self._evidence, Key=target["Key"], VersionId=target["VersionId"]
                )
            except ClientError as error:
                code = error.response["Error"]["Code"]
                self._narrator.say(f"s3:DeleteObject {target['Key']} → {code}")
                check(code == "AccessDenied", f"S3 answered {code}, not AccessDenied")
            else:
                check(False, "S3 deleted a locked version of the manifest")

    def _legal_hold(self) -> None:
        with self._narrator.step(
            "`strongroom sox hold --on` puts a legal hold on every object of the package (for "
            "an investigation: it outlasts the retention until it is lifted)"
        ):
            self._narrator.run(self._state_dir, "sox", "hold", *self._address, "--on")
            shown = self._narrator.run(self._state_dir, "sox", "hold", *self._address)
            check("ON" in shown, "the package's objects do not show the hold")

    def _doctored_parquet(self) -> None:
        part = self._run["parts"][0]
        doctored = _doctored(self._s3, self._results, part["key"], part["version_id"])
        with self._narrator.step(
            f"Someone writes a doctored file over {part['key']} (a new version, one row "
            "fewer): `strongroom sox verify` fails and names it"
        ):
            written = self._s3.put_object(Bucket=self._results, Key=part["key"], Body=doctored)
            try:
                width = max(self._narrator.console.width - 4, 80)
                failed = self._strongroom("sox", "verify", *self._address, columns=width)
                self._narrator.show(
                    Text.from_ansi(failed.stdout.rstrip() + "\n" + failed.stderr.rstrip()),
                    title=f"$ strongroom sox verify {' '.join(self._address)}   "
                    f"(exit {failed.returncode})",
                )
                check(failed.returncode == 1, f"verify exited {failed.returncode}, not 1")
                named = "".join((failed.stdout + failed.stderr).split())  # unwrapped
                check(part["key"] in named, f"verify does not name {part['key']}")
            finally:
                self._s3.delete_object(
                    Bucket=self._results, Key=part["key"], VersionId=written["VersionId"]
                )
        with self._narrator.step(
            "The doctored version is deleted (the results bucket is not locked; the manifest "
            "pins the original): the package verifies again"
        ):
            self._narrator.run(self._state_dir, "sox", "verify", *self._address, show=False)


def _doctored(s3: Any, bucket: str, key: str, version_id: str) -> bytes:
    """The part without its first row: what someone hiding an entry would write."""
    original = s3.get_object(Bucket=bucket, Key=key, VersionId=version_id)["Body"].read()
    table = pq.read_table(pa.BufferReader(original))
    sink = io.BytesIO()
    pq.write_table(table.slice(1), sink)
    return sink.getvalue()
