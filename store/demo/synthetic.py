"""A large synthetic practice for demos and the benchmark (`dentledger demo --patients N`).

`generate(db, patients=N, seed=S)` fills an empty database with a realistic office: providers,
about sixty CDT codes, an office fee schedule and contracted (PPO, Medicaid) and copay
schedules, eleven carriers with their write-off codes, a few hundred plans of every type, and
families of 1-6 patients with five years of history: recall and treatment visits, claims
(mostly received, some sent / unsent / queued / on hold, a few preauthorizations), insurance
checks with write-offs, patient payments, discounts and other adjustments, appointments and
treatment plans. About 20 ledger lines per patient (procedures + patient payments + claim
payment lines + adjustments): 100,000 patients give about 2 million. Three of the patients are
single-patient accounts whose ledger cards have about 200, 5,000 and 50,000 lines (for the
benchmark); their ids are in the Setting table (``bench.patient_<size>``).

Speed (100,000 patients in about 30 s on two cores): rows are built as tuples (database ids
assigned here) and bulk-inserted with ``executemany`` in batches, in ONE write transaction,
with the bulk tables' indexes built once at the end and foreign keys checked by the tests
(``PRAGMA foreign_key_check``) rather than row by row; see `store.connection.sqlite.bulk_load`. The ledger cards'
lines (`store.derived.ledger_entries`) are then filled by one INSERT ... SELECT.

Estimates: the claim procedures' estimate columns are computed here directly, with the
estimation rules (estimation.md) restricted to what the generated plans use: allowed fee
(PPO / Medicaid / carrier-allowed schedules, posterior downgrades), copay, percentage, the
general deductible with waivers and a family deductible, annual and orthodontic maxima,
benefit-year frequency limits, exclusions, PPO write-offs, standard COB for secondaries and
capitation write-offs; family by family in estimation order (claims by date), received lines
counting their actual payment and deductible. Running `store.derived.estimates.reestimate_family`
over 100,000 patients would take far longer than the time budget. The estimator reproduces
every stored amount of a generated practice (tests/store/test_synthetic.py checks one line by
line), so the next re-estimation of a family changes no amount. Received lines store the
explanation a posting leaves (one generator step, then the carrier's payment as the estimator
words it), so re-estimating keeps them as they are; open lines store none, and a family's
first posting writes theirs.

Deterministic: one ``random.Random(seed)`` and a fixed "today" (`AS_OF`), no clock in the data
(only the audit row and `Stats.seconds` see the real time).
"""
from __future__ import annotations

import dataclasses
import sys
import time
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import accumulate
from random import Random
from typing import Callable

from estimator import model as m
from estimator.money import fmt, percent_of
from estimator.worksheet import received_step

from ..audit import current_user, record, workstation_name
from ..connection import (
    Database, StoreError, bulk_load, defer_foreign_keys, indexes_dropped, write_transaction,
)
from ..derived import applied_credits, estimates, ledger_entries, report_summary
from ..family.ids import name_search_keys, phone_keys
from ..files.importer import wipe_practice
from ..read.patients import has_practice

AS_OF = date(2026, 11, 20)
HISTORY_DAYS = 5 * 365 + 1
BIG_LEDGERS = (200, 5_000, 50_000)  # ledger-card sizes for the benchmark
BATCH_ROWS = 50_000
SETTING_PREFIX = "bench.patient_"

pct_of = lru_cache(maxsize=None)(percent_of)  # the one rounding rule, memoised (fees repeat)

# --- reference data ---------------------------------------------------------------------------
# code | description | category | office fee (dollars)
CODES_TEXT = """
D0120|Periodic oral evaluation|diagnostic|65
D0140|Limited oral evaluation, problem focused|diagnostic|95
D0145|Oral evaluation, patient under three|diagnostic|60
D0150|Comprehensive oral evaluation|diagnostic|115
D0180|Comprehensive periodontal evaluation|diagnostic|125
D0210|Intraoral complete series of images|diagnostic_xray|165
D0220|Intraoral periapical, first image|diagnostic_xray|35
D0230|Intraoral periapical, each additional image|diagnostic_xray|28
D0272|Bitewings, two images|diagnostic_xray|55
D0274|Bitewings, four images|diagnostic_xray|80
D0330|Panoramic image|diagnostic_xray|140
D1110|Prophylaxis, adult|preventive|115
D1120|Prophylaxis, child|preventive|80
D1206|Topical fluoride varnish|preventive|45
D1208|Topical fluoride, excluding varnish|preventive|40
D1330|Oral hygiene instructions|preventive|35
D1351|Sealant, per tooth|preventive|55
D1510|Space maintainer, fixed, unilateral|preventive|375
D2140|Amalgam, one surface|restorative|135
D2150|Amalgam, two surfaces|restorative|165
D2160|Amalgam, three surfaces|restorative|195
D2161|Amalgam, four or more surfaces|restorative|230
D2330|Composite, one surface, anterior|restorative|150
D2331|Composite, two surfaces, anterior|restorative|185
D2332|Composite, three surfaces, anterior|restorative|220
D2391|Composite, one surface, posterior|restorative|160
D2392|Composite, two surfaces, posterior|restorative|195
D2393|Composite, three surfaces, posterior|restorative|240
D2394|Composite, four or more surfaces, posterior|restorative|285
D2940|Protective restoration|restorative|95
D2740|Crown, porcelain/ceramic|crowns|1250
D2750|Crown, porcelain fused to high noble metal|crowns|1195
D2790|Crown, full cast high noble metal|crowns|1150
D2920|Re-cement or re-bond crown|crowns|120
D2930|Prefabricated stainless steel crown, primary tooth|crowns|285
D2950|Core buildup, including any pins|crowns|285
D2954|Prefabricated post and core|crowns|325
D3110|Pulp cap, direct|endodontics|75
D3220|Therapeutic pulpotomy|endodontics|220
D3310|Root canal, anterior tooth|endodontics|850
D3320|Root canal, premolar tooth|endodontics|975
D3330|Root canal, molar tooth|endodontics|1175
D4341|Scaling and root planing, four or more teeth, per quadrant|periodontics|260
D4342|Scaling and root planing, one to three teeth, per quadrant|periodontics|185
D4355|Full mouth debridement|periodontics|185
D4910|Periodontal maintenance|periodontics|165
D5110|Complete denture, maxillary|prosthodontics|1850
D5120|Complete denture, mandibular|prosthodontics|1850
D5213|Partial denture, maxillary, cast metal framework|prosthodontics|2050
D6010|Implant body, endosteal|prosthodontics|2300
D6058|Implant crown, abutment supported, porcelain/ceramic|prosthodontics|1650
D7140|Extraction, erupted tooth or exposed root|oral_surgery|185
D7210|Extraction, surgical, erupted tooth|oral_surgery|295
D7240|Removal of impacted tooth, completely bony|oral_surgery|495
D8080|Comprehensive orthodontics, adolescent dentition|orthodontics|1800
D8670|Periodic orthodontic treatment visit|orthodontics|175
D9110|Palliative treatment of dental pain|adjunctive|95
D9230|Nitrous oxide analgesia|adjunctive|75
D9944|Occlusal guard, hard appliance, full arch|adjunctive|550
D9972|External bleaching, per arch|adjunctive|350
"""
SUBSTITUTIONS = {"D2391": "D2140", "D2392": "D2150", "D2393": "D2160", "D2394": "D2161"}
NOT_IN_PPO = {"D9230", "D9944", "D9972"}
MEDICAID_CODES = set("D0120 D0140 D0145 D0150 D0220 D0230 D0272 D0274 D0330 D1110 D1120 D1206 "
                     "D1351 D2140 D2150 D2330 D2391 D2392 D2393 D2930 D3220 D7140 D7210 "
                     "D9110".split())
MULTI_VISIT = {"D2740", "D2750", "D2790", "D5110", "D5120", "D5213", "D6058"}
# Frequency limits per benefit year (code -> times), applied on most plans.
FREQUENCY = {"D0120": 2, "D1110": 2, "D1120": 2, "D0274": 1, "D0272": 1}

# carrier id | name | electronic id | plan types offered | PPO schedule ratio (0 = none)
CARRIERS_TEXT = """
DELTA|Delta Dental|94276|ppo percentage|0.68
MET|MetLife|65978|ppo percentage|0.72
CIGNA|Cigna|62308|ppo capitation|0.64
AETNA|Aetna Dental|60054|ppo percentage capitation|0.70
GUARD|Guardian|64246|percentage ppo|0.74
UCCI|United Concordia|CX028|ppo|0.66
HUMANA|Humana Dental|73288|ppo capitation|0.63
BCBS|Blue Cross Blue Shield Dental|47009|percentage ppo|0.75
PRIN|Principal Financial|61271|percentage|0
MCD|State Medicaid (TMHP)|TXMCD|flat_copay|0
DMO|DentiCare DMO|DCDMO|capitation|0
"""

SURNAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter "
    "Roberts Gomez Phillips Evans Turner Diaz Parker Edwards Collins Reyes Stewart Morris "
    "Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly "
    "Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray "
    "Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez "
    "Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales "
    "Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds "
    "Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar "
    "Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington "
    "Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson "
    "Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer "
    "Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza "
    "Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley "
    "Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott "
    "Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry "
    "Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence "
    "Sandoval Guerrero George Chapman Rios Estrada Ortega Watkins Greene Nunez Wheeler Valdez "
    "Harper Burke Larson Santiago Maldonado Morrison Franklin Carlson Austin Dominguez Carr "
    "Lawson Jacobs O'Brien Lynch Singh Vega Bishop Montgomery Oliver Jensen Harvey Williamson "
    "Gilbert Dean Sims Espinoza Howell Li Wong Reid Hanson Le McCoy Garrett Burton Fuller "
    "Wang Weber Welch Rojas Lucas Marquez Fields Park Yang Little Banks Padilla Day Walsh "
    "Bowman Schultz Luna Fowler Mejia Davidson Acosta Brewer May Holland Juarez Newman "
    "Pearson Curtis Cortez Douglas Schneider Joseph Barrett Navarro Figueroa Keller Avila "
    "Wade Molina Stanley Hopkins Campos Barnett Bates Chambers Caldwell Beck Lambert Miranda "
    "Byrd Craig Ayala Lowe Frazier Powers Neal Leonard Gregory Carrillo Sutton Fleming Rhodes "
    "Shelton Schwartz Norris Jennings Watts Duran Walters Cohen McDaniel Moran Parks Steele "
    "Vaughn Becker Holt DeLeon Barker Terry Hale Leon Hail Benson Haynes Horton Miles Lyons "
    "Pham Graves Bush Thornton Wolfe Warner Cabrera McKinney Mann Zimmerman Dawson Lara "
    "Fletcher Page McCarthy Love Robles Cervantes Solis Erickson Reeves Chang Klein Salinas "
    "Fuentes Baldwin Daniel Simon Velasquez Hardy Higgins Aguirre Lin Cummings Chandler Sharp "
    "Barber Bowen Ochoa Dennis Robbins Liu Ramsey Francis Griffith Paul Blair O'Connor "
    "Cardenas Pacheco Cross Calderon Quinn Moss Swanson Chan Rivas Khan Rodgers Serrano "
    "Fitzgerald Rosales Stevenson Christensen Manning Gill Curry McLaughlin Harmon McGee "
    "Gross Doyle Garner Newton Burgess Reese Walton Blake Trujillo Adkins Brady Goodman Roman "
    "Webster Goodwin Fischer Huang Potter Delacruz Montoya Todd Wu Hines Mullins Castaneda "
    "Malone Cannon Tate Mack Sherman Hubbard Hodges Zhang Guerra Wolf Valencia Saunders "
    "Franco Rowe Gallagher Farmer Hammond Hampton Townsend Ingram Wise Gallegos Clarke Barton "
    "Schroeder Maxwell Waters Logan Camacho Strickland Norman Person Colon Parsons Frank "
    "Harrington Glover Osborne Buchanan Casey Floyd Patton Ibarra Ball Tyler Suarez Bowers "
    "Orozco Salas Cobb Gibbs Andrade Bauer Conner Moody Escobar McGuire Lloyd Mueller Hartman "
    "French Kramer McBride Pope Lindsey Velazquez Norton McCormick Sparks Flynn Yates Hogan "
    "Marsh Macias Villanueva Zamora Pratt Stokes Owen Ballard Lang Brock Villarreal Charles "
    "Drake Barrera Cain Patrick Pineda Burnett Mercado Santana Shepherd Bautista Ali Shaffer "
    "Lamb Trevino McKenzie Hess Beil Olsen Cochran Morton Nash Wilkins Petersen Briggs Shah "
    "Roth Nicholson Holloway Lozano Rangel Flowers Hoover Short Arias Mora Valenzuela Bryan "
    "Meyers Weiss Underwood Bass Greer Summers Houston Carson Morrow Clayton Whitaker Decker "
    "Yoder Collier Zuniga Carey Wilcox Melendez Poole Roberson Larsen Conley Davenport "
    "Copeland Massey Lam Huff Rocha Cameron Jefferson Hood Monroe Anthony Pittman Huynh "
    "Randall Singleton Kirk Combs Mathis Christian Skinner Bradford Richard Galvan Wall Boone "
    "Kirby Wilkinson Bridges Bruce Atkinson Velez Meza Roy Vincent York Hodge Villa Abbott "
    "Allison Tapia Gates Chase Sosa Sweeney Farrell Wyatt Dalton Horn Barron Phelps Yu "
    "Dickerson Heath Foley Atkins Mathews Bonilla Acevedo Benitez Zavala Hensley Glenn "
    "Cisneros Harrell Shields Rubio Huffman Choi Boyer Garrison Arroyo Bond Kane Hancock "
    "Callahan Dillon Cline Wiggins Grimes Arellano Melton O'Neill Savage Ho Beltran Pitts "
    "Parrish Ponce Rich Booth Koch Golden Ware Brennan McDowell Marks Cantu Humphrey Baxter "
    "Sawyer Clay Tanner Hutchinson Kaur Berg Wiley Gilmore Russo Villegas Hobbs Keith "
    "Wilkerson Ahmed Beard McClain Montes Mata Rosario Vang Walter Henson Oneal Mosley "
    "McClure Beasley Stephenson Snow Huerta Preston Vance Barry Johns Eaton Blackwell Dyer "
    "Prince Macdonald Solomon Guevara Stafford English Hurst Woodard Cortes Shannon Kemp "
    "Nolan McCullough Merritt Murillo Moon Salgado Strong Kline Cordova Barajas Roach Rosas "
    "Winters Jacobson Lester Knox Bullock Kerr Leach Meadows Orr Davila Whitehead Pruitt Kent "
    "Conway McKee Barr David Dejesus Marin Berger McIntyre Blankenship Gaines Palacios Cuevas "
    "Bartlett Durham Dorsey McCall O'Donnell Stein Browning Stout Lowery Sloan McLean "
    "Hendricks Calhoun Sexton Chung Gentry Hull Duarte Ellison Nielsen Gillespie Buck "
    "Middleton Sellers Leblanc Esparza Hardin Bradshaw McIntosh Howe Livingston Frost Glass "
    "Morse Knapp Herman Stark Bravo Noble Spears Weeks Corona Frederick Buckley McFarland "
    "Hebert Enriquez Hickman Quintero Randolph Schaefer Walls Trejo House Reilly Pennington "
    "Michael Conrad Giles Benjamin Crosby Fitzpatrick Donovan Mays Mahoney Valentine Raymond "
    "Medrano Hahn McMillan Small Bentley Felix Peck Lucero Boyle Hanna Pace Rush Hurley "
    "Harding McConnell Bernal Nava Ayers Everett Ventura Avery Pugh Mayer Bender Shepard "
    "McMahon Landry Case Sampson Moses Magana Blackburn Dunlap Gould Duffy Vaughan Herring "
    "McKay Espinosa Rivers Farley Bernard Ashley Friedman Potts Truong Costa Correa Blevins "
    "Nixon Clements Fry Delarosa Best Benton Lugo Portillo Dougherty Crane Haley Phan "
    "Villalobos Blanchard Horne Finley Quintana Lynn Esquivel Bean Dodson Mullen Xiong Hayden "
    "Cano Levy Huber Richmond Moyer Lim Frye Sheppard McCarty Avalos Booker Waller Parra "
    "Woodward Jaramillo Krueger Rasmussen Brandt Peralta Donaldson Stuart Faulkner Maynard "
    "Galindo Coffey Estes Sanford Burch Maddox Vo O'Connell Vu Andersen Spence McPherson "
    "Church Schmitt Stanton Leal Cherry Compton Dudley Sierra Pollard Alfaro Hester Proctor "
    "Lu Hinton Novak Good Madden McCann Terrell Jarvis Dickson Reyna Cantrell Mayo Branch "
    "Hendrix Rollins Rowland Whitney Duke Odom Daugherty Travis Tang Archer Muñoz Peña Núñez "
    "Ibáñez Nguyễn Cruz").split()
SURNAMES += ["de la Cruz", "Van Dyke", "Smith-Jones"]  # names with spaces and hyphens
FEMALE = (
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy "
    "Betty Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah "
    "Stephanie Dorothy Rebecca Sharon Laura Cynthia Amy Kathleen Angela Shirley Brenda Emma "
    "Anna Pamela Nicole Samantha Katherine Christine Helen Debra Rachel Carolyn Janet Maria "
    "Catherine Heather Diane Olivia Julie Joyce Victoria Ruth Virginia Lauren Kelly Christina "
    "Joan Evelyn Judith Andrea Hannah Megan Cheryl Jacqueline Martha Madison Teresa Gloria "
    "Sara Janice Ann Kathryn Abigail Sophia Frances Jean Alice Judy Isabella Julia Grace "
    "Amber Denise Danielle Marilyn Beverly Charlotte Natalie Theresa Diana Brittany Doris "
    "Kayla Alexis Lori Marie Chloé Zoë Ximena Mía Ava Mia Harper Ella Avery Lily Aaliyah "
    "Camila Lucía").split()
MALE = (
    "James Robert John Michael David William Richard Joseph Thomas Christopher Charles Daniel "
    "Matthew Anthony Mark Donald Steven Andrew Paul Joshua Kenneth Kevin Brian George Timothy "
    "Ronald Jason Edward Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin "
    "Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry "
    "Tyler Aaron Jose Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy Walter "
    "Christian Keith Roger Terry Austin Sean Gerald Carl Harold Dylan Arthur Lawrence Jordan "
    "Jesse Bryan Billy Bruce Gabriel Joe Logan Alan Juan Albert Willie Elijah Wayne Randy "
    "Vincent Mason Roy Ralph Bobby Russell Bradley Philip Eugene Liam Lucas Mateo Santiago "
    "José Andrés Luis Carlos Miguel Diego Hiroshi Minh Tuan Wei Raj Omar Ali").split()
EMPLOYERS = (
    "Riverside Hospital|Summit Logistics|Brightline Health|Cascade Engineering"
    "|Metro Transit|Evergreen Software|Lakeside School District|Harbor View Medical"
    "|Northside Freight|Northwind Traders|City of Fairview|County Schools|State Employees"
    "|Acme Manufacturing|Blue Ridge Bank|Pioneer Foods|Granite Construction"
    "|Sunrise Senior Living|TechNova|Union Pacific Rail|Valley Water District"
    "|Coastal Credit Union|Redwood Insurance|Starlight Retail|Oak Hill University"
    "|Meridian Energy|Keystone Auto|Silverline Airlines|Heartland Farms|Prairie Telecom").split("|")
PROVIDERS = (("DDS1", "Reyes, Ana"), ("DDS2", "Chen, Marcus"), ("DDS3", "Okafor, Grace"),
             ("RDH1", "Patel, Priya"), ("RDH2", "Larsen, Erik"), ("RDH3", "Moreno, Lucia"))
USERS = ("maria", "kevin", "tasha", "front1", "front2", "billing")
WORKSTATIONS = ("FRONT-1", "FRONT-2", "BILLING", "OP-3", "OP-5")
LOCATIONS = ("Main Street office", "Northside office")
ADJUSTMENT_CODES = (
    ("COURTESY", "courtesy", "Professional courtesy"),
    ("SRDISC", "discount", "Senior discount 10%"),
    ("CASHDISC", "discount", "Prompt-pay cash discount 5%"),
    ("CONV", "converted", "Balance converted from previous system"),
    ("FIN", "finance_charge", "Finance charge 1.5% per month"),
    ("REFUND", "refund", "Refund of credit balance"),
    ("SMALLBAL", "writeoff", "Small balance write-off"),
    ("BADDEBT", "writeoff", "Bad debt write-off"),
)
DENIAL_REMARKS = ("Frequency limitation", "Missing tooth clause", "Not a covered benefit",
                  "Patient not eligible on date of service", "Additional information requested")
METHODS = (("card", 55), ("check", 20), ("cash", 15), ("other", 10))
POSTERIOR = tuple(str(t) for t in (1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                                   28, 29, 30, 31, 32))
MOLAR = ("2", "3", "14", "15", "18", "19", "30", "31")
ANTERIOR = tuple(str(t) for t in (6, 7, 8, 9, 10, 11, 22, 23, 24, 25, 26, 27))
PRIMARY_MOLARS = tuple("ABIJKLST")
SURFACES_POST = (("O", "M", "D", "B", "L"), ("MO", "DO", "OB", "OL"), ("MOD", "MOB", "DOL"),
                 ("MODB", "MODL"))
SURFACES_ANT = (("F", "L", "M", "D"), ("MF", "DF", "ML"), ("MFL", "DFL"))
PLAN_TYPES = ("ppo", "percentage", "flat_copay", "capitation")
TYPE_WEIGHTS = (55, 25, 12, 8)   # how families are spread over plan types
INSURED = 0.75                  # share of insured families
SECONDARY = 0.24                # of insured ppo/percentage families: about 15% of covered patients
ATTEND = 0.45                   # a recall appointment kept (about 20 ledger lines per patient)
TREATMENT = 0.26                # a recall followed by a treatment visit


@dataclass(frozen=True)
class Code:
    idx: int
    code: str
    description: str
    category: str
    fee: int
    path: tuple[str, ...]  # categories, general -> specific


def _codes() -> list[Code]:
    out = []
    for i, line in enumerate(CODES_TEXT.strip().splitlines()):
        code, desc, cat, fee = line.split("|")
        path = ("orthodontics",) if cat == "orthodontics" else (
            ("general", "diagnostic", "diagnostic_xray") if cat == "diagnostic_xray"
            else ("general", cat))
        out.append(Code(i, code, desc, cat, int(fee) * 100, path))
    return out


CODES = _codes()
C = {c.code: c.idx for c in CODES}


# --- result -----------------------------------------------------------------------------------

@dataclass
class Stats:
    patients: int = 0
    families: int = 0
    ledger_lines: int = 0
    procedures: int = 0
    claims: int = 0
    claim_procs: int = 0
    plans: int = 0
    seconds: float = 0.0
    big_ledgers: dict[int, int] = field(default_factory=dict)  # size -> patient id
    ledger_entries: int = 0  # ledger card lines materialized (store.derived.ledger_entries)
    rows: dict[str, int] = field(default_factory=dict)         # table -> rows inserted

    def __str__(self) -> str:
        return (f"{self.patients} patients, {self.families} families, {self.ledger_lines} "
                f"ledger lines, {self.claims} claims, {self.plans} plans in {self.seconds:.1f} s")


# --- entry point ------------------------------------------------------------------------------

def generate(db: Database, *, patients: int, seed: int = 1, replace: bool = False,
             progress: bool | Callable[[int, int], None] = False,
             big_ledgers: tuple[int, ...] = BIG_LEDGERS) -> Stats:
    """Fill ``db`` with a synthetic practice of ``patients`` patients (see the module docstring).

    ``patients`` counts everyone, the big-ledger accounts included. Refuses a database that
    already holds a practice unless ``replace``. Same seed, same data. ``progress``: True for
    a plain text bar on stderr, or a callback ``(patients done, patients)`` (`cli.progress`).
    """
    if patients < len(big_ledgers) + 1:
        raise ValueError(f"--patients must be at least {len(big_ledgers) + 1}")
    started = time.perf_counter()
    with bulk_load(db):
        with write_transaction(db):
            defer_foreign_keys(db)  # rows refer ahead (coverage before plans): checked at commit
            if has_practice(db) and not replace:
                raise StoreError("the database already holds a practice; "
                                 "generate with replace to overwrite it")
            wipe_practice(db)  # also any stray rows: the reference data uses fixed ids
            db.execute_sql(f"DELETE FROM setting WHERE key LIKE '{SETTING_PREFIX}%'")
            bar = (_Callback(progress, patients) if callable(progress)
                   else _Progress(patients) if progress else None)
            builder = _Builder(db, Random(seed), patients, big_ledgers, bar)
            with indexes_dropped(db, _Rows.COLUMNS):
                stats = builder.run()
            # The split of the work as generated is its Original group (frozen at posting).
            estimates.freeze_originals(db)
            # The ledger cards' lines, in one statement once the indexes are back.
            stats.ledger_entries = ledger_entries.rebuild_all(db)
            applied_credits.rebuild_all(db)  # unapplied money on the cards' lines
            report_summary.rebuild_all(db)  # the per-carrier report's monthly sums
            if bar:
                bar.update(patients, final=True)
            record(db, "generate", user=current_user(), workstation=workstation_name(),
                   entity="practice", detail={"patients": patients, "seed": seed,
                                              "replace": replace})
    stats.seconds = time.perf_counter() - started
    return stats


class _Callback:
    """Progress handed to a caller's ``callback(done, total)``."""

    def __init__(self, callback: Callable[[int, int], None], total: int):
        self.callback, self.total = callback, total

    def update(self, done: int, final: bool = False) -> None:
        self.callback(done, self.total)


class _Progress:
    """A plain text bar on stderr: ``generating [#####-----]  52%  52000/100000 patients``."""

    def __init__(self, total: int):
        self.total, self.shown = total, -1

    def update(self, done: int, final: bool = False) -> None:
        percent = 100 * done // max(1, self.total)
        if percent == self.shown and not final:
            return
        self.shown = percent
        bar = "#" * (percent // 4) + "-" * (25 - percent // 4)
        sys.stderr.write(f"\rgenerating [{bar}] {percent:3d}%  {done}/{self.total} patients")
        if final:
            sys.stderr.write("\n")
        sys.stderr.flush()


# --- plans ------------------------------------------------------------------------------------

@dataclass
class Plan:
    """One plan and its per-code terms (what the estimate needs, precomputed)."""
    id: int
    carrier: int
    carrier_key: str
    type: str
    fee_schedule: int | None = None
    allowed_schedule: int | None = None
    copay_schedule: int | None = None
    annual_max: int | None = None
    deductible: int | None = None
    family_deductible: int | None = None
    renew_month: int | None = None
    ortho_limit: int | None = None
    coverage: dict[str, int] = field(default_factory=dict)
    exclusions: tuple[str, ...] = ()
    waived: tuple[str, ...] = ()
    frequency: bool = False
    employer: str | None = None
    group_number: str | None = None
    note: str | None = None
    subscriber: int | None = None
    # per code index: (allowed, copay, percent, billed fee or None, deductible applies, ortho,
    #                  excluded, frequency limit or 0); `sub_terms` for downgraded posterior work
    terms: list[tuple] = field(default_factory=list)
    sub_terms: dict[int, tuple] = field(default_factory=dict)


def _percent(plan: Plan, code: Code) -> int:
    if plan.type in ("flat_copay", "capitation"):
        return 100
    for cat in reversed(code.path):
        if cat in plan.coverage:
            return plan.coverage[cat]
    return 0


def _plan_terms(plan: Plan, code: Code, fees: dict[int, dict[str, int]], sub: str | None) -> tuple:
    """Allowed, copay, percent... for one code (estimation.md steps 2-4, simplified)."""
    charge = code.fee
    billed = None
    if plan.type in ("ppo", "flat_copay"):
        billed = fees[plan.fee_schedule].get(code.code)
        allowed = charge if billed is None else billed
        if sub is not None:
            allowed = fees[plan.fee_schedule][sub]
    elif plan.type == "percentage" and plan.allowed_schedule is not None:
        allowed = fees[plan.allowed_schedule].get(code.code, charge)
    else:
        allowed = charge
    allowed = min(allowed, charge)
    copay = 0
    if plan.copay_schedule is not None:
        copay = min(fees[plan.copay_schedule].get(sub or code.code, 0), allowed)
    ded_applies = not any(cat in plan.waived for cat in code.path[1:] or code.path)
    excluded = code.code in plan.exclusions
    freq = FREQUENCY.get(code.code, 0) if plan.frequency else 0
    return (allowed, copay, _percent(plan, code), billed, ded_applies,
            code.category == "orthodontics", excluded, freq)


def _finish_plan(plan: Plan, fees: dict[int, dict[str, int]]) -> None:
    plan.terms = [_plan_terms(plan, c, fees, None) for c in CODES]
    if plan.type in ("ppo", "flat_copay"):
        for code, sub in SUBSTITUTIONS.items():
            own, cheaper = fees[plan.fee_schedule].get(code), fees[plan.fee_schedule].get(sub)
            if own is not None and cheaper is not None and cheaper <= own:
                plan.sub_terms[C[code]] = _plan_terms(plan, CODES[C[code]], fees, sub)


COVERAGE_TEMPLATES = (
    {"diagnostic": 100, "preventive": 100, "restorative": 80, "endodontics": 80,
     "periodontics": 80, "oral_surgery": 80, "crowns": 50, "prosthodontics": 50, "adjunctive": 50},
    {"diagnostic": 100, "preventive": 100, "restorative": 80, "endodontics": 50,
     "periodontics": 50, "oral_surgery": 50, "crowns": 50, "prosthodontics": 50},
    {"diagnostic": 100, "preventive": 100, "restorative": 70, "endodontics": 70,
     "periodontics": 70, "oral_surgery": 70, "crowns": 50, "prosthodontics": 50, "adjunctive": 0},
    {"diagnostic": 90, "diagnostic_xray": 90, "preventive": 90, "restorative": 80,
     "endodontics": 80, "periodontics": 80, "oral_surgery": 80, "crowns": 60, "prosthodontics": 60,
     "adjunctive": 50},
)


# --- the builder ------------------------------------------------------------------------------

class _Rows:
    """Row buffers per table, flushed with executemany in batches."""
    COLUMNS = {
        "patient": "id last_name first_name name_lower first_lower birthdate guarantor_id phone "
                   "name_search first_search",
        "patient_phone": "digits patient_id",
        "patient_coverage": "patient_id plan_id coverage_order pending subscriber_id",
        "procedure": "id patient_id code_id fee_cents units tooth surface date completed "
                     "provider_id status tp_order note "
                     "entered_at entered_by workstation location_id",
        "procedure_visit": "procedure_id seq date",
        "claim": "id patient_id plan_id status date sent_date claim_no preauth_no "
                 "entered_at entered_by workstation location_id",
        "claim_proc": "id procedure_id plan_id coverage_order status claim_id claim_seq preauth_id "
                      "preauth_seq allowed_cents copay_cents percent deductible_est_cents "
                      "base_est_cents ins_est_cents writeoff_est_cents note paid_cents "
                      "writeoff_cents deductible_applied_cents frozen explanation",
        "claim_payment": "id claim_id carrier_id check_no date amount_cents "
                         "entered_at entered_by workstation location_id",
        "claim_payment_line": "payment_id claim_proc_id paid_cents writeoff_cents deductible_cents "
                              "denied remarks entered_at entered_by workstation location_id",
        "patient_payment": "patient_id date amount_cents method check_no note "
                           "entered_at entered_by workstation location_id",
        "adjustment": "patient_id date amount_cents code_id procedure_id note "
                      "entered_at entered_by workstation location_id",
        "appointment": "patient_id date status",
        "ledger_note": "patient_id date text entered_at entered_by workstation location_id",
    }

    def __init__(self, db: Database):
        self.cursor = db.cursor()
        self.sql = {}
        for table, cols in self.COLUMNS.items():
            names = cols.split()
            self.sql[table] = (f'INSERT INTO "{table}" ({", ".join(names)}) '
                               f'VALUES ({", ".join("?" * len(names))})')
        self.buf: dict[str, list] = {t: [] for t in self.COLUMNS}
        self.count: dict[str, int] = dict.fromkeys(self.COLUMNS, 0)

    def pending(self) -> int:
        return sum(len(rows) for rows in self.buf.values())

    def flush(self) -> None:
        for table, rows in self.buf.items():
            if rows:
                self.cursor.executemany(self.sql[table], rows)
                self.count[table] += len(rows)
                rows.clear()


@dataclass
class Member:
    id: int
    first: str
    last: str
    born: int            # ordinal
    adult: bool
    plans: list = field(default_factory=list)   # Plan objects in coverage order
    joined: int = 0      # first visit (ordinal)
    left: int = 0        # last possible visit (ordinal)


class _Builder:
    """Builds the practice: reference data, then family after family, then the big ledgers."""

    def __init__(self, db: Database, rng: Random, patients: int, big: tuple[int, ...],
                 progress: "_Progress | _Callback | None"):
        self.db, self.rng, self.n, self.big, self.progress = db, rng, patients, big, progress
        self.rows = _Rows(db)
        self.today = AS_OF.toordinal()
        self.start = self.today - HISTORY_DAYS
        self.iso = {}  # ordinal -> "YYYY-MM-DD"
        self.ids = {t: self._next_id(t) for t in ("patient", "procedure", "claim", "claim_proc",
                                                  "claim_payment")}
        self.ledger_lines = 0
        self.note_fixes: list[tuple[str, int]] = []  # (note, claim proc id), see `_Family.settle_notes`
        self.families = 0
        self.surnames = SURNAMES
        self.surname_cum = list(accumulate(max(1, 400 // (i + 4)) for i in range(len(SURNAMES))))
        self.method_cum = list(accumulate(w for _, w in METHODS))
        self.times = [f" {h:02d}:{mi:02d}:{s:02d}" for h in range(8, 18)
                      for mi in (3, 17, 29, 41, 52) for s in (5, 38)]

    # -- small helpers -------------------------------------------------------------------------
    def _next_id(self, table: str) -> int:
        return self.db.execute_sql(f'SELECT coalesce(max(id), 0) + 1 FROM "{table}"').fetchone()[0]

    def new_id(self, table: str) -> int:
        i = self.ids[table]
        self.ids[table] = i + 1
        return i

    def day(self, ordinal: int) -> str:
        text = self.iso.get(ordinal)
        if text is None:
            text = self.iso[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    def stamp(self, ordinal: int) -> tuple:
        r = self.rng.random
        return (self.day(ordinal) + self.times[int(r() * len(self.times))],
                USERS[int(r() * len(USERS))], WORKSTATIONS[int(r() * len(WORKSTATIONS))],
                self.locations[0] if r() < 0.8 else self.locations[1])

    def pick(self, seq):
        return seq[int(self.rng.random() * len(seq))]

    # -- the whole run -------------------------------------------------------------------------
    def run(self) -> Stats:
        self.reference_data()
        self.make_plans()
        normal = self.n - len(self.big)
        done = 0
        while done < normal:
            done += self.family(min(self.family_size(), normal - done))
            if self.rows.pending() >= BATCH_ROWS * 4:
                self.rows.flush()
            if self.progress:
                self.progress.update(done)
        big_ids = {size: self.big_ledger(size) for size in self.big}
        self.rows.flush()
        self.rows.cursor.executemany("UPDATE claim_proc SET note = ? WHERE id = ?", self.note_fixes)
        self.insert_plans()
        self.settings(big_ids)
        counts = self.rows.count
        return Stats(patients=counts["patient"], families=self.families,
                     ledger_lines=self.ledger_lines, procedures=counts["procedure"],
                     claims=counts["claim"], claim_procs=counts["claim_proc"],
                     plans=len(self.plans), big_ledgers=big_ids, rows=dict(counts))

    def settings(self, big_ids: dict[int, int]) -> None:
        values = {"as_of": AS_OF.isoformat()}
        for f in dataclasses.fields(m.Preferences):
            values[f"pref.{f.name}"] = "0"
        for size, pid in big_ids.items():
            values[f"{SETTING_PREFIX}{size}"] = str(pid)
        self.db.cursor().executemany("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT "
                                     "(key) DO UPDATE SET value = excluded.value",
                                     list(values.items()))

    # -- reference data ------------------------------------------------------------------------
    def reference_data(self) -> None:
        ex = self.db.execute_sql
        cur = self.db.cursor()
        for name in LOCATIONS:
            ex("INSERT INTO location (name) VALUES (?) ON CONFLICT (name) DO NOTHING", (name,))
        self.locations = [ex("SELECT id FROM location WHERE name = ?", (n,)).fetchone()[0]
                          for n in LOCATIONS]
        for name in USERS:
            ex('INSERT INTO "user" (name) VALUES (?) ON CONFLICT (name) DO NOTHING', (name,))
        cur.executemany("INSERT INTO procedure_code (id, code, description, category, categories, "
                        "substitution_code, substitution_condition) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(c.idx + 1, c.code, c.description, c.category,
                          ",".join(c.path) if c.category == "diagnostic_xray" else "",
                          SUBSTITUTIONS.get(c.code),
                          "posterior" if c.code in SUBSTITUTIONS else None) for c in CODES])
        self.carriers = [line.split("|") for line in CARRIERS_TEXT.strip().splitlines()]
        adj = [(f"WO-{key}", "writeoff", f"{name} write-off") for key, name, *_ in self.carriers]
        adj += list(ADJUSTMENT_CODES)
        cur.executemany("INSERT INTO adjustment_code (id, code, kind, description, declared) "
                        "VALUES (?, ?, ?, ?, TRUE)", [(i + 1, *row) for i, row in enumerate(adj)])
        self.adj_code = {row[0]: i + 1 for i, row in enumerate(adj)}
        self.fee_schedules()
        cur.executemany("INSERT INTO provider (id, file_id, name, fee_schedule_id) "
                        "VALUES (?, ?, ?, ?)",
                        [(i + 1, key, name, self.office)
                         for i, (key, name) in enumerate(PROVIDERS)])
        self.dentists = [i + 1 for i, (key, _) in enumerate(PROVIDERS) if key.startswith("DDS")]
        self.hygienists = [i + 1 for i, (key, _) in enumerate(PROVIDERS) if key.startswith("RDH")]
        cur.executemany("INSERT INTO carrier (id, file_id, name, electronic_id, writeoff_code_id) "
                        "VALUES (?, ?, ?, ?, ?)",
                        [(i + 1, key, name, eid, self.adj_code[f"WO-{key}"])
                         for i, (key, name, eid, *_) in enumerate(self.carriers)])

    def fee_schedules(self) -> None:
        """Office fees, a PPO schedule per PPO carrier, Medicaid fees and copays, DMO copays."""
        rng = Random(self.rng.getrandbits(32))  # own stream: the fees do not shift the rest
        office = {c.code: c.fee for c in CODES}
        schedules = [("OFFICE", "office", "Office fees (UCR)", office)]
        for key, name, _, types, ratio in self.carriers:
            if float(ratio):
                schedules.append((f"PPO-{key}", "allowed", f"{name} PPO fees",
                                  _contract(rng, office, float(ratio), skip=NOT_IN_PPO)))
        schedules.append(("OON-ALLOWED", "allowed", "Out-of-network allowed amounts",
                          _contract(rng, office, 0.86, skip=NOT_IN_PPO | {"D9110"})))
        schedules.append(("MCD-FEES", "allowed", "State Medicaid fee schedule",
                          _contract(rng, office, 0.45, only=MEDICAID_CODES)))
        schedules.append(("MCD-COPAY", "copay", "State Medicaid copays",
                          {c: (300 if c[:2] in ("D2", "D7") else 0) for c in MEDICAID_CODES}))
        for n, (key, scale) in enumerate((("DMO-COPAY-A", 0.25), ("DMO-COPAY-B", 0.35))):
            schedules.append((key, "copay", f"DMO copays, tier {n + 1}", {
                c.code: (0 if c.category in ("diagnostic", "diagnostic_xray", "preventive")
                         else int(c.fee * scale) // 500 * 500) for c in CODES
                if c.category != "orthodontics"}))
        schedules.append(("PPO-COPAY", "copay", "PPO member copays",
                          {"D0120": 500, "D0150": 1000, "D1110": 1500, "D1120": 1000,
                           "D2391": 2000, "D2392": 2500, "D2393": 3000, "D2740": 15000,
                           "D2950": 4000}))
        self.fees = {}
        self.schedule_id = {}
        for i, (key, kind, name, fees) in enumerate(schedules, 1):
            self.fees[i] = fees
            self.schedule_id[key] = i
        self.office = self.schedule_id["OFFICE"]
        cur = self.db.cursor()
        cur.executemany("INSERT INTO fee_schedule (id, file_id, kind, name) VALUES (?, ?, ?, ?)",
                        [(i, key, kind, name)
                         for i, (key, kind, name, _) in enumerate(schedules, 1)])
        cur.executemany("INSERT INTO fee (schedule_id, code, amount_cents) VALUES (?, ?, ?)",
                        [(i, code, amount) for i, (_, _, _, fees) in enumerate(schedules, 1)
                         for code, amount in fees.items()])

    # -- plans ---------------------------------------------------------------------------------
    def make_plans(self) -> None:
        """A few hundred plans (fewer for a small practice), every type present."""
        n = max(8, min(300, self.n // 300))
        rng = self.rng
        offered = {t: [i for i, c in enumerate(self.carriers) if t in c[3].split()]
                   for t in PLAN_TYPES}
        self.plans: list[Plan] = []
        for k in range(n):
            kind = PLAN_TYPES[k] if k < 4 else rng.choices(PLAN_TYPES, (50, 30, 8, 12))[0]
            ci = self.pick(offered[kind])
            self.plans.append(self.plan(k + 1, ci, kind))
        self.by_type = {t: [p for p in self.plans if p.type == t] for t in PLAN_TYPES}
        self.type_cum = list(accumulate(TYPE_WEIGHTS))

    def plan(self, pid: int, ci: int, kind: str) -> Plan:
        rng = self.rng
        key, name = self.carriers[ci][0], self.carriers[ci][1]
        plan = Plan(id=pid, carrier=ci + 1, carrier_key=key, type=kind)
        plan.employer = self.pick(EMPLOYERS)
        plan.group_number = f"{key[:3]}-{rng.randrange(1000, 99999)}"
        if kind in ("ppo", "percentage"):
            plan.coverage = dict(self.pick(COVERAGE_TEMPLATES))
            ortho = rng.random() < 0.4
            plan.coverage["orthodontics"] = 50 if ortho else 0
            plan.ortho_limit = self.pick((100000, 150000, 200000)) if ortho else None
            plan.annual_max = self.pick((100000, 125000, 150000, 150000, 200000, 250000, 300000,
                                         None))
            plan.deductible = self.pick((0, 2500, 5000, 5000, 5000, 7500, 10000))
            plan.family_deductible = plan.deductible * 3 if rng.random() < 0.5 else None
            plan.waived = ("diagnostic", "diagnostic_xray", "preventive") \
                if rng.random() < 0.85 else ()
            plan.renew_month = 7 if rng.random() < 0.12 else None
            plan.frequency = rng.random() < 0.8
            plan.exclusions = ("D9972",) if rng.random() < 0.6 else ()
        if kind == "ppo":
            plan.fee_schedule = self.schedule_id.get(f"PPO-{key}")
            if rng.random() < 0.1:
                plan.copay_schedule = self.schedule_id["PPO-COPAY"]
        elif kind == "percentage" and rng.random() < 0.35:
            plan.allowed_schedule = self.schedule_id["OON-ALLOWED"]
        elif kind == "flat_copay":
            plan.fee_schedule = self.schedule_id["MCD-FEES"]
            plan.copay_schedule = self.schedule_id["MCD-COPAY"]
            plan.employer, plan.note = None, "Children's Medicaid / CHIP"
            plan.exclusions = tuple(c.code for c in CODES if c.code not in MEDICAID_CODES)
        elif kind == "capitation":
            plan.copay_schedule = self.schedule_id[self.pick(("DMO-COPAY-A", "DMO-COPAY-B"))]
            plan.note = "Assigned office: capitation, patient pays the copay"
        if plan.renew_month:
            plan.note = "Benefit year July-June"
        _finish_plan(plan, self.fees)
        return plan

    def choose_plan(self, kinds=PLAN_TYPES) -> Plan:
        while True:
            kind = PLAN_TYPES[bisect(self.type_cum, self.rng.random() * self.type_cum[-1])]
            if kind in kinds and self.by_type[kind]:
                return self.pick(self.by_type[kind])

    def insert_plans(self) -> None:
        first_patient = self.db.execute_sql("SELECT min(id) FROM patient").fetchone()[0]
        rows, cov, lim, freq, excl, waive = [], [], [], [], [], []
        for p in self.plans:
            rows.append((p.id, p.carrier, p.subscriber or first_patient, p.type, p.fee_schedule,
                         p.allowed_schedule, p.copay_schedule, p.annual_max, p.deductible,
                         p.family_deductible, p.renew_month, p.employer, p.group_number, p.note))
            cov += [(p.id, "category", k, v) for k, v in p.coverage.items()]
            if p.ortho_limit is not None:
                lim.append((p.id, "category_limits", "orthodontics", p.ortho_limit))
            if p.frequency:
                freq += [(p.id, code, q, "benefit_year") for code, q in FREQUENCY.items()]
            excl += [(p.id, code) for code in p.exclusions]
            waive += [(p.id, cat) for cat in p.waived]
        cur = self.db.cursor()
        cur.executemany("INSERT INTO plan (id, carrier_id, subscriber_id, type, fee_schedule_id, "
                        "allowed_fee_schedule_id, copay_schedule_id, annual_max_cents, "
                        "deductible_cents, family_deductible_cents, renew_month, employer, "
                        "group_number, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        rows)
        cur.executemany("INSERT INTO plan_coverage (plan_id, kind, key, percent) "
                        "VALUES (?, ?, ?, ?)", cov)
        cur.executemany("INSERT INTO plan_limit (plan_id, kind, key, amount_cents) "
                        "VALUES (?, ?, ?, ?)", lim)
        cur.executemany("INSERT INTO plan_frequency (plan_id, code, quantity, per) "
                        "VALUES (?, ?, ?, ?)", freq)
        cur.executemany("INSERT INTO plan_exclusion (plan_id, code) VALUES (?, ?)", excl)
        cur.executemany("INSERT INTO plan_deductible_waiver (plan_id, category) VALUES (?, ?)",
                        waive)

    # -- families ------------------------------------------------------------------------------
    def family_size(self) -> int:
        r = self.rng.random()
        return 1 if r < 0.35 else 2 if r < 0.60 else 3 if r < 0.75 else 4 if r < 0.90 \
            else 5 if r < 0.97 else 6

    def surname(self) -> str:
        cum = self.surname_cum
        return self.surnames[bisect(cum, self.rng.random() * cum[-1])]

    def family(self, size: int) -> int:
        """One family: members, coverage, five years of visits. Returns its size."""
        self.families += 1
        members = self.members(size)
        self.coverage(members)
        fam = _Family(self, members)
        for mb in members:
            fam.schedule(mb)
        fam.post_all()
        return size

    def members(self, size: int) -> list[Member]:
        rng, today = self.rng, self.today
        last = self.surname()
        g_age = 22 + int(rng.random() * 58)
        out = [self.person(last, g_age)]
        for k in range(1, size):
            if k == 1 and (size == 2 or rng.random() < 0.75):
                age = max(18, g_age + int(rng.random() * 12) - 6)
            elif g_age > 62 and rng.random() < 0.5:
                age = max(18, g_age - 20 - int(rng.random() * 20))
            else:
                age = int(rng.random() * min(19, max(1, g_age - 18)))
            out.append(self.person(last if rng.random() < 0.93 else self.surname(), age))
        phone = f"({rng.randrange(200, 990)}) 555-{rng.randrange(0, 10000):04d}"
        gid = out[0].id
        for mb in out:
            born = self.day(mb.born)
            name_lower = f"{mb.last}, {mb.first}".lower()
            self.rows.buf["patient"].append((mb.id, mb.last, mb.first, name_lower,
                                             mb.first.lower(), born, gid, phone,
                                             *name_search_keys(mb.last, mb.first)))
            self.rows.buf["patient_phone"] += [(key, mb.id) for key in phone_keys(phone)]
            start = self.start
            if rng.random() >= 0.6:  # joined the practice during the five years
                start += int(rng.random() * HISTORY_DAYS)
            mb.joined = max(start, mb.born + 365)
            mb.left = today if rng.random() < 0.85 else \
                mb.joined + int(rng.random() * max(1, today - mb.joined))
        return out

    def person(self, last: str, age: int) -> Member:
        rng = self.rng
        first = self.pick(FEMALE if rng.random() < 0.52 else MALE)
        born = self.today - age * 365 - int(rng.random() * 365)
        return Member(self.new_id("patient"), first, last, born, age >= 18)

    def coverage(self, members: list[Member]) -> None:
        rng = self.rng
        if rng.random() >= INSURED:
            return
        primary = self.choose_plan()
        second = None
        if primary.type in ("ppo", "percentage") and rng.random() < SECONDARY and len(members) > 1:
            second = self.choose_plan(("ppo", "percentage"))
            if second is primary:
                second = None
        primary.subscriber = primary.subscriber or members[0].id
        if second is not None:
            second.subscriber = second.subscriber or members[1].id
        sub_id = f"{primary.carrier_key[:3]}{rng.randrange(10**8, 10**9)}"
        rows = self.rows.buf["patient_coverage"]
        for k, mb in enumerate(members):
            if mb.adult and k >= 2 and rng.random() < 0.6:
                continue  # a grandparent or adult child not on the family plan
            if second is None:
                plans = [primary]
            else:  # the spouse is primary on their own plan
                plans = [second, primary] if k == 1 else [primary, second]
            mb.plans = plans
            for order, plan in enumerate(plans, 1):
                rows.append((mb.id, plan.id, order, 0, sub_id))

    # -- big ledgers ---------------------------------------------------------------------------
    def big_ledger(self, size: int) -> int:
        """A single-patient account whose ledger card has about ``size`` lines."""
        self.families += 1
        mb = self.person(self.pick(("Whitmore", "Abernathy", "Castellano", "Pemberton")), 52)
        self.rows.buf["patient"].append((mb.id, mb.last, mb.first, f"{mb.last}, {mb.first}".lower(),
                                         mb.first.lower(), self.day(mb.born), mb.id, None,
                                         *name_search_keys(mb.last, mb.first)))
        mb.plans = [self.by_type["ppo"][0]]
        if size >= 10_000 and self.by_type["percentage"]:
            mb.plans.append(self.by_type["percentage"][0])
        for order, plan in enumerate(mb.plans, 1):
            plan.subscriber = plan.subscriber or mb.id
            self.rows.buf["patient_coverage"].append((mb.id, plan.id, order, 0, f"BIG{size}"))
        mb.joined, mb.left = self.start, self.today
        fam = _Family(self, [mb])
        fam.fill_to(mb, size)
        return mb.id


GENERATED_STEP = "estimated by the practice generator (store.demo.synthetic)"


def _received_explanation(paid: int, writeoff: int, deductible: int) -> str:
    """A received line's stored explanation, as a posting leaves it: how it was estimated
    (here, by this generator), then what the carrier paid (`estimator.worksheet`). Its last
    step is the estimator's own, so re-estimating the family keeps the line as it is."""
    return f"{GENERATED_STEP}\n{received_step(paid, writeoff, deductible)}"


def _contract(rng: Random, office: dict[str, int], ratio: float, skip=(), only=None) -> dict:
    """A contracted fee schedule: about ratio x the office fee, whole dollars."""
    fees = {}
    for code, fee in office.items():
        jitter = rng.uniform(0.94, 1.05)
        if (only is not None and code not in only) or code in skip:
            continue
        fees[code] = min(fee, round(fee * ratio * jitter / 100) * 100)
    return fees


# --- one family's history ---------------------------------------------------------------------

class _Family:
    """Visits of a family's members, posted in date order (the estimation order), with the
    deductible / maximum / frequency used so far kept per patient, plan and benefit year."""

    def __init__(self, b: _Builder, members: list[Member]):
        self.b, self.rng, self.members = b, b.rng, members
        self.guarantor = members[0].id
        self.visits: list[tuple] = []   # (day, patient id, seq, member, [(code idx, tooth, surf)])
        self.used: dict[tuple, int] = {}  # ("d"|"m"|"f"|"o"|"q", ...) -> amount or count
        self.prior: dict[int, tuple[int, int]] = {}  # procedure -> (P, W) of the earlier plans
        self.received_paid: dict[tuple, int] = {}  # the part of used "m"/"o" that was received
        self.deferred: list[tuple] = []  # see `defer_note`
        self.lines = 0
        self._primary_received, self._primary_paid = False, 0

    # -- scheduling ----------------------------------------------------------------------------
    def schedule(self, mb: Member) -> None:
        rng, b = self.rng, self.b
        day = mb.joined + int(rng.random() * 120)
        first = True
        appts = b.rows.buf["appointment"]
        while day <= mb.left:
            day = _weekday(day)
            if day > b.today:
                break
            if rng.random() < ATTEND:
                self.add(day, mb, self.recall(mb, day, first))
                appts.append((mb.id, b.day(day), "kept"))
                first = False
                if rng.random() < TREATMENT:
                    t = _weekday(day + 7 + int(rng.random() * 28))
                    if t <= b.today:
                        self.add(t, mb, self.treatment(mb, day))
                        appts.append((mb.id, b.day(t), "kept"))
            elif rng.random() < 0.35:
                appts.append((mb.id, b.day(day), "failed" if rng.random() < 0.4 else "cancelled"))
            if rng.random() < 0.03:
                e = _weekday(day + int(rng.random() * 150))
                if e <= b.today:
                    self.add(e, mb, self.emergency())
            day += 165 + int(rng.random() * 60)
        if mb.left == b.today and rng.random() < 0.5:
            appts.append((mb.id, b.day(_weekday(b.today + 10 + int(rng.random() * 170))),
                          "scheduled"))

    def add(self, day: int, mb: Member, procs: list) -> None:
        if procs:
            self.visits.append((day, mb.id, len(self.visits), mb, procs))

    def age(self, mb: Member, day: int) -> int:
        return (day - mb.born) // 365

    def recall(self, mb: Member, day: int, first: bool) -> list:
        rng, age = self.rng, self.age(mb, day)
        if age < 3:
            return [(C["D0145"], None, None), (C["D1206"], None, None)]
        if first:
            out = [(C["D0150"], None, None), (C["D0210" if age >= 12 else "D0272"], None, None)]
        else:
            out = [(C["D0120"], None, None)]
            if rng.random() < 0.5:
                out.append((C["D0274" if age >= 12 else "D0272"], None, None))
        if age < 14:
            out.append((C["D1120"], None, None))
            out.append((C["D1206"], None, None))
            if 6 <= age <= 12 and rng.random() < 0.15:
                out += [(C["D1351"], t, "O") for t in ("3", "14")]
        else:
            out.append((C["D4910" if age > 40 and rng.random() < 0.12 else "D1110"], None, None))
        return out

    def emergency(self) -> list:
        tooth = self.b.pick(POSTERIOR)
        return [(C["D0140"], None, None), (C["D0220"], tooth, None), (C["D9110"], tooth, None)]

    def treatment(self, mb: Member, day: int) -> list:
        rng, b, age = self.rng, self.b, self.age(mb, day)
        r = rng.random()
        if age < 12:
            if r < 0.6:
                return [(C["D2391"], b.pick(PRIMARY_MOLARS), "O")]
            if r < 0.8:
                t = b.pick(PRIMARY_MOLARS)
                return [(C["D3220"], t, None), (C["D2930"], t, None)]
            if r < 0.9 and age >= 10:
                return [(C["D8080"], None, None)]
            return [(C["D7140"], b.pick(PRIMARY_MOLARS), None)]
        if r < 0.40:
            n = 1 + (rng.random() < 0.35)
            out = []
            for _ in range(n):
                surfaces = int(rng.random() * 3.2)
                if rng.random() < 0.2:
                    code = ("D2330", "D2331", "D2332")[min(surfaces, 2)]
                    out.append((C[code], b.pick(ANTERIOR), b.pick(SURFACES_ANT[min(surfaces, 2)])))
                else:
                    amalgam = rng.random() < 0.15
                    code = (("D2140", "D2150", "D2160", "D2161") if amalgam else
                            ("D2391", "D2392", "D2393", "D2394"))[surfaces]
                    out.append((C[code], b.pick(POSTERIOR), b.pick(SURFACES_POST[surfaces])))
            return out
        if r < 0.55:
            t = b.pick(POSTERIOR)
            out = [(C[b.pick(("D2740", "D2750", "D2790"))], t, None)]
            return out + [(C["D2950"], t, None)] if rng.random() < 0.4 else out
        if r < 0.62:
            t = b.pick(MOLAR)
            return [(C["D0220"], t, None), (C["D3330"], t, None)]
        if r < 0.67:
            t = b.pick(ANTERIOR)
            return [(C["D3310" if rng.random() < 0.5 else "D3320"], t, None)]
        if r < 0.75:
            return [(C["D4341"], None, "UR"), (C["D4341"], None, "LR")] + \
                ([(C["D4342"], None, "UL")] if rng.random() < 0.4 else [])
        if r < 0.83:
            code = "D7240" if age < 30 and rng.random() < 0.5 else \
                ("D7210" if rng.random() < 0.4 else "D7140")
            teeth = ("1", "16", "17", "32") if code == "D7240" else POSTERIOR
            return [(C[code], b.pick(teeth), None)]
        if r < 0.87:
            return [(C["D9944"], None, None)]
        if r < 0.90:
            return [(C["D9972"], None, "UA"), (C["D9972"], None, "LA")]
        if r < 0.93 and age > 55:
            return [(C[b.pick(("D5110", "D5120", "D5213"))], None, None)]
        if r < 0.95 and age > 30:
            t = b.pick(MOLAR)
            return [(C["D6010"], t, None), (C["D6058"], t, None)]
        if r < 0.97 and 12 <= age <= 16:
            return [(C["D8080"], None, None)]
        return [(C["D0330"], None, None), (C["D0180"], None, None)]

    # -- posting -------------------------------------------------------------------------------
    def post_all(self) -> None:
        self.visits.sort(key=lambda v: (v[0], v[1], v[2]))
        for day, _, _, mb, procs in self.visits:
            self.post_visit(day, mb, procs)
        for mb in self.members:
            if mb.left == self.b.today and self.rng.random() < 0.12:
                self.treatment_plan(mb)
        if self.rng.random() < 0.01:
            b = self.b
            day = self.b.start + int(self.rng.random() * HISTORY_DAYS)
            b.rows.buf["ledger_note"].append(
                (self.guarantor, b.day(day),
                 self.b.pick(("Prefers text reminders", "Call before 5pm", "Spanish speaking",
                              "Sent to collections; call before treatment",
                              "Payment plan: $100/month")), *b.stamp(day)))
        self.settle_notes()
        self.b.ledger_lines += self.lines

    def fill_to(self, mb: Member, size: int) -> None:
        """Visits spread over the five years until the card has about ``size`` lines."""
        b, rng = self.b, self.rng
        span = b.today - 14 - b.start
        first = True
        while self.lines < size:
            day = _weekday(b.start + span * self.lines // size)
            procs = self.recall(mb, day, first) if rng.random() < 0.5 else self.treatment(mb, day)
            first = False
            self.post_visit(day, mb, procs)
            b.rows.buf["appointment"].append((mb.id, b.day(day), "kept"))
            if b.rows.pending() >= BATCH_ROWS * 4:
                b.rows.flush()
        self.settle_notes()
        b.ledger_lines += self.lines

    def post_visit(self, day: int, mb: Member, procs: list) -> None:
        b, rng, rows = self.b, self.rng, self.b.rows.buf
        stamp = b.stamp(day)
        iso = b.day(day)
        dentist = b.pick(b.dentists)
        hygienist = b.pick(b.hygienists)
        visit = []  # (proc id, code idx, tooth, charge)
        for ci, tooth, surf in procs:
            code = CODES[ci]
            pid = b.new_id("procedure")
            prov = hygienist if code.category in ("preventive", "diagnostic_xray") else dentist
            rows["procedure"].append((pid, mb.id, ci + 1, code.fee, 1, tooth, surf, iso, None,
                                      prov, "complete", None, None, *stamp))
            if code.code in MULTI_VISIT:
                seat = _weekday(day + 14 + int(rng.random() * 14))  # the crown is seated later
                rows["procedure_visit"].append((pid, 1, b.day(seat)))
            visit.append((pid, ci, tooth, code.fee))
        self.lines += len(visit)
        ins = [0, 0, 0, day, True]  # expected, paid, written off, last payment day, all received
        for order, plan in enumerate(mb.plans, 1):
            expected, paid, written_off, paid_on, done = self.bill(day, mb, plan, order, visit)
            ins[0] += expected
            ins[1] += paid
            ins[2] += written_off
            ins[3] = max(ins[3], paid_on)
            ins[4] = ins[4] and done
        if mb.plans and mb.plans[0].type == "flat_copay":
            # Medicaid writes off the rest of the fee: the patient owes only the copays
            # (the estimate itself has no write-off, as in the estimator).
            ins[0] = sum(charge - mb.plans[0].terms[ci][1] for _, ci, _, charge in visit
                         if not mb.plans[0].terms[ci][6])
        self.patient_money(day, mb, visit, *ins)

    # -- insurance -----------------------------------------------------------------------------
    def bill(self, day: int, mb: Member, plan: Plan, order: int, visit: list) -> tuple:
        """Claim procedures (and the claim, its payment) for one plan; returns
        (estimate + write-off estimate, paid, written off, payment day, received)."""
        b, rng = self.b, self.rng
        if plan.type == "capitation":
            return self.capitation(mb, plan, order, visit)
        status, claim_day, pay_day = self.claim_status(day, order)
        claim = b.new_id("claim")
        sent = b.day(claim_day + 1) if status in ("sent", "received") else None
        b.rows.buf["claim"].append((claim, mb.id, plan.id, status, b.day(claim_day), sent,
                                    f"{claim:09d}" if sent else None, None, *b.stamp(claim_day)))
        received = status == "received"
        denied_all = received and rng.random() < 0.02
        payment = b.new_id("claim_payment") if received else None
        pay_stamp = b.stamp(pay_day) if received else None
        exp = paid_sum = wo_sum = 0
        cp_rows, pl_rows = b.rows.buf["claim_proc"], b.rows.buf["claim_payment_line"]
        for seq, (pid, ci, tooth, charge) in enumerate(visit, 1):
            prior = self.prior.get(pid, (0, 0)) if order > 1 else (0, 0)
            est = self.estimate(day, mb, plan, order, ci, tooth, charge, prior, received)
            allowed, copay, pct, ded, base, ins, wo, note = est
            paid = wo_paid = ded_paid = 0
            cp = b.new_id("claim_proc")
            if received:
                denied = denied_all or (ins > 0 and rng.random() < 0.01)
                paid = 0 if denied else ins
                wo_paid = (charge - allowed if plan.type == "flat_copay" and order == 1 else wo)
                ded_paid = 0 if denied else ded
                pl_rows.append((payment, cp, paid, wo_paid, ded_paid, int(denied),
                                b.pick(DENIAL_REMARKS) if denied else None, *pay_stamp))
                self.lines += 1
                self.count_actual(day, mb, plan, ci, ded_paid, paid, ded, ins)
                paid_sum += paid
                wo_sum += wo_paid
                self.prior[pid] = (prior[0] + paid, prior[1] + wo_paid)
            else:
                self.prior[pid] = (prior[0] + ins, prior[1] + wo)
            exp += ins + wo
            cp_rows.append((cp, pid, plan.id, order, "received" if received else "not_received",
                            claim, seq, None, None, allowed, copay, pct, ded, base, ins, wo, note,
                            paid, wo_paid, ded_paid, int(received),
                            _received_explanation(paid, wo_paid, ded_paid) if received else ""))
        if received:
            b.rows.buf["claim_payment"].append(
                (payment, claim, plan.carrier, self.check_no(), b.day(pay_day), paid_sum,
                 *pay_stamp))
        return exp, paid_sum, wo_sum, pay_day if received else day, received

    def check_no(self) -> str:
        r = self.rng.random()
        return f"EFT{int(r * 1e9):09d}" if r < 0.45 else str(100000 + int(r * 899999))

    def claim_status(self, day: int, order: int) -> tuple[str, int, int]:
        """(status, claim date, payment date) for a claim of a visit on ``day``."""
        rng, today = self.rng, self.b.today
        claim_day = day
        if order > 1:
            if not self._primary_received:
                return "hold", day, day
            claim_day = self._primary_paid + 1 + int(rng.random() * 4)
        pay_day = claim_day + 10 + int(rng.random() * 35)
        if pay_day <= today and rng.random() < 0.985:
            status = "received"
        elif claim_day <= today - 3 or rng.random() < 0.6:
            status = "sent"
        else:
            status = "unsent" if rng.random() < 0.7 else "queued"
        if order == 1:
            self._primary_received = status == "received"
            self._primary_paid = pay_day
        return status, min(claim_day, today), pay_day

    def estimate(self, day: int, mb: Member, plan: Plan, order: int, ci: int, tooth, charge: int,
                 prior: tuple[int, int], received: bool) -> tuple:
        """(allowed, copay, percent, deductible, base, estimate, write-off estimate, note)."""
        terms = plan.terms[ci]
        if tooth in POSTERIOR_SET and ci in plan.sub_terms:
            terms = plan.sub_terms[ci]
        allowed, copay, pct, billed, ded_ok, ortho, excluded, freq = terms
        used = self.used
        year = _year(day, plan.renew_month)
        room = allowed - copay
        note = ""
        over_freq = False
        if freq:
            key = ("q", mb.id, plan.id, ci, year)
            n = used.get(key, 0)
            used[key] = n + 1
            over_freq = n >= freq
        ded = 0
        if pct and not excluded and not over_freq and ded_ok and plan.deductible:
            own = plan.deductible - used.get(("d", mb.id, plan.id, year), 0)
            if plan.family_deductible is not None:
                family = used.get(("f", self.guarantor, plan.id, year), 0)
                own = min(own, plan.family_deductible - family)
            ded = max(0, min(own, room))
        base = pct_of(room, pct)
        est = pct_of(room - ded, pct)
        if excluded:
            est, note = 0, "Exclusion"
        elif over_freq:
            est, note = 0, "Frequency"
        if order > 1:
            est = min(est, max(0, min(base, charge - prior[0] - prior[1])))
        if ortho:
            limit, key, word = plan.ortho_limit, ("o", mb.id, plan.id), "Limit"  # lifetime
        else:
            limit, key, word = plan.annual_max, ("m", mb.id, plan.id, year), "Annual max"
        if limit is not None:
            left = max(0, limit - used.get(key, 0))
            if est == 0 < left and not note and not received:
                self.defer_note(key, ortho, limit)
            if est > left or left == 0:  # nothing left: the note even on a line already at 0
                est = left
                note = f"{word} left {fmt(left)}" if left else \
                    note or ("Over limit" if ortho else "Over annual max")
        wo = 0
        if plan.type == "ppo" and billed is not None and (order == 1 or prior == (0, 0)):
            wo = max(0, min(charge - billed, charge - prior[0] - prior[1] - est))
        if not received:
            self.count(mb, plan, ortho, year, ded, est)
        return allowed, copay, pct, ded, base, est, wo, note

    def count(self, mb: Member, plan: Plan, ortho: bool, year: int, ded: int, paid: int) -> None:
        used = self.used
        if ded:
            k = ("d", mb.id, plan.id, year)
            used[k] = used.get(k, 0) + ded
            k = ("f", self.guarantor, plan.id, year)
            used[k] = used.get(k, 0) + ded
        if paid:
            k = ("o", mb.id, plan.id) if ortho else ("m", mb.id, plan.id, year)
            used[k] = used.get(k, 0) + paid

    def count_actual(self, day, mb, plan, ci, ded_paid, paid, ded_est, est) -> None:
        """A received line counts its actual deductible and payment (as the estimator does)."""
        ortho, year = CODES[ci].category == "orthodontics", _year(day, plan.renew_month)
        self.count(mb, plan, ortho, year, ded_paid, paid)
        if paid:
            k = ("o", mb.id, plan.id) if ortho else ("m", mb.id, plan.id, year)
            self.received_paid[k] = self.received_paid.get(k, 0) + paid

    def defer_note(self, key: tuple, ortho: bool, limit: int) -> None:
        """An open line at 0 whose maximum still has room when it is posted. The estimator counts
        every received payment of the benefit year, later ones too (estimation.md step 9), so the
        maximum may have nothing left for it in the end: `settle_notes` decides its note then.
        Its claim procedure id is the next one (the caller takes it right after estimating)."""
        before = self.used.get(key, 0) - self.received_paid.get(key, 0)  # earlier open estimates
        self.deferred.append((self.b.ids["claim_proc"], key, ortho, limit, before))

    def settle_notes(self) -> None:
        """Over annual max / Over limit on the deferred lines whose maximum ended up used up."""
        for cp, key, ortho, limit, before in self.deferred:
            if limit - before - self.received_paid.get(key, 0) <= 0:
                self.b.note_fixes.append(("Over limit" if ortho else "Over annual max", cp))
        self.deferred.clear()

    def capitation(self, mb: Member, plan: Plan, order: int, visit: list) -> tuple:
        b = self.b
        rows = b.rows.buf["claim_proc"]
        total = 0
        for pid, ci, tooth, charge in visit:
            allowed, copay = plan.terms[ci][0], plan.terms[ci][1]
            prior = self.prior.get(pid, (0, 0))
            wo = max(0, min(charge - copay, charge - prior[0] - prior[1]))
            rows.append((b.new_id("claim_proc"), pid, plan.id, order, "cap_complete", None, None,
                         None, None, allowed, copay, 100, 0, 0, 0, wo, "", 0, wo, 0, 0, ""))
            self.prior[pid] = (prior[0], prior[1] + wo)
            total += wo
        return total, 0, total, 0, True

    # -- the patient's money -------------------------------------------------------------------
    def patient_money(self, day: int, mb: Member, visit: list, expected_ins: int, paid_ins: int,
                      wo_ins: int, settled: int, insurance_done: bool) -> None:
        """Checkout payment of the estimated portion, a discount now and then, and the rest
        paid (or not) after insurance; refunds of credits, finance charges, small write-offs."""
        b, rng = self.b, self.rng
        charges = sum(v[3] for v in visit)
        adjust = 0
        if rng.random() < 0.05:
            senior = self.age(mb, day) >= 65
            adjust = -pct_of(charges, 10 if senior else 5)
            self.adjustment(day, mb.id, adjust, "SRDISC" if senior else "CASHDISC", visit[0][0])
        portion = charges - expected_ins + adjust
        at_checkout = 0
        if portion > 0 and rng.random() < (0.7 if mb.plans else 0.8):
            at_checkout = portion
            self.payment(day, mb.id, portion)
        owed = charges - paid_ins - wo_ins + adjust - at_checkout
        later = _weekday(settled + 12 + int(rng.random() * 30))
        if not mb.plans:
            later = _weekday(day + 20 + int(rng.random() * 40))
        if later > b.today or not insurance_done or owed == 0:
            return
        r = rng.random()
        if owed > 0:
            if owed < 500 and r < 0.3:
                self.adjustment(later, mb.id, -owed, "SMALLBAL", None)
            elif r < 0.86:
                self.payment(later, mb.id, owed)
            elif r < 0.90 and later + 60 <= b.today:
                self.adjustment(later + 60, mb.id, pct_of(owed, 3), "FIN", None)
        elif r < 0.5:
            self.payment(later, mb.id, owed, note="Refund of credit balance")

    def payment(self, day: int, patient: int, amount: int, note: str | None = None) -> None:
        b, rng = self.b, self.rng
        method = "check" if amount < 0 else \
            METHODS[bisect(b.method_cum, rng.random() * b.method_cum[-1])][0]
        check = str(1000 + int(rng.random() * 9000)) if method == "check" else None
        b.rows.buf["patient_payment"].append((patient, b.day(day), amount, method, check, note,
                                              *b.stamp(day)))
        self.lines += 1

    def adjustment(self, day: int, patient: int, amount: int, code: str, proc: int | None) -> None:
        b = self.b
        b.rows.buf["adjustment"].append((patient, b.day(day), amount, b.adj_code[code], proc, None,
                                         *b.stamp(day)))
        self.lines += 1

    # -- treatment plans -----------------------------------------------------------------------
    def treatment_plan(self, mb: Member) -> None:
        """Planned work (not on the ledger): estimated in the benefit year of today, some of it
        pre-authorized."""
        b, rng = self.b, self.rng
        day = _weekday(b.today - 5 - int(rng.random() * 50))
        procs = self.treatment(mb, day)
        stamp = b.stamp(day)
        preauth = None
        plan0 = mb.plans[0] if mb.plans else None
        if plan0 and plan0.type in ("ppo", "percentage") and rng.random() < 0.3:
            preauth = b.new_id("claim")
            b.rows.buf["claim"].append((preauth, mb.id, plan0.id, "preauth", b.day(day), b.day(day),
                                        None, f"PA{preauth:07d}", *stamp))
        for n, (ci, tooth, surf) in enumerate(procs, 1):
            code = CODES[ci]
            pid = b.new_id("procedure")
            b.rows.buf["procedure"].append((pid, mb.id, ci + 1, code.fee, 1, tooth, surf,
                                            b.day(day), None, b.pick(b.dentists), "planned", n,
                                            None, *stamp))
            for order, plan in enumerate(mb.plans, 1):
                self.plan_line(b.today, mb, plan, order, pid, ci, tooth, code.fee,
                               preauth if order == 1 else None, n)

    def plan_line(self, today, mb, plan, order, pid, ci, tooth, charge, preauth, seq) -> None:
        b = self.b
        if plan.type == "capitation":
            allowed, copay = plan.terms[ci][0], plan.terms[ci][1]
            row = (allowed, copay, 100, 0, 0, 0, charge - copay, "")
            status = "cap_estimate"
        else:
            prior = self.prior.get(pid, (0, 0)) if order > 1 else (0, 0)
            row = self.estimate(today, mb, plan, order, ci, tooth, charge, prior, False)
            self.prior[pid] = (prior[0] + row[5], prior[1] + row[6])
            status = "preauth" if preauth else "estimate"
        b.rows.buf["claim_proc"].append((b.new_id("claim_proc"), pid, plan.id, order, status, None,
                                         None, preauth, seq if preauth else None, *row, 0, 0, 0, 0,
                                         ""))


POSTERIOR_SET = frozenset(POSTERIOR) | frozenset(PRIMARY_MOLARS)
_YEARS: dict[int, tuple[int, int]] = {}


def _year(day: int, renew_month: int | None) -> int:
    """The benefit year (its starting calendar year) holding ``day``."""
    ym = _YEARS.get(day)
    if ym is None:
        d = date.fromordinal(day)
        ym = _YEARS[day] = (d.year, d.month)
    if renew_month and ym[1] < renew_month:
        return ym[0] - 1
    return ym[0]


def _weekday(day: int) -> int:
    """Move a Saturday or Sunday (ordinal) to the next Monday: the office is closed weekends."""
    wd = day % 7  # date.fromordinal(1) is a Monday: ordinal % 7 == 6 -> Saturday, 0 -> Sunday
    return day + 2 if wd == 6 else day + 1 if wd == 0 else day
