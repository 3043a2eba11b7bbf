"""``python -m benchmarks [name ...]``: run benchmarks and print their Markdown results."""

from __future__ import annotations

import sys
from collections.abc import Callable

from benchmarks import (
    config_audit_throughput,
    deep_archive_packer,
    deep_archive_restore,
    front_door,
    login_activity_ingest,
    sox_evidence,
    sox_evidence_package,
    trigger_archive,
)

BENCHMARKS: dict[str, Callable[[], str]] = {
    "config_audit": config_audit_throughput.run,
    "login_activity": login_activity_ingest.run,
    "deep_archive": deep_archive_packer.run,
    "deep_archive_restore": deep_archive_restore.run,
    "front_door": front_door.run,
    "trigger_archive": trigger_archive.run,
    "sox_evidence": sox_evidence.run,
    "sox_evidence_package": sox_evidence_package.run,
}


def main(names: list[str]) -> None:
    for name in names or list(BENCHMARKS):
        print(BENCHMARKS[name](), end="\n\n", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
