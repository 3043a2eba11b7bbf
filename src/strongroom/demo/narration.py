"""Narrated steps: each one prints what it does, checks it, and is remembered for the summary."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from rich.console import Console, RenderableType
from rich.panel import Panel
from rich.text import Text

T = TypeVar("T")
# The `strongroom` command of this interpreter, whatever is on PATH.
STRONGROOM = (sys.executable, "-m", "strongroom.cli")
COMMAND_TIMEOUT_SECONDS = 120


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

    def run(self, state_dir: Path, *arguments: str, show: bool = True) -> str:
        """Run ``strongroom ARGUMENTS`` against the stack in ``state_dir``, as a user would;
        show what it printed and return it. A failing command fails the step."""
        shown = " ".join(("strongroom", *arguments))
        finished = subprocess.run(  # noqa: S603 - our own command, arguments from the scenario
            [*STRONGROOM, *arguments, "--state-dir", str(state_dir)],
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
            env={**os.environ, "COLUMNS": str(max(self.console.width - 4, 80))},
            check=False,
        )
        check(
            finished.returncode == 0,
            f"`{shown}` exited {finished.returncode}: {finished.stderr.strip()[-500:]}",
        )
        if show:
            self.show(Text.from_ansi(finished.stdout.rstrip()), title=f"$ {shown}")
        return finished.stdout

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
