"""Background tasks of the billing capability."""
