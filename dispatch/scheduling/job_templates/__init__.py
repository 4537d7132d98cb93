"""Job templates and follow-up jobs."""
