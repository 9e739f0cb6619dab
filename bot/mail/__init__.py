"""Mail to registrants who are not on Slack: templates, message building, SMTP delivery, unsubscribe tokens.

Mail is queued in the same durable outbox as Slack calls (method `METHOD`, pseudo-channel `CHANNEL`), so it is
idempotent by key, paced, and retried while the SMTP server is down. The outbox worker hands each item to
`bot.mail.delivery.deliver_queued`.
"""

METHOD = "mail.send"
CHANNEL = "mail"         # one pacing slot for all mail: the organization's relay sees a steady trickle
INTERVAL = 0.05          # seconds between two mails (20 a second at most)
