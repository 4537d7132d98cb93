"""Peppol BIS Billing 3.0: the document as an OASIS UBL 2.1 Invoice or CreditNote.

Element order follows the UBL 2.1 schemas; the two document kinds differ in their root, type code and
line and quantity elements, and only an invoice has a header ``DueDate`` (a credit note has none).
"""

from __future__ import annotations

from lxml import etree

from dispatch.billing.documents import InvoiceDocument, Party
from dispatch.billing.einvoice import codes
from dispatch.billing.einvoice.xml import amount, decimal, optional, serialize, sub

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"


def _a(tag: str) -> str:
    return f"{{{CAC}}}{tag}"


def _b(tag: str) -> str:
    return f"{{{CBC}}}{tag}"


def ubl_xml(document: InvoiceDocument) -> bytes:
    """The document as a Peppol BIS Billing 3.0 UBL Invoice (380) or CreditNote (381); not for drafts."""
    if document.number is None or document.issued_on is None:
        raise ValueError("A draft has no number or date; only issued documents become e-invoices.")
    credit = document.is_credit_note
    namespace, kind = (CREDIT_NOTE_NS, "CreditNote") if credit else (INVOICE_NS, "Invoice")
    root = etree.Element(f"{{{namespace}}}{kind}", nsmap={None: namespace, "cac": CAC, "cbc": CBC})
    sub(root, _b("CustomizationID"), codes.PEPPOL_CUSTOMIZATION)
    sub(root, _b("ProfileID"), codes.PEPPOL_PROFILE)
    sub(root, _b("ID"), document.number)
    sub(root, _b("IssueDate"), document.issued_on.isoformat())
    if document.due_on and not credit:
        sub(root, _b("DueDate"), document.due_on.isoformat())
    sub(root, _b(f"{kind}TypeCode"), document.type_code)
    if document.note:
        sub(root, _b("Note"), document.note)
    sub(root, _b("DocumentCurrencyCode"), document.currency)
    if document.buyer_reference:
        sub(root, _b("BuyerReference"), document.buyer_reference)
    if document.preceding_number:
        reference = sub(sub(root, _a("BillingReference")), _a("InvoiceDocumentReference"))
        sub(reference, _b("ID"), document.preceding_number)
        if document.preceding_issued_on:
            sub(reference, _b("IssueDate"), document.preceding_issued_on.isoformat())
    _party(sub(root, _a("AccountingSupplierParty")), document.seller)
    _party(sub(root, _a("AccountingCustomerParty")), document.buyer)
    if document.delivered_on:
        sub(sub(root, _a("Delivery")), _b("ActualDeliveryDate"), document.delivered_on.isoformat())
    _payment(root, document)
    _totals(root, document)
    for position, line in enumerate(document.lines, start=1):
        element = sub(root, _a(f"{kind}Line"))
        sub(element, _b("ID"), str(position))
        sub(element, _b("CreditedQuantity" if credit else "InvoicedQuantity"), decimal(line.quantity),
            unitCode=line.unit)
        sub(element, _b("LineExtensionAmount"), amount(line.net_amount), currencyID=document.currency)
        item = sub(element, _a("Item"))
        sub(item, _b("Name"), line.description)
        category = sub(item, _a("ClassifiedTaxCategory"))
        sub(category, _b("ID"), line.vat_category)
        sub(category, _b("Percent"), decimal(line.vat_rate))
        sub(sub(category, _a("TaxScheme")), _b("ID"), "VAT")
        sub(sub(element, _a("Price")), _b("PriceAmount"), decimal(line.unit_price), currencyID=document.currency)
    return serialize(root)


def _party(role: etree._Element, party: Party) -> None:
    element = sub(role, _a("Party"))
    if party.endpoint:
        sub(element, _b("EndpointID"), party.endpoint.identifier, schemeID=party.endpoint.scheme)
    sub(sub(element, _a("PartyName")), _b("Name"), party.name)
    address = sub(element, _a("PostalAddress"))
    optional(address, (_b("StreetName"), party.street), (_b("CityName"), party.city),
             (_b("PostalZone"), party.postal_code))
    sub(sub(address, _a("Country")), _b("IdentificationCode"), party.country)
    if party.vat_number:
        scheme = sub(element, _a("PartyTaxScheme"))
        sub(scheme, _b("CompanyID"), party.vat_number)
        sub(sub(scheme, _a("TaxScheme")), _b("ID"), "VAT")
    legal = sub(element, _a("PartyLegalEntity"))
    sub(legal, _b("RegistrationName"), party.name)
    if party.registration_number:
        scheme = codes.REGISTER_SCHEMES.get(party.country)
        sub(legal, _b("CompanyID"), party.registration_number, **({"schemeID": scheme} if scheme else {}))
    if party.email or party.phone:
        contact = sub(element, _a("Contact"))
        if party.phone:
            sub(contact, _b("Telephone"), party.phone)
        if party.email:
            sub(contact, _b("ElectronicMail"), party.email)


def _payment(root: etree._Element, document: InvoiceDocument) -> None:
    if document.iban:  # what the buyer pays to; a credit note has none, the buyer is owed
        means = sub(root, _a("PaymentMeans"))
        sub(means, _b("PaymentMeansCode"), codes.SEPA_CREDIT_TRANSFER, name="SEPA credit transfer")
        if document.payment_reference:
            sub(means, _b("PaymentID"), document.payment_reference)
        account = sub(means, _a("PayeeFinancialAccount"))
        sub(account, _b("ID"), document.iban.replace(" ", ""))
        if document.bic:
            sub(sub(account, _a("FinancialInstitutionBranch")), _b("ID"), document.bic)
    if document.payment_terms:
        sub(sub(root, _a("PaymentTerms")), _b("Note"), document.payment_terms)


def _totals(root: etree._Element, document: InvoiceDocument) -> None:
    currency = document.currency
    total = sub(root, _a("TaxTotal"))
    sub(total, _b("TaxAmount"), amount(document.vat_total), currencyID=currency)
    for group in document.vat:
        subtotal = sub(total, _a("TaxSubtotal"))
        sub(subtotal, _b("TaxableAmount"), amount(group.base), currencyID=currency)
        sub(subtotal, _b("TaxAmount"), amount(group.amount), currencyID=currency)
        category = sub(subtotal, _a("TaxCategory"))
        sub(category, _b("ID"), group.category)
        sub(category, _b("Percent"), decimal(group.rate))
        if group.exemption_code:
            sub(category, _b("TaxExemptionReasonCode"), group.exemption_code)
        if group.exemption_reason:
            sub(category, _b("TaxExemptionReason"), group.exemption_reason)
        sub(sub(category, _a("TaxScheme")), _b("ID"), "VAT")
    monetary = sub(root, _a("LegalMonetaryTotal"))
    sub(monetary, _b("LineExtensionAmount"), amount(sum((line.net_amount for line in document.lines), 0)),
        currencyID=currency)
    sub(monetary, _b("TaxExclusiveAmount"), amount(document.net_total), currencyID=currency)
    sub(monetary, _b("TaxInclusiveAmount"), amount(document.gross_total), currencyID=currency)
    sub(monetary, _b("PayableAmount"), amount(document.gross_total), currencyID=currency)
