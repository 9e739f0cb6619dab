"""Background loops started in the app's lifespan: inbox (notifications in), outbox (Slack out), scheduler."""
