"""Background tasks of the field capability."""
