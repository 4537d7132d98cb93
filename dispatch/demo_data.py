"""The demo company's data: staff, products, customers, assets, tickets and jobs (used by dispatch.demo)."""

from __future__ import annotations

from typing import Any

from dispatch.enums import Role

DOMAIN = "warmteservice.example"
SEED = 2026

WEEKDAYS_HOURS = {day: [["07:30", "16:30"]] for day in ("mon", "tue", "wed", "thu", "fri")}
NO_WEEKEND: dict[str, list[list[str]]] = {"sat": [], "sun": []}
# The first technician is on the weekend on-call rota, so the demo has work "today" on any day.
ON_CALL_WEEKEND = {"sat": [["08:00", "18:00"]], "sun": [["08:00", "18:00"]]}

# Technicians' home bases: (street, postal code, city, country, latitude, longitude).
STAFF: list[dict[str, Any]] = [
    {"email": "admin", "name": "Marieke van Dijk", "role": Role.ADMIN, "language": "nl"},
    {"email": "lotte", "name": "Lotte Hendriks", "role": Role.AGENT, "language": "nl"},
    {"email": "ahmed", "name": "Ahmed El Amrani", "role": Role.AGENT, "language": "en"},
    {"email": "daan", "name": "Daan Visser", "role": Role.TECHNICIAN, "language": "nl", "weekend": True,
     "skills": ["boiler", "gas", "heat_pump"], "rate": "Senior technician",
     "home": ("Biltstraat 101", "3572 AM", "Utrecht", "NL", 52.0946, 5.1322)},
    {"email": "sanne", "name": "Sanne de Boer", "role": Role.TECHNICIAN, "language": "nl",
     "skills": ["boiler", "gas", "ventilation", "water_heater"], "rate": "Standard",
     "home": ("Javastraat 44", "1094 HJ", "Amsterdam", "NL", 52.3626, 4.9385)},
    {"email": "lars", "name": "Lars Maes", "role": Role.TECHNICIAN, "language": "nl",
     "skills": ["boiler", "gas", "heat_pump", "water_heater"], "rate": "Standard",
     "home": ("Turnhoutsebaan 120", "2140", "Antwerpen", "BE", 51.2140, 4.4420)},
    {"email": "jonas", "name": "Jonas Hoffmann", "role": Role.TECHNICIAN, "language": "de",
     "skills": ["heat_pump", "ventilation", "boiler"], "rate": "Senior technician",
     "home": ("Stratumsedijk 23", "5611 NB", "Eindhoven", "NL", 51.4290, 5.4820)},
    {"email": "fenna", "name": "Fenna Mulder", "role": Role.BILLING, "language": "nl"},
]

RATE_GROUPS = [("Standard", "65.00"), ("Senior technician", "78.50"), ("Emergency / weekend", "97.50")]

# sku, name, unit price, VAT rate, unit (UN/ECE rec 20: C62 piece, MTR metre)
PRODUCTS = [
    ("VAL-3W-22", "3-way diverter valve 22 mm", "84.50", "21.00", "C62"),
    ("PMP-CIRC-25", "Circulation pump 25-60, A-label", "189.00", "21.00", "C62"),
    ("FLT-MAG-22", "Magnetic system filter 22 mm", "119.00", "21.00", "C62"),
    ("THR-SMART-OT", "Smart room thermostat, OpenTherm", "149.00", "21.00", "C62"),
    ("THR-BASIC", "Room thermostat, on/off", "39.95", "21.00", "C62"),
    ("EXP-VES-18", "Expansion vessel 18 l", "64.00", "21.00", "C62"),
    ("IGN-ELEC-SET", "Ignition and ionisation electrode set", "27.50", "21.00", "C62"),
    ("GSK-KIT-HR", "Gasket and seal kit, condensing boiler", "12.75", "21.00", "C62"),
    # Fitting insulation in homes older than two years is taxed at the reduced Dutch rate.
    ("INS-PIPE-22", "Pipe insulation 22 mm, fitted", "8.40", "9.00", "MTR"),
]

# key, name, language, VAT number (companies), phone, (street, postal code, city, country, lat, lon).
# Customers in PHONE_ONLY have no e-mail address: the demo completes their jobs, and loading the demo
# should not try to mail anyone.
CUSTOMERS: list[tuple[str, str, str, str | None, str, tuple[str, str, str, str, float, float]]] = [
    ("bakery", "Bakkerij De Gouden Korenschoof B.V.", "nl", "NL908301662B01", "+31 30 231 4455",
     ("Oudegracht 158", "3511 AZ", "Utrecht", "NL", 52.0894, 5.1195)),
    ("devries", "Jeroen de Vries", "nl", None, "+31 6 2345 6789",
     ("Prinsengracht 263", "1016 GV", "Amsterdam", "NL", 52.3752, 4.8840)),
    ("hotel", "Hotel Zeezicht Scheveningen B.V.", "nl", "NL131860914B01", "+31 70 350 2200",
     ("Gevers Deynootweg 30", "2586 BJ", "Den Haag", "NL", 52.1115, 4.2780)),
    ("jansen", "Familie Jansen", "nl", None, "+31 348 44 1299",
     ("Dorpsstraat 12", "3481 EW", "Harmelen", "NL", 52.0900, 4.9650)),
    ("dentist", "Tandartspraktijk Smit", "nl", "NL390996038B01", "+31 26 442 1010",
     ("Sonsbeeksingel 5", "6814 AA", "Arnhem", "NL", 51.9880, 5.9030)),
    ("bakker", "Monique Bakker", "nl", None, "+31 6 8765 4321",
     ("Wilhelminapark 24", "5041 EC", "Tilburg", "NL", 51.5640, 5.0700)),
    ("daycare", "Kinderdagverblijf De Speeltuin", "nl", "NL082462811B01", "+31 40 212 3344",
     ("Kruisstraat 81", "5612 CH", "Eindhoven", "NL", 51.4460, 5.4840)),
    ("anker", "Brasserie Het Anker BV", "nl", "BE0806417121", "+32 3 233 1122",
     ("Grote Markt 9", "2000", "Antwerpen", "BE", 51.2211, 4.3997)),
    ("peeters", "Familie Peeters", "nl", None, "+32 9 225 6677",
     ("Korenmarkt 3", "9000", "Gent", "BE", 51.0545, 3.7215)),
    ("claes", "Huisartsenpraktijk Dr. Claes", "nl", "BE0545797521", "+32 16 22 4488",
     ("Bondgenotenlaan 50", "3000", "Leuven", "BE", 50.8790, 4.7040)),
    ("schmitz", "Bäckerei Schmitz GmbH", "de", "DE880610529", "+49 221 257 3300",
     ("Hohe Straße 52", "50667", "Köln", "DE", 50.9375, 6.9555)),
    ("wagner", "Familie Wagner", "de", None, "+49 241 470 5511",
     ("Theaterplatz 7", "52062", "Aachen", "DE", 50.7735, 6.0870)),
]
PHONE_ONLY = {"devries", "bakker", "peeters"}

# customer key, product, model, purchased (days ago), warranty state
ASSETS: list[tuple[str, str, str, int, str]] = [
    ("bakery", "Condensing combi boiler HR 36/30", "HR 36/30", 400, "in_warranty"),
    ("bakery", "Electric water heater 80 l", "EWH-80", 2900, "expired"),
    ("devries", "Condensing combi boiler HR 28/24", "HR 28/24", 1500, "parts_only"),
    ("hotel", "Air-to-water heat pump 12 kW", "AW-12", 700, "in_warranty"),
    ("hotel", "Condensing boiler HR 45 (cascade)", "HR 45", 2200, "expired"),
    ("jansen", "Hybrid heat pump 4 kW", "HY-4", 200, "in_warranty"),
    ("dentist", "Mechanical ventilation unit with heat recovery", "WTW-350", 1100, "parts_only"),
    ("bakker", "Condensing combi boiler HR 24/18", "HR 24/18", 3600, "expired"),
    ("daycare", "Condensing combi boiler HR 36/30", "HR 36/30", 900, "parts_only"),
    ("anker", "Condensing boiler HR 45", "HR 45", 1300, "expired"),
    ("peeters", "Condensing combi boiler HR 28/24", "HR 28/24", 150, "in_warranty"),
    ("claes", "Air-to-water heat pump 8 kW", "AW-8", 500, "in_warranty"),
    ("schmitz", "Gas-Brennwertkessel 35 kW", "BW-35", 2600, "expired"),
    ("wagner", "Condensing combi boiler HR 28/24", "HR 28/24", 1000, "unknown"),
]

# customer key, asset index of that customer (None: no asset), priority, subject, description
TICKETS: list[tuple[str, int | None, str, str, str]] = [
    ("bakery", 0, "urgent", "Boiler in lockout, no heating in the shop",
     "Display shows error E133 since 06:00. Ovens are fine but the shop is cold."),
    ("devries", 0, "high", "No hot water, heating works",
     "Tap water stays cold; radiators warm. Probably the diverter valve again."),
    ("hotel", 0, "medium", "Annual service heat pump",
     "Yearly maintenance under the service contract; please report to reception."),
    ("jansen", 0, "medium", "Heat pump makes a humming noise",
     "Outdoor unit hums loudly at night, neighbours complain."),
    ("dentist", 0, "low", "Replace ventilation filters", "Filter indicator on the ventilation unit is red."),
    ("daycare", 0, "high", "Radiators upstairs stay cold",
     "Pressure drops to 0.6 bar every day; topped up twice this week."),
    ("anker", 0, "urgent", "Gas smell near the boiler",
     "Staff smell gas in the boiler room. Main valve closed, Fluxys informed."),
    ("peeters", 0, "medium", "Thermostat replacement",
     "Customer wants the old on/off thermostat replaced by a smart OpenTherm thermostat."),
    ("claes", 0, "medium", "Heat pump defrost error", "Error code 'dF' appears several times a day."),
    ("bakker", 0, "low", "Annual boiler service", "Yearly service; customer is home after 10:00."),
    ("bakery", 1, "medium", "Water heater leaking", "Small puddle under the water heater in the bakehouse."),
    ("hotel", 1, "high", "Cascade boiler 2 does not start",
     "Second boiler of the cascade shows a flame failure; first boiler carries the load."),
    ("schmitz", 0, "medium", "Kessel taktet häufig",
     "Boiler cycles on and off every few minutes; customer asks for an inspection."),
    ("wagner", 0, "low", "Radiator valve stuck", "Thermostatic valve in the bedroom no longer opens."),
    ("anker", 0, "medium", "Install magnetic filter",
     "Sludge in the system; advised a magnetic filter at the last visit."),
    ("devries", None, "none", "Quote for a heat pump",
     "Customer asks what a hybrid heat pump would cost for a canal house."),
    ("jansen", None, "low", "Question about last invoice", "Customer asks why the call-out fee was charged."),
]

# One job per ticket above, in the same order while there are plans: kind, skills, minutes, and when
# (None: unscheduled; else day, technician, local hour, minute).
JOBS: list[tuple[str, list[str], int, tuple[str, str, int, int] | None]] = [
    ("repair", ["boiler", "gas"], 90, ("today", "daan", 8, 0)),
    ("repair", ["boiler"], 90, ("today", "sanne", 9, 0)),
    ("maintenance", ["heat_pump"], 120, ("today", "daan", 11, 0)),
    ("inspection", ["heat_pump"], 60, ("today", "daan", 14, 30)),
    ("maintenance", ["ventilation"], 45, ("today", "jonas", 10, 0)),
    ("repair", ["boiler"], 90, ("today", "jonas", 13, 0)),
    ("repair", ["boiler", "gas"], 120, ("today", "lars", 8, 30)),
    ("installation", ["boiler"], 60, ("today", "lars", 13, 30)),
    ("repair", ["heat_pump"], 90, ("tomorrow", "lars", 9, 0)),
    ("maintenance", ["boiler"], 60, ("tomorrow", "jonas", 10, 30)),
    ("repair", ["water_heater"], 60, ("tomorrow", "sanne", 8, 0)),
    ("repair", ["boiler", "gas"], 120, ("tomorrow", "daan", 9, 0)),
    ("inspection", ["boiler"], 60, None),
    ("repair", ["boiler"], 45, None),
    ("installation", ["boiler"], 90, None),
]

# Jobs done on the technician's previous working day, signed and completed, so that closure decides
# coverage and billing has draft invoices: chargeable (expired), partly covered (parts warranty only)
# and covered (in warranty: closed without an invoice).
COMPLETED: list[dict[str, Any]] = [
    {"customer": "bakker", "technician": "jonas", "hour": 13, "priority": "high",
     "subject": "Boiler pressure drops every day",
     "description": "Pressure falls from 1.5 to 0.5 bar within a day; no visible leak.",
     "travel": 30, "work": 80, "parts": [("EXP-VES-18", "1"), ("GSK-KIT-HR", "1")], "signer": "M. Bakker",
     "summary": "Expansion vessel membrane torn: vessel replaced, system refilled to 1.5 bar, no leaks."},
    {"customer": "devries", "technician": "sanne", "hour": 10, "priority": "medium",
     "subject": "Hot water takes minutes to come",
     "description": "Hot water only after two or three minutes, and it is lukewarm.",
     "travel": 20, "work": 55, "parts": [("VAL-3W-22", "1"), ("INS-PIPE-22", "2.5")],
     "signer": "J. de Vries",
     "summary": "3-way valve sticking: replaced; insulated the hot-water pipe in the crawl space."},
    {"customer": "peeters", "technician": "lars", "hour": 9, "priority": "high",
     "subject": "Boiler shows error F28", "description": "No ignition; error F28 after a reset.",
     "travel": 25, "work": 40, "parts": [("IGN-ELEC-SET", "1")], "signer": "Karel Peeters",
     "summary": "Ignition electrode worn: replaced, burner cleaned, flue gas measured OK."},
]

# Job templates an admin would set up first: name, kind, minutes, skills, checklist, instructions.
JOB_TEMPLATES = [
    ("Annual boiler service", "maintenance", 60, ["boiler", "gas"],
     ["Flue gas measurement (CO, CO2, O2)", "Clean burner and heat exchanger", "Check expansion vessel pressure",
      "Test safety devices", "Fill in the service sticker"],
     "Bring the flue gas analyser. Record the measurements on the receipt."),
    ("Boiler breakdown", "repair", 90, ["boiler"],
     ["Read the fault code", "Check gas supply and pressure", "Replace faulty part or order it"], None),
    ("Heat pump installation", "installation", 480, ["heat_pump"],
     ["Check the site survey", "Mount outdoor and indoor unit", "Vacuum and pressure test", "Commission and hand over"],
     "Two technicians for the first two hours. Take photos of the finished installation."),
    ("Ventilation inspection", "inspection", 45, ["ventilation"],
     ["Measure airflow per valve", "Clean or replace filters"], None),
]

# Desk queues: name, inbound address (local part), assignment mode, team lead, members (staff e-mail local parts)
# and duty slots (member, weekdays, from, until; company time).
QUEUES: list[dict[str, Any]] = [
    {"name": "Service", "address": "service", "mode": "round_robin", "lead": "admin", "members": ["lotte", "ahmed"],
     "duty": [("lotte", range(5), "08:00", "12:30"), ("ahmed", range(5), "12:30", "17:00")]},
    {"name": "Complaints", "address": "klachten", "mode": "least_loaded", "lead": "admin",
     "members": ["lotte", "ahmed", "admin"], "duty": []},
]

# Knowledge base articles (published; the help centre at /help shows them in the visitor's language).
ARTICLES: list[dict[str, Any]] = [
    {"slug": "ketel-druk-te-laag", "language": "nl", "category": "verwarming", "title": "Cv-ketel: de druk is te laag",
     "summary": "Staat de drukmeter onder 1 bar? Zo vult u de installatie zelf bij.",
     "body": "Kijk op de drukmeter van uw cv-ketel. Onder 1 bar slaat de ketel af of geeft hij een storing.\n\n"
             "Sluit de vulslang aan op de vulkraan en de kraan, draai beide langzaam open en vul tot 1,5 à 2 bar.\n\n"
             "Zakt de druk binnen een week weer? Dan is er ergens een lek: meld het ons, dan komt een monteur."},
    {"slug": "thermostaat-batterij", "language": "nl", "category": "thermostaat",
     "title": "Thermostaat reageert niet of scherm is leeg",
     "summary": "Meestal zijn de batterijen leeg.",
     "body": "Vervang de batterijen (meestal 2x AA). Het scherm komt daarna binnen een minuut terug.\n\n"
             "Blijft het scherm leeg, controleer dan of de ketel stroom heeft."},
    {"slug": "heizung-druck-zu-niedrig", "language": "de", "category": "heizung",
     "title": "Heizung: Wasserdruck zu niedrig", "summary": "Unter 1 bar? So füllen Sie Wasser nach.",
     "body": "Prüfen Sie das Manometer am Kessel. Unter 1 bar schaltet die Heizung ab.\n\n"
             "Füllschlauch am Füllhahn anschließen, langsam öffnen und bis 1,5 bar füllen.\n\n"
             "Fällt der Druck innerhalb einer Woche wieder, melden Sie sich bitte: dann liegt ein Leck vor."},
    {"slug": "boiler-pressure-too-low", "language": "en", "category": "heating",
     "title": "Boiler: the pressure is too low", "summary": "Gauge below 1 bar? Top it up yourself.",
     "body": "Look at the pressure gauge of your boiler. Below 1 bar it shuts down or shows a fault.\n\n"
             "Connect the filling loop, open both valves slowly and fill to 1.5 bar.\n\n"
             "If the pressure drops again within a week there is a leak: contact us and we send a technician."},
    {"slug": "invoice-explained", "language": "en", "category": "billing", "title": "Your invoice explained",
     "summary": "Call-out fee, labour and parts, and what warranty covers.",
     "body": "The invoice lists the call-out fee, the hours worked and the parts used, each with VAT.\n\n"
             "Work covered by warranty or your service contract is shown at zero."},
]
