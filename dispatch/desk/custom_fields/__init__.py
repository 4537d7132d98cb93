"""Admin-defined ticket fields: their definitions and the validation of a ticket's values."""
