"""Lambda entry points only: the API (archive and restore routes), the monthly cron, the restore
worker and sweep. Each parses its event, calls one service through ``wiring`` and shapes the answer.
"""
