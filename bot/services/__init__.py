"""Use cases of webinar-bot, free of Slack payload shapes: listeners and workers both call them."""
