"""Which witness and exclusion records the written rows hold, seen a batch at a time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from strongroom.sox_evidence.domain.catalog import IpeDefinition
from strongroom.sox_evidence.domain.checks import KeyValues


def _key_of(ipe: IpeDefinition, key: tuple[str, ...]) -> Any:
    names = [column.name for column in ipe.columns]
    positions = [names.index(name) for name in key]
    getter = itemgetter(*positions)
    if len(positions) == 1:
        return lambda row: (getter(row),)
    return getter


class KeyMembership:
    """Records, as rows pass, which of the witnesses and exclusions were written."""

    def __init__(
        self,
        ipe: IpeDefinition,
        witnesses: Iterable[KeyValues],
        exclusions: Iterable[KeyValues],
        limit: int | None = None,
    ) -> None:
        self.witnesses = set(witnesses)
        self.exclusions = set(exclusions)
        self.witnesses_capped = limit is not None and len(self.witnesses) >= limit
        self.exclusions_capped = limit is not None and len(self.exclusions) >= limit
        self.witnesses_found: set[KeyValues] = set()
        self.exclusions_found: set[KeyValues] = set()
        self.rows = 0
        self._witness_key = _key_of(ipe, ipe.witness.key)
        self._exclusion_key = _key_of(ipe, ipe.exclusion.key)

    def observe(self, rows: Sequence[Sequence[Any]]) -> None:
        self.rows += len(rows)
        if self.witnesses:
            self.witnesses_found.update(
                key for key in map(self._witness_key, rows) if key in self.witnesses
            )
        if self.exclusions:
            self.exclusions_found.update(
                key for key in map(self._exclusion_key, rows) if key in self.exclusions
            )
