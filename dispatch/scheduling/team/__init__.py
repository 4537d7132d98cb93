"""Technicians: skills, home base, working hours, absences and bulk reassignment."""
