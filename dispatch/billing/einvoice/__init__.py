"""EN 16931 e-invoices written from an ``InvoiceDocument``: CII (Factur-X) and Peppol BIS Billing 3.0 UBL."""
