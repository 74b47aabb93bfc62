"""The X12 835 code lists the office sees, in plain words (no X12 reading here).

Claim adjustment reason codes (CARC) are the X12 external code list maintained by the
Washington Publishing Company; this table keeps the ones dental payers use, shortened.
A code missing here shows as "reason N" and still maps by its group (see `grid`).
"""
from __future__ import annotations

DENIED, REVERSAL, PREDETERMINATION, NOT_OUR_CLAIM = "4", "22", "25", "23"

CLAIM_STATUS = {
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "processed as primary, forwarded to another payer",
    "20": "processed as secondary, forwarded to another payer",
    "21": "processed as tertiary, forwarded to another payer",
    "22": "reversal of a previous payment",
    "23": "not our claim, forwarded to another payer",
    "25": "predetermination pricing only, no payment",
}

GROUPS = {
    "CO": "contractual obligation",
    "PR": "patient responsibility",
    "OA": "other adjustment",
    "PI": "payer-initiated reduction",
    "CR": "correction or reversal",
}

PAYMENT_METHODS = {
    "ACH": "EFT (ACH)",
    "CHK": "check",
    "BOP": "EFT (bank's choice)",
    "FWT": "wire transfer",
    "NON": "no payment",
}

REASONS = {
    "1": "deductible",
    "2": "coinsurance",
    "3": "co-payment",
    "4": "procedure code inconsistent with the modifier",
    "5": "procedure code inconsistent with the place of service",
    "6": "procedure inconsistent with the patient's age",
    "7": "procedure inconsistent with the patient's gender",
    "8": "procedure inconsistent with the provider's specialty",
    "11": "diagnosis inconsistent with the procedure",
    "16": "claim lacks information or has billing errors",
    "18": "exact duplicate claim or service",
    "22": "may be covered by another payer",
    "23": "impact of prior payer's adjudication",
    "24": "covered under a capitation agreement",
    "26": "incurred before coverage began",
    "27": "incurred after coverage ended",
    "29": "time limit for filing has expired",
    "31": "patient cannot be identified as our insured",
    "35": "lifetime benefit maximum reached",
    "39": "denied when authorization was requested",
    "42": "charge exceeds the fee schedule (obsolete)",
    "45": "charge exceeds the fee schedule or contracted fee",
    "49": "routine or preventive service not covered",
    "50": "not deemed a medical necessity",
    "51": "pre-existing condition not covered",
    "59": "processed under multiple-procedure rules",
    "94": "processed in excess of charges",
    "96": "non-covered charge",
    "97": "included in the payment for another service",
    "107": "related or qualifying service not identified",
    "109": "not covered by this payer",
    "119": "benefit maximum for the period reached",
    "129": "prior processing information appears incorrect",
    "131": "claim-specific negotiated discount",
    "149": "lifetime benefit maximum for this service reached",
    "150": "information does not support this level of service",
    "151": "number or frequency of services exceeds the limit",
    "167": "diagnosis not covered",
    "170": "not paid when performed by this type of provider",
    "181": "procedure code invalid on the date of service",
    "182": "modifier invalid on the date of service",
    "185": "rendering provider not eligible",
    "187": "paid from a consumer spending account",
    "189": "unlisted code used where a specific code exists",
    "197": "pre-authorization absent",
    "198": "pre-authorization exceeded",
    "200": "incurred during a lapse in coverage",
    "204": "service not covered by the patient's plan",
    "208": "provider NPI not matched",
    "226": "information requested from the provider not received",
    "227": "information requested from the patient not received",
    "242": "provider not in the network",
    "243": "not authorized by the network provider",
    "253": "sequestration reduction",
    "A1": "claim or service denied",
    "B7": "provider not certified for this procedure on this date",
    "B13": "previously paid",
    "B15": "requires a qualifying service",
    "B20": "furnished in part or in full by another provider",
}

# Provider-level adjustment (PLB03-1) reasons.
PLB_REASONS = {
    "L6": "interest",
    "WO": "overpayment recovery",
    "FB": "forwarding balance",
    "CS": "adjustment",
    "72": "authorized return",
    "90": "early payment allowance",
    "B2": "rebate",
    "BD": "bad debt adjustment",
    "C5": "temporary allowance",
    "E3": "withholding",
    "IR": "income tax withholding",
    "J1": "nonreimbursable",
    "L3": "penalty",
    "LE": "levy",
    "LS": "lump sum",
    "OB": "offset for affiliated providers",
    "RA": "retroactive adjustment",
    "SL": "student loan repayment",
    "TL": "third-party liability",
}


def reason_text(reason: str) -> str:
    """The reason's plain words (``"45"`` -> ``"charge exceeds the fee schedule ..."``)."""
    return REASONS.get(reason, f"reason {reason}")


def group_text(group: str) -> str:
    return GROUPS.get(group, f"group {group}")
