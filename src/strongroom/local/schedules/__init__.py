"""Local EventBridge schedules: AWS cron/rate expressions fired in UTC."""
