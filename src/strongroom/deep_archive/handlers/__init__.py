"""Lambda entry points of the cold archive: the archive API and the monthly cron."""
