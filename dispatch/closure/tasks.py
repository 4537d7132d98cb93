"""Background tasks of the closure capability."""
