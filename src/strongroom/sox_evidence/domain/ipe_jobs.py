"""What the function hands a container IPE's Batch job: enough to run it as the function would.

The function chooses the run id, so its answer names the run record the job will write; the
job's command takes each field as a Batch parameter (``Ref::run_id``, ...), in this order.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from strongroom.sox_evidence.domain.catalog import IPE_ID_PATTERN
from strongroom.sox_evidence.domain.runs import RUN_ID_PATTERN, Trigger

JOB_PARAMETERS = ("ipe_id", "cutoff_date", "run_id", "trigger", "cutoff_source", "requester")
"""The job definition's parameters, in the order its command passes them."""


class InvalidJobArguments(ValueError):
    pass


class IpeJobRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    ipe_id: str = Field(pattern=IPE_ID_PATTERN)
    cutoff_date: date
    run_id: str = Field(pattern=RUN_ID_PATTERN)
    trigger: Trigger
    cutoff_source: Literal["event", "setting", "default"]
    requester: str = Field(min_length=1, max_length=256)

    @property
    def job_name(self) -> str:
        """Batch's job name (letters, digits, ``-`` and ``_``, at most 128)."""
        return f"sox-{self.ipe_id}-{self.cutoff_date:%Y%m%d}-{self.run_id}"

    def parameters(self) -> dict[str, str]:
        return {name: str(getattr(self, name)) for name in JOB_PARAMETERS}

    @classmethod
    def from_arguments(cls, arguments: list[str]) -> IpeJobRequest:
        if len(arguments) != len(JOB_PARAMETERS):
            raise InvalidJobArguments(
                f"expected {len(JOB_PARAMETERS)} arguments ({' '.join(JOB_PARAMETERS)}), "
                f"got {len(arguments)}"
            )
        try:
            return cls.model_validate(dict(zip(JOB_PARAMETERS, arguments, strict=True)))
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
                for problem in error.errors(include_url=False, include_input=False)
            )
            raise InvalidJobArguments(problems) from None
