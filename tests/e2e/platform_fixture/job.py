"""A Batch job of the test-only stack: records that it ran, fails or sleeps when told to."""

from __future__ import annotations

import os
import sys
import time

import boto3


def main(label: str) -> int:
    if label == "sleep":
        time.sleep(120)
    index = os.environ.get("AWS_BATCH_JOB_ARRAY_INDEX", "-")
    attempt = os.environ["AWS_BATCH_JOB_ATTEMPT"]
    boto3.client("dynamodb").put_item(
        TableName=os.environ["SEEN_TABLE_NAME"],
        Item={
            "id": {"S": f"batch:{label}:{index}:{attempt}"},
            "job_id": {"S": os.environ["AWS_BATCH_JOB_ID"]},
        },
    )
    return 3 if label == "fail" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
