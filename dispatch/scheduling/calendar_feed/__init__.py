"""Technicians' iCalendar feeds and the calendar files mailed to customers."""
