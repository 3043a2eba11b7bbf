"""Narrated steps: each one prints what it does, checks it, and is remembered for the summary."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from rich.console import Console, RenderableType
from rich.panel import Panel

T = TypeVar("T")


class StepFailed(AssertionError):
    """A demo step did not see what it expected."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed(message)


def wait_for(
    probe: Callable[[], T | None], *, timeout: float = 30.0, interval: float = 0.2, what: str
) -> T:
    """Poll ``probe`` until it returns something truthy; event sources deliver asynchronously."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise StepFailed(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


@dataclass
class StepResult:
    system: str
    description: str
    passed: bool
    seconds: float
    detail: str = ""


@dataclass
class Narrator:
    console: Console
    system: str = ""
    results: list[StepResult] = field(default_factory=list)

    def chapter(self, system: str, title: str, story: str) -> None:
        self.system = system
        self.console.rule(f"[bold]{title}")
        self.console.print(story, highlight=False)

    def say(self, text: str) -> None:
        self.console.print(f"  {text}", highlight=False)

    def show(self, renderable: RenderableType, title: str | None = None) -> None:
        self.console.print(Panel(renderable, title=title, expand=False))

    @contextmanager
    def step(self, description: str) -> Iterator[None]:
        started = time.monotonic()
        self.console.print(f"[bold cyan]→[/] {description}", highlight=False)
        try:
            yield
        except StepFailed as failure:
            self._record(description, started, passed=False, detail=str(failure))
            self.console.print(f"  [bold red]✗ failed:[/] {failure}", highlight=False)
            raise
        self._record(description, started, passed=True)
        self.console.print(f"  [green]✓ verified[/] [dim]({time.monotonic() - started:.1f}s)[/]")

    def _record(self, description: str, started: float, *, passed: bool, detail: str = "") -> None:
        self.results.append(
            StepResult(self.system, description, passed, time.monotonic() - started, detail)
        )

    @property
    def all_passed(self) -> bool:
        return bool(self.results) and all(result.passed for result in self.results)
