"""Phone intake: the agent finds or creates the caller, their contact person and asset, then logs the ticket."""
