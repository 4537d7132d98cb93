"""Canned responses: reply texts with placeholders, per language and queue."""
