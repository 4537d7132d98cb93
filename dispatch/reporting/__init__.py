"""Reports for the office: hours per technician, job, customer or ticket; CSV exports for accountants."""
