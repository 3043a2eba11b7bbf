"""What code outside login_activity (the CLI, its local seed data) may import: nothing else of it.

The import contracts in .importlinter keep the rest of the package private to it.
"""

from __future__ import annotations

from strongroom.login_activity.domain.events import LoginEvent

__all__ = [
    "LoginEvent",
]
