"""The customer-facing side of the desk: the public web form and following one's own ticket."""
