"""A DeadLetterQueue that keeps what was parked, for unit tests and demos."""

from __future__ import annotations

from strongroom.login_activity.adapters.dead_letter_queue import DeadLetter


class InMemoryDeadLetterQueue:
    def __init__(self) -> None:
        self.letters: list[DeadLetter] = []

    def send(self, letter: DeadLetter) -> None:
        self.letters.append(letter)
