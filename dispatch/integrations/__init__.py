"""Hand-off to other systems: signed webhooks delivered from an outbox."""
