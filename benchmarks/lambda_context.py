"""A Lambda context for calling handlers in-process, as the Lambda runtime would."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BenchmarkContext:
    function_name: str
    memory_limit_in_mb: int = 256
    aws_request_id: str = "benchmark"
    region: str = "eu-west-1"
    account_id: str = "123456789012"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000
