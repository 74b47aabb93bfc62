"""A patient's registration record: the extension fields of `estimator.model.Patient` (middle
and preferred name, gender, address, phones, e-mail, chart number, inactive) <-> the patient
table's columns, and the search keys stored beside them. One mapping for the importer, the
loader and the patient services. (The usual provider is a reference: each caller maps its id.)
"""
from __future__ import annotations

from estimator import model as m

from .ids import name_search_keys, phone_keys

# patient columns of the record, in the order `columns` gives them
RECORD_COLUMNS = ("middle_name", "preferred_name", "gender", "address1", "address2", "city",
                  "state", "zip", "phone", "mobile_phone", "work_phone", "email", "chart_no",
                  "inactive")
_ADDRESS = ("address1", "address2", "city", "state", "zip")  # model.Address fields in order
_PHONES = ("phone", "mobile_phone", "work_phone")          # model.Phones: home, mobile, work


def columns(patient: m.Patient) -> tuple:
    """The `RECORD_COLUMNS` values of ``patient``."""
    address = patient.address or m.Address()
    phones = patient.phones or m.Phones()
    return (patient.middle_name, patient.preferred_name, patient.gender, address.line1,
            address.line2, address.city, address.state, address.zip, phones.home, phones.mobile,
            phones.work, patient.email, patient.chart_no, int(patient.inactive))


def fields(row: tuple) -> dict:
    """`model.Patient` keyword arguments from a row of `RECORD_COLUMNS` values (an address or
    phones with nothing in them are None: not recorded)."""
    values = dict(zip(RECORD_COLUMNS, row))
    address = m.Address(*(values[c] for c in _ADDRESS))
    phones = m.Phones(*(values[c] for c in _PHONES))
    return {"middle_name": values["middle_name"], "preferred_name": values["preferred_name"],
            "gender": values["gender"], "address": address if address != m.Address() else None,
            "phones": phones if phones != m.Phones() else None, "email": values["email"],
            "chart_no": values["chart_no"], "inactive": bool(values["inactive"])}


def search_columns(last: str, first: str, middle: str | None) -> tuple[str, str]:
    """(``name_search``, ``first_search``): Find patient's keys of a name."""
    return name_search_keys(last, first, middle)


def phone_rows(patient_id: int, patient: m.Patient) -> list[tuple[str, int]]:
    """``patient_phone`` rows (digits, patient id) of a patient's numbers."""
    phones = patient.phones or m.Phones()
    return [(key, patient_id) for key in phone_keys(phones.home, phones.mobile, phones.work)]
