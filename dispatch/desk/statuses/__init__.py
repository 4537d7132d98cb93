"""Ticket statuses: admins add, rename, reorder and remove them; the built-ins stay."""
