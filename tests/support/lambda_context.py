"""A Lambda context for calling handlers in-process, as the Lambda runtime would."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FakeLambdaContext:
    """What Powertools reads from the Lambda context object."""

    function_name: str = "strongroom-function"
    memory_limit_in_mb: int = 256
    aws_request_id: str = "5f1c2d3e-0000-4000-8000-000000000001"
    region: str = "eu-west-1"
    account_id: str = "123456789012"
    remaining_millis: int = 60_000

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_millis
