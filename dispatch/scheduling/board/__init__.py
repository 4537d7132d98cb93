"""The dispatch board: technicians' lanes with their jobs and conflicts, and the unscheduled queue."""
