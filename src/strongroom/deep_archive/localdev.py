"""Demo data for the local stack: a source bucket full of small files and a project owning it.

With ``strongroom up`` running, the seed's sample archive request works as is, adapted to the
``demo`` project: ``{"project_name": "demo", "bucket_name": "strongroom-demo-source",
"prefix": "20250410", ...}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from strongroom.core.localdev import LOCAL_ACCOUNT_ID, LocalDev, SeedTarget
from strongroom.deep_archive.public import (
    DynamoDBProjectStore,
    MonthlySchedule,
    Project,
    SourceLocation,
)

# The one source bucket the packer's role may read locally (the template's SourceBucketArns).
DEMO_BUCKET = "strongroom-demo-source"
DEMO_PROJECT = "demo"
DEMO_TOPIC = "strongroom-demo-restores"
SEED_PREFIX = "20250410"
BRANCHES = ("north", "south", "east", "west")
UPLOAD_THREADS = 8


@dataclass(frozen=True)
class DemoFile:
    key: str
    body: bytes
    content_type: str
    metadata: dict[str, str]


def demo_files(prefix: str, count: int) -> Iterator[DemoFile]:
    """``count`` small CSV reports under ``prefix``, the same file names in every branch folder
    (the seed's public implementation lost all but one of such files), the last one a summary
    whose name is unique (a bare name a restore request can use as the seed does)."""
    for index in range(count):
        branch = BRANCHES[index % len(BRANCHES)]
        number = index // len(BRANCHES)
        rows = "".join(f"{number},{branch},{(number * 7919 + row) % 10007}\n" for row in range(40))
        name = (
            f"5000_{prefix}_summary.csv"
            if index == count - 1
            else f"5000_{prefix}_{number:03d}.csv"
        )
        yield DemoFile(
            key=f"{prefix}/{branch}/{name}",
            body=f"report,branch,value\n{rows}".encode(),
            content_type="text/csv",
            metadata={"branch": branch, "quality-check": "passed"},
        )


def put_demo_files(s3: Any, bucket: str, files: Iterator[DemoFile]) -> int:
    def put(file: DemoFile) -> None:
        s3.put_object(
            Bucket=bucket,
            Key=file.key,
            Body=file.body,
            ContentType=file.content_type,
            Metadata=file.metadata,
        )

    with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
        return sum(1 for _ in pool.map(put, files))


def ensure_bucket(s3: Any, bucket: str, region: str) -> None:
    existing = {entry["Name"] for entry in s3.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})


def demo_topic_arn(region: str, account_id: str = LOCAL_ACCOUNT_ID) -> str:
    """The topic the demo project registers for restore notifications (the template's
    RestoreTopicArns allows publishing to it)."""
    return f"arn:aws:sns:{region}:{account_id}:{DEMO_TOPIC}"


def demo_project(topic_arns: tuple[str, ...] = ()) -> Project:
    return Project(
        name=DEMO_PROJECT,
        sources=(SourceLocation(bucket=DEMO_BUCKET, prefixes=("",)),),
        storage_class="DEEP_ARCHIVE",
        file_count=500,
        archive_size_mb=50,
        schedule=MonthlySchedule(),
        notification_topic_arns=topic_arns,
    )


def seed(target: SeedTarget) -> None:
    s3 = target.client("s3")
    ensure_bucket(s3, DEMO_BUCKET, target.region)
    put_demo_files(s3, DEMO_BUCKET, demo_files(SEED_PREFIX, 200))
    projects = DynamoDBProjectStore(target.outputs["ProjectsTableName"], target.client("dynamodb"))
    target.client("sns").create_topic(Name=DEMO_TOPIC)
    projects.put(demo_project((demo_topic_arn(target.region, target.account_id),)))


LOCALDEV = LocalDev(
    # Locally the packer runs as a process from this image name, on the emulator's network.
    parameters={
        # ECR-shaped (the template derives the image pull permission from it); never pulled.
        "PackerImage": f"{LOCAL_ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/strongroom-packer",
        "SubnetIds": "subnet-00000000000000000",
        "SecurityGroupIds": "sg-00000000000000000",
        "SourceBucketArns": f"arn:aws:s3:::{DEMO_BUCKET}",
        "RestoreTopicArns": f"arn:aws:sns:*:{LOCAL_ACCOUNT_ID}:{DEMO_TOPIC}",
        # Athena is not emulated: bare names are looked up with DuckDB over the same manifests.
        "ParquetQueryEngine": "duckdb",
    },
    seed=seed,
)
