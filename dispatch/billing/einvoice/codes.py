"""The EN 16931 codes our documents use, and how they are chosen from what an invoice knows.

VAT category (BT-118/BT-151, UNTDID 5305), decided per rate for the whole document:

- ``S`` standard rate: any rate above zero.
- ``AE`` reverse charge: a zero rate on a sale to a business in another EU member state, recognised by
  its VAT number (the seller's country differs from the buyer's). The buyer accounts for the VAT;
  EN 16931 then wants both VAT numbers (BR-AE-02) and the exemption reason ``VATEX-EU-AE`` (BR-AE-10).
- ``Z`` zero rated: any other zero rate (goods the law taxes at 0 %).
- ``E`` exempt is written correctly when a document carries it, but never chosen here: an exemption
  needs its legal ground (BR-E-10), which nothing in our data records.

Electronic address (BT-34 seller, BT-49 buyer, Peppol rules R020/R010): a VAT number of a country with a
Peppol VAT scheme becomes the address under that scheme; a Belgian one becomes the enterprise number
under 0208, the scheme every Belgian company must be registered on since 2026 (9925, Belgian VAT, is
optional there); anyone else is addressed by e-mail (``EM``). A party with neither has no address: a
consumer, who is not reached through Peppol.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from stdnum.eu import vat

INVOICE = "380"  # UNTDID 1001 commercial invoice
CREDIT_NOTE = "381"  # UNTDID 1001 credit note
SEPA_CREDIT_TRANSFER = "58"  # UNTDID 4461
GUIDELINE = "urn:cen.eu:en16931:2017"
PEPPOL_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

STANDARD, ZERO_RATED, EXEMPT, REVERSE_CHARGE = "S", "Z", "E", "AE"
REVERSE_CHARGE_EXEMPTION = ("VATEX-EU-AE", "Reverse charge")

# Peppol electronic address schemes (EAS) by the country prefix of a VAT number.
VAT_SCHEMES = {"AT": "9914", "DE": "9930", "FR": "9957", "LU": "9938", "NL": "9944"}
BELGIAN_ENTERPRISE_NUMBER = "0208"
EMAIL = "EM"
# ISO 6523 schemes of company register numbers (BT-30-1): the Dutch KvK number, the Belgian enterprise
# number. Peppol's Dutch rule NL-R-003 wants a Dutch seller's register number with its scheme.
REGISTER_SCHEMES = {"NL": "0106", "BE": BELGIAN_ENTERPRISE_NUMBER}


@dataclass(frozen=True)
class Endpoint:
    """An electronic address: an identifier and its Peppol scheme (EAS)."""

    scheme: str
    identifier: str


def endpoint(vat_number: str | None, email: str | None) -> Endpoint | None:
    """The party's electronic address: from its VAT number where a scheme exists, else its e-mail."""
    if vat_number:
        compact = vat.compact(vat_number)
        country, digits = compact[:2], compact[2:]
        if country == "BE":
            return Endpoint(BELGIAN_ENTERPRISE_NUMBER, digits)
        if country in VAT_SCHEMES:
            return Endpoint(VAT_SCHEMES[country], compact)
    if email:
        return Endpoint(EMAIL, email.strip())
    return None


def vat_category(rate: Decimal, seller_country: str, buyer_country: str, buyer_vat_number: str | None) -> str:
    """The VAT category of ``rate`` on a sale between these parties (see the module docstring)."""
    if rate > 0:
        return STANDARD
    members = vat.MEMBER_STATES
    cross_border = seller_country.upper() != buyer_country.upper()
    if buyer_vat_number and cross_border and {seller_country.lower(), buyer_country.lower()} <= members:
        return REVERSE_CHARGE
    return ZERO_RATED


def compact_vat(number: str | None) -> str | None:
    """A VAT number without spaces or dots, with its country prefix (BR-CO-09)."""
    return vat.compact(number) if number else None
