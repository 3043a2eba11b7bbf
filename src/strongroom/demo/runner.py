"""Brings up a fresh local stack in-process, runs every scenario, prints a summary."""

from __future__ import annotations

import shutil
import traceback
from pathlib import Path

from rich.console import Console
from rich.table import Table

from strongroom.demo.narration import Narrator, StepFailed, StepResult
from strongroom.demo.scenarios import SCENARIOS
from strongroom.local.s3_restore import DEFAULT_RESTORE_DELAY_SECONDS
from strongroom.local.stack import LocalStack, StackOptions


def run_demo(
    state_dir: Path,
    console: Console,
    *,
    restore_delay_seconds: float = DEFAULT_RESTORE_DELAY_SECONDS,
) -> bool:
    """True when every step of every scenario was verified."""
    shutil.rmtree(state_dir, ignore_errors=True)
    narrator = Narrator(console)
    invocations: list[str] = []
    options = StackOptions(
        state_dir=state_dir,
        log=invocations.append,
        restore_delay_seconds=restore_delay_seconds,
    )
    with console.status("Starting the local stack (emulator, templates, functions)..."):
        stack = LocalStack(options)
        stack.start()
    try:
        console.print(f"Local stack up: AWS endpoint {stack.emulator.url}")
        for scenario in SCENARIOS:
            try:
                scenario(stack, narrator)
            except StepFailed:
                console.print(f"[red]Scenario {narrator.system} stopped at its first failed step.")
            except Exception as error:
                narrator.results.append(_crash(narrator.system, error))
                console.print(traceback.format_exc(), highlight=False)
    finally:
        with console.status("Stopping the local stack..."):
            stack.stop()
    _summary(console, narrator, len(invocations))
    return narrator.all_passed


def _crash(system: str, error: Exception) -> StepResult:
    return StepResult(system, f"scenario crashed: {type(error).__name__}", False, 0.0, str(error))


def _summary(console: Console, narrator: Narrator, invocations: int) -> None:
    table = Table("system", "step", "result", "seconds", title="strongroom demo")
    for result in narrator.results:
        verdict = "[green]verified" if result.passed else f"[red]FAILED[/] {result.detail}"
        table.add_row(result.system, result.description, verdict, f"{result.seconds:.1f}")
    console.print(table)
    passed = sum(result.passed for result in narrator.results)
    console.print(
        f"{passed}/{len(narrator.results)} steps verified; {invocations} function invocations.",
        style="bold green" if narrator.all_passed else "bold red",
    )
