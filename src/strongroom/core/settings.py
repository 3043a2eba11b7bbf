"""Settings from the environment: one base class for every system.

A settings class names each variable once, as a field alias; it is read when first asked for
(``from_environment``), never at import, and a missing or invalid variable fails with a message
naming the variable and the rule, not a pydantic traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Self

from pydantic import BaseModel, ConfigDict, ValidationError

TABLE_NAME_PATTERN = r"^[A-Za-z0-9_.-]{3,255}$"
"""What DynamoDB accepts as a table name."""


class SettingsError(RuntimeError):
    """The function's environment lacks a variable, or holds one that breaks its rule."""


class EnvironmentSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    @classmethod
    def from_environment(cls, environment: Mapping[str, str] = os.environ) -> Self:
        try:
            return cls.model_validate(dict(environment))
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
                for problem in error.errors(include_url=False, include_input=False)
            )
            raise SettingsError(f"{cls.__name__} from the environment: {problems}") from None
