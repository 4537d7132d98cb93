"""E-invoices: every approved invoice and credit note has a Factur-X PDF and a Peppol UBL file, both valid.

Documents are made through the real path: a finished job, its draft, approval (which freezes the files),
and a credit note through the credit note service. Each XML is checked against the official XSD, the CEN
EN 16931 schematron (Saxon-HE) and, for UBL, the Peppol rules (``einvoice_checks``).
"""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from lxml import etree
from pypdf import PdfReader

from dispatch.billing import credit_notes, services
from dispatch.billing.documents import credit_note_document, invoice_document
from dispatch.billing.drafts import create_draft_for_job
from dispatch.billing.einvoice import codes, facturx
from dispatch.billing.einvoice.cii import RAM, cii_xml
from dispatch.billing.einvoice.ubl import ubl_xml
from dispatch.billing.models import Invoice
from dispatch.customers.models import Customer
from dispatch.enums import CoverageOutcome
from dispatch.extensions import db
from dispatch.scheduling.models import Job
from dispatch.storage import storage
from tests.billing import einvoice_checks as checks
from tests.billing.helpers import decision_for, finished_job

BELGIAN = {"vat_number": "BE0403170701", "language": "nl",
           "address": {"street": "Wetstraat 16", "postal_code": "1000", "city": "Brussel", "country": "BE"}}
GERMAN = {"vat_number": "DE136695976", "language": "de",
          "address": {"street": "Unter den Linden 5", "postal_code": "10117", "city": "Berlin", "country": "DE"}}


def issued_invoice(make, buyer: dict, part_rate: str = "9.00") -> Invoice:
    """An approved invoice: labour at 21 %, a part at ``part_rate``, the call-out covered (priced at zero)."""
    make.company()
    product = make.product(name="Diverter valve", unit_price="38.40", vat_rate=part_rate)
    job = finished_job(make, customer=make.customer(**buyer), work=[(0, 95)], parts=[(product, "2")])
    invoice = create_draft_for_job(job, decision_for(job, CoverageOutcome.PARTLY_COVERED, callout=True))
    db.session.commit()
    with force_locale("en"):
        services.approve_invoice(invoice, make.user("billing").id)
    db.session.commit()
    return invoice


def issued_credit_note(make, invoice: Invoice):
    with force_locale("en"):
        note = credit_notes.create_credit_note(invoice, "The valve was returned unused.",
                                               [{"line_id": invoice.lines[-1].id}], None)
        credit_notes.approve_credit_note(note, None)  # freezes its PDF and UBL
    db.session.commit()
    return note


@pytest.fixture(scope="module")
def cii_rules() -> checks.Schematron:
    return checks.schematron(checks.CII_SCHEMATRON)


@pytest.fixture(scope="module")
def ubl_rules() -> checks.Schematron:
    return checks.schematron(checks.UBL_SCHEMATRON)


def assert_valid(cii: bytes, ubl: bytes, cii_rules, ubl_rules) -> None:
    assert checks.xsd_errors(cii, checks.CII_XSD) == []
    assert checks.xsd_errors(ubl, checks.ubl_xsd(ubl)) == []
    assert checks.fatal(cii_rules.findings(cii)) == []
    assert checks.fatal(ubl_rules.findings(ubl)) == []
    assert checks.peppol_errors(ubl) == []
    assert checks.br_co_25_errors(cii) == checks.br_co_25_errors(ubl) == []


@pytest.mark.parametrize("buyer", [BELGIAN, GERMAN], ids=["belgian-buyer", "german-buyer"])
def test_an_approved_invoice_has_a_valid_factur_x_pdf_and_peppol_ubl(make, buyer, cii_rules, ubl_rules):
    invoice = issued_invoice(make, buyer)
    assert invoice.pdf_key and invoice.ubl_key
    pdf, ubl = storage().read(invoice.pdf_key), storage().read(invoice.ubl_key)
    cii = facturx.embedded_xml(pdf)

    assert cii == cii_xml(invoice_document(invoice))  # the PDF carries exactly what the document says
    assert_valid(cii, ubl, cii_rules, ubl_rules)
    root = etree.fromstring(ubl)
    text = {name: root.findtext(path, namespaces=checks.NS) for name, path in {
        "id": "cbc:ID", "type": "cbc:InvoiceTypeCode", "due": "cbc:DueDate",
        "payable": "cac:LegalMonetaryTotal/cbc:PayableAmount", "means": "cac:PaymentMeans/cbc:PaymentMeansCode",
        "reference": "cac:PaymentMeans/cbc:PaymentID", "iban": "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID",
        "delivered": "cac:Delivery/cbc:ActualDeliveryDate"}.items()}
    assert text == {"id": invoice.number, "type": "380", "due": invoice.due_on.isoformat(),
                    "payable": str(invoice.gross_total), "means": "58", "reference": invoice.payment_reference,
                    "iban": "NL91ABNA0417164300", "delivered": text["delivered"]}
    completed = db.session.get(Job, invoice.lines[0].job_id).completed_at
    assert text["delivered"] == completed.astimezone(ZoneInfo("Europe/Amsterdam")).date().isoformat()
    rates = [(subtotal.findtext("cac:TaxCategory/cbc:ID", namespaces=checks.NS),
              subtotal.findtext("cac:TaxCategory/cbc:Percent", namespaces=checks.NS))
             for subtotal in root.findall("cac:TaxTotal/cac:TaxSubtotal", checks.NS)]
    assert rates == [("S", "9.00"), ("S", "21.00")]
    prices = [line.findtext("cac:Price/cbc:PriceAmount", namespaces=checks.NS)
              for line in root.findall("cac:InvoiceLine", checks.NS)]
    assert "0.00" in prices  # the covered call-out is on the invoice at zero


def test_endpoints_come_from_vat_numbers_or_email(make):
    belgian, german = issued_invoice(make, BELGIAN), issued_invoice(make, GERMAN)
    dutch = issued_invoice(make, {"vat_number": None})
    endpoint = "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID"
    found = []
    for invoice in (belgian, german, dutch):
        element = etree.fromstring(storage().read(invoice.ubl_key)).find(endpoint, checks.NS)
        found.append((element.get("schemeID"), element.text))
    customer_email = db.session.get(Customer, dutch.customer_id).email
    assert found == [("0208", "0403170701"), ("9930", "DE136695976"), ("EM", customer_email)]
    seller = etree.fromstring(storage().read(dutch.ubl_key)).find(
        "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", checks.NS)
    assert (seller.get("schemeID"), seller.text) == ("9944", "NL004495445B01")


def test_a_zero_rate_to_an_eu_business_abroad_is_reverse_charge(make, cii_rules, ubl_rules):
    invoice = issued_invoice(make, GERMAN, part_rate="0.00")
    document = invoice_document(invoice)
    assert [(group.category, group.rate, group.exemption_code) for group in document.vat] == [
        ("AE", Decimal("0.00"), "VATEX-EU-AE"), ("S", Decimal("21.00"), None)]
    assert_valid(facturx.embedded_xml(storage().read(invoice.pdf_key)), storage().read(invoice.ubl_key),
                 cii_rules, ubl_rules)


def test_a_zero_rate_at_home_is_zero_rated():
    assert codes.vat_category(Decimal(0), "NL", "NL", "NL004495445B01") == "Z"
    assert codes.vat_category(Decimal(0), "NL", "CH", "CHE123456789") == "Z"  # outside the EU: no AE
    assert codes.vat_category(Decimal(0), "NL", "BE", None) == "Z"  # a consumer abroad
    assert codes.vat_category(Decimal("6"), "NL", "BE", "BE0403170701") == "S"


def test_a_credit_note_references_its_invoice_and_is_valid(make, cii_rules, ubl_rules):
    invoice = issued_invoice(make, BELGIAN)
    note = issued_credit_note(make, invoice)
    assert note.pdf_key and note.ubl_key
    pdf, ubl = storage().read(note.pdf_key), storage().read(note.ubl_key)
    cii = facturx.embedded_xml(pdf)
    assert cii == cii_xml(credit_note_document(note))
    assert_valid(cii, ubl, cii_rules, ubl_rules)

    root = etree.fromstring(ubl)
    assert etree.QName(root).localname == "CreditNote"
    assert root.findtext("cbc:CreditNoteTypeCode", namespaces=checks.NS) == "381"
    reference = root.find("cac:BillingReference/cac:InvoiceDocumentReference", checks.NS)
    assert (reference.findtext("cbc:ID", namespaces=checks.NS),
            reference.findtext("cbc:IssueDate", namespaces=checks.NS)) == (invoice.number,
                                                                          invoice.issued_on.isoformat())
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=checks.NS) == str(note.gross_total)
    cii_root = etree.fromstring(cii)
    assert cii_root.findtext(f".//{{{RAM}}}TypeCode") == "381"
    assert cii_root.findtext(f".//{{{RAM}}}InvoiceReferencedDocument/{{{RAM}}}IssuerAssignedID") == invoice.number


def test_the_pdf_declares_factur_x_en16931_and_pdf_a_3(make):
    invoice = issued_invoice(make, BELGIAN)
    reader = PdfReader(storage().path(invoice.pdf_key))
    root = reader.trailer["/Root"]
    assert [spec.get_object()["/F"] for spec in root["/AF"]] == ["factur-x.xml"]
    assert root["/AF"][0].get_object()["/AFRelationship"] == "/Data"
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    assert "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>" in xmp
    assert len(reader.pages) >= 1


def test_the_checks_catch_broken_documents(make, cii_rules, ubl_rules):
    """The validators are not blind: a wrong sum, a wrong element and a missing address are reported."""
    invoice = issued_invoice(make, BELGIAN)
    cii = facturx.embedded_xml(storage().read(invoice.pdf_key))
    wrong_sum = cii.replace(f"<ram:LineTotalAmount>{invoice.net_total}<".encode(), b"<ram:LineTotalAmount>1.00<")
    assert wrong_sum != cii
    assert "BR-CO-10" in {finding.rule for finding in cii_rules.findings(wrong_sum)}

    ubl = storage().read(invoice.ubl_key)
    unordered = ubl.replace(b"<cbc:ProfileID>", b"<cbc:Note>x</cbc:Note><cbc:ProfileID>")
    assert checks.xsd_errors(unordered, checks.ubl_xsd(ubl))
    root = etree.fromstring(ubl)
    endpoint = root.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", checks.NS)
    endpoint.getparent().remove(endpoint)
    assert checks.peppol_errors(etree.tostring(root)) == ["PEPPOL-EN16931-R010"]
    undated = etree.fromstring(ubl)
    for path in ("cbc:DueDate", "cac:PaymentTerms"):
        undated.remove(undated.find(path, checks.NS))
    assert checks.br_co_25_errors(etree.tostring(undated)) == ["BR-CO-25"]
    undated_cii = etree.fromstring(cii)
    terms = undated_cii.find(f".//{{{RAM}}}SpecifiedTradePaymentTerms")
    terms.getparent().remove(terms)
    assert checks.br_co_25_errors(etree.tostring(undated_cii)) == ["BR-CO-25"]


def test_a_draft_has_no_e_invoice(make):
    make.company()
    job = finished_job(make)
    invoice = create_draft_for_job(job, decision_for(job))
    with pytest.raises(ValueError, match="draft"):
        ubl_xml(invoice_document(invoice))
    with pytest.raises(ValueError, match="draft"):
        cii_xml(invoice_document(invoice))


ROLES = [(None, 401), ("agent", 403), ("technician", 404), ("billing", 200), ("admin", 200)]


# The UBL of each kind of document, by its collection in the API.
ISSUED = {
    "invoices": lambda make: issued_invoice(make, BELGIAN),
    "credit-notes": lambda make: issued_credit_note(make, issued_invoice(make, BELGIAN)),
}


@pytest.mark.parametrize("collection", list(ISSUED))
@pytest.mark.parametrize(("role", "status"), ROLES, ids=[str(role) for role, _ in ROLES])
def test_ubl_download_per_role(api, make, collection, role, status):
    document = ISSUED[collection](make)
    client = api.as_user(make.user(role)) if role else api
    response = client.get(f"{collection}/{document.id}/ubl.xml")
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "application/xml"
        assert response.data == storage().read(document.ubl_key)
        assert f'filename="{document.number}.xml"' in response.headers["Content-Disposition"]
    else:
        assert response.mimetype == "application/problem+json"


def test_ubl_of_a_draft_is_refused(api, make):
    make.company()
    job = finished_job(make)
    invoice = create_draft_for_job(job, decision_for(job))
    db.session.commit()
    client = api.as_user(make.user("billing"))
    response = client.get(f"invoices/{invoice.id}/ubl.xml")
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "invoice_not_approved"
    assert client.get("invoices/999999/ubl.xml").status_code == 404


def test_ubl_of_a_draft_credit_note_is_refused(api, make):
    invoice = issued_invoice(make, BELGIAN)
    with force_locale("en"):
        note = credit_notes.create_credit_note(invoice, "Goodwill.", None, None)
    db.session.commit()
    client = api.as_user(make.user("billing"))
    response = client.get(f"credit-notes/{note.id}/ubl.xml")
    assert response.status_code == 409
    assert response.json["code"] == "credit_note_not_approved"
    assert client.get("credit-notes/999999/ubl.xml").status_code == 404
