"""EN 16931 in UN/CEFACT Cross Industry Invoice (D16B) syntax, as Factur-X profile EN 16931.

The same XML is the ZUGFeRD 2 "EN 16931" (Comfort) profile. Invoices are type 380, credit notes 381
with positive amounts and the invoice they correct (BT-25/BT-26).
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from dispatch.billing.documents import InvoiceDocument, Party
from dispatch.billing.einvoice import codes
from dispatch.billing.einvoice.xml import amount, decimal, optional, serialize, sub

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": RSM, "qdt": QDT, "ram": RAM, "udt": UDT}


def _r(tag: str) -> str:
    return f"{{{RAM}}}{tag}"


def cii_xml(document: InvoiceDocument) -> bytes:
    """The document as a Factur-X EN 16931 CrossIndustryInvoice; it must carry a number (not a draft)."""
    if document.number is None or document.issued_on is None:
        raise ValueError("A draft has no number or date; only issued documents become e-invoices.")
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = sub(root, f"{{{RSM}}}ExchangedDocumentContext")
    sub(sub(context, _r("GuidelineSpecifiedDocumentContextParameter")), _r("ID"), codes.GUIDELINE)
    header = sub(root, f"{{{RSM}}}ExchangedDocument")
    sub(header, _r("ID"), document.number)
    sub(header, _r("TypeCode"), document.type_code)
    _date(sub(header, _r("IssueDateTime")), document.issued_on)
    if document.note:
        sub(sub(header, _r("IncludedNote")), _r("Content"), document.note)
    transaction = sub(root, f"{{{RSM}}}SupplyChainTradeTransaction")
    for position, line in enumerate(document.lines, start=1):
        item = sub(transaction, _r("IncludedSupplyChainTradeLineItem"))
        sub(sub(item, _r("AssociatedDocumentLineDocument")), _r("LineID"), str(position))
        sub(sub(item, _r("SpecifiedTradeProduct")), _r("Name"), line.description)
        price = sub(sub(item, _r("SpecifiedLineTradeAgreement")), _r("NetPriceProductTradePrice"))
        sub(price, _r("ChargeAmount"), decimal(line.unit_price))
        sub(sub(item, _r("SpecifiedLineTradeDelivery")), _r("BilledQuantity"), decimal(line.quantity),
            unitCode=line.unit)
        settlement = sub(item, _r("SpecifiedLineTradeSettlement"))
        tax = sub(settlement, _r("ApplicableTradeTax"))
        sub(tax, _r("TypeCode"), "VAT")
        sub(tax, _r("CategoryCode"), line.vat_category)
        sub(tax, _r("RateApplicablePercent"), decimal(line.vat_rate))
        sub(sub(settlement, _r("SpecifiedTradeSettlementLineMonetarySummation")), _r("LineTotalAmount"),
            amount(line.net_amount))
    agreement = sub(transaction, _r("ApplicableHeaderTradeAgreement"))
    if document.buyer_reference:
        sub(agreement, _r("BuyerReference"), document.buyer_reference)
    _party(sub(agreement, _r("SellerTradeParty")), document.seller, seller=True)
    _party(sub(agreement, _r("BuyerTradeParty")), document.buyer, seller=False)
    delivery = sub(transaction, _r("ApplicableHeaderTradeDelivery"))
    if document.delivered_on:
        _date(sub(sub(delivery, _r("ActualDeliverySupplyChainEvent")), _r("OccurrenceDateTime")),
              document.delivered_on)
    _settlement(sub(transaction, _r("ApplicableHeaderTradeSettlement")), document)
    return serialize(root)


def _date(parent: etree._Element, day: date, namespace: str = UDT) -> None:
    sub(parent, f"{{{namespace}}}DateTimeString", day.strftime("%Y%m%d"), format="102")


def _party(element: etree._Element, party: Party, *, seller: bool) -> None:
    sub(element, _r("Name"), party.name)
    if seller and party.registration_number:
        scheme = codes.REGISTER_SCHEMES.get(party.country)
        sub(sub(element, _r("SpecifiedLegalOrganization")), _r("ID"), party.registration_number,
            **({"schemeID": scheme} if scheme else {}))
    if seller and (party.email or party.phone):
        contact = sub(element, _r("DefinedTradeContact"))
        if party.phone:
            sub(sub(contact, _r("TelephoneUniversalCommunication")), _r("CompleteNumber"), party.phone)
        if party.email:
            sub(sub(contact, _r("EmailURIUniversalCommunication")), _r("URIID"), party.email)
    address = sub(element, _r("PostalTradeAddress"))
    optional(address, (_r("PostcodeCode"), party.postal_code), (_r("LineOne"), party.street),
             (_r("CityName"), party.city))
    sub(address, _r("CountryID"), party.country)
    if party.endpoint:
        sub(sub(element, _r("URIUniversalCommunication")), _r("URIID"), party.endpoint.identifier,
            schemeID=party.endpoint.scheme)
    if party.vat_number:
        sub(sub(element, _r("SpecifiedTaxRegistration")), _r("ID"), party.vat_number, schemeID="VA")


def _settlement(settlement: etree._Element, document: InvoiceDocument) -> None:
    if document.payment_reference:
        sub(settlement, _r("PaymentReference"), document.payment_reference)
    sub(settlement, _r("InvoiceCurrencyCode"), document.currency)
    if document.iban:
        means = sub(settlement, _r("SpecifiedTradeSettlementPaymentMeans"))
        sub(means, _r("TypeCode"), codes.SEPA_CREDIT_TRANSFER)
        sub(sub(means, _r("PayeePartyCreditorFinancialAccount")), _r("IBANID"), document.iban.replace(" ", ""))
        if document.bic:
            sub(sub(means, _r("PayeeSpecifiedCreditorFinancialInstitution")), _r("BICID"), document.bic)
    for group in document.vat:
        tax = sub(settlement, _r("ApplicableTradeTax"))
        sub(tax, _r("CalculatedAmount"), amount(group.amount))
        sub(tax, _r("TypeCode"), "VAT")
        if group.exemption_reason:
            sub(tax, _r("ExemptionReason"), group.exemption_reason)
        sub(tax, _r("BasisAmount"), amount(group.base))
        sub(tax, _r("CategoryCode"), group.category)
        if group.exemption_code:
            sub(tax, _r("ExemptionReasonCode"), group.exemption_code)
        sub(tax, _r("RateApplicablePercent"), decimal(group.rate))
    if document.payment_terms or document.due_on:
        terms = sub(settlement, _r("SpecifiedTradePaymentTerms"))
        if document.payment_terms:
            sub(terms, _r("Description"), document.payment_terms)
        if document.due_on:
            _date(sub(terms, _r("DueDateDateTime")), document.due_on)
    totals = sub(settlement, _r("SpecifiedTradeSettlementHeaderMonetarySummation"))
    sub(totals, _r("LineTotalAmount"), amount(sum((line.net_amount for line in document.lines), 0)))
    sub(totals, _r("TaxBasisTotalAmount"), amount(document.net_total))
    sub(totals, _r("TaxTotalAmount"), amount(document.vat_total), currencyID=document.currency)
    sub(totals, _r("GrandTotalAmount"), amount(document.gross_total))
    sub(totals, _r("DuePayableAmount"), amount(document.gross_total))
    if document.preceding_number:
        reference = sub(settlement, _r("InvoiceReferencedDocument"))
        sub(reference, _r("IssuerAssignedID"), document.preceding_number)
        if document.preceding_issued_on:
            _date(sub(reference, _r("FormattedIssueDateTime")), document.preceding_issued_on, QDT)
