"""Users and roles in the services: the role checks live in `posting`, so every caller gets
the same refusal, naming the role missing; user changes are audited with before and after."""
from __future__ import annotations

import json

import pytest

from trust_helpers import ANA, ANA_FP, BOB, EC, EC_FP
from store import services
from store.audit import sign_in
from store.audit.passwords import verify_password
from store.audit.ssh_keys import BadKey, parse_key
from store.services import Actor, ServiceError

ANA_DESK = Actor("ana", "front-1", None, "frontdesk")
BEA_BILLING = Actor("bea", "office-2", None, "billing")


def _patient(db, file_id: str = "WILSON_J") -> int:
    return db.execute_sql("SELECT id FROM patient WHERE file_id = ?", (file_id,)).fetchone()[0]


def _counts(db) -> tuple:
    tables = ("audit_log", "adjustment", "patient_payment", "setting", "user", "ssh_key",
              "fee_schedule", "carrier")
    return tuple(db.execute_sql(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables)


def refused(db, call, *args, **kw) -> str:
    before = _counts(db)
    with pytest.raises(ServiceError) as err:
        call(db, *args, **kw)
    assert _counts(db) == before
    return str(err.value)


# --- roles -----------------------------------------------------------------------------------

def test_frontdesk_adjustment_is_refused_naming_the_role(db):
    message = refused(db, services.post_adjustment, _patient(db), -500, "COURTESY",
                      actor=ANA_DESK)
    assert message == "Adjustments need the billing role; ana is frontdesk."


def test_frontdesk_posts_the_days_work(db):
    patient = _patient(db)
    services.post_payment(db, patient, 2500, "cash", actor=ANA_DESK)
    services.add_ledger_note(db, patient, "called", actor=ANA_DESK)
    services.record_appointment(db, patient, "kept", actor=ANA_DESK)
    proc = services.add_procedure(db, patient, "D1110", provider="DOC1", actor=ANA_DESK)
    services.create_claims(db, patient, procedures=[proc], actor=ANA_DESK)
    users = {u for (u,) in db.execute_sql("SELECT user FROM audit_log WHERE id > 1")}
    assert users == {"ana"}


@pytest.mark.parametrize("call, args, words", [
    (services.reverse_payment, (1,), "Reversals need the billing role"),
    (services.edit_fee, (1, 100), "Fee changes need the billing role"),
    (services.set_lock_date, ("2026-01-31",), "Moving the lock date needs the admin role"),
])
def test_frontdesk_is_refused_billing_and_admin_work(db, call, args, words):
    assert refused(db, call, *args, actor=ANA_DESK) == f"{words}; ana is frontdesk."


def test_refunds_and_setup_need_billing(db):
    from store.services import setup
    message = refused(db, services.post_payment, _patient(db), -100, "cash", actor=ANA_DESK)
    assert message == "Refunds need the billing role; ana is frontdesk."
    message = refused(db, setup.create_fee_schedule, "Cigna", "allowed", actor=ANA_DESK)
    assert message == "Fee schedules need the billing role; ana is frontdesk."
    setup.create_fee_schedule(db, "Cigna", "allowed", actor=BEA_BILLING)


def test_billing_adjusts_but_only_admin_moves_the_lock_date(db):
    services.post_adjustment(db, _patient(db), -500, "COURTESY", actor=BEA_BILLING)
    message = refused(db, services.set_lock_date, "2026-01-31", actor=BEA_BILLING)
    assert message == "Moving the lock date needs the admin role; bea is billing."


def test_admin_moves_the_lock_date_and_it_is_audited(db):
    services.set_lock_date(db, "2026-01-31", actor=Actor("office", "srv", None, "admin"))
    user, detail = db.execute_sql("SELECT user, detail FROM audit_log WHERE action = "
                                  "'set_lock_date'").fetchone()
    assert user == "office" and json.loads(detail) == {"new": "2026-01-31", "old": None}


def test_the_signed_in_user_is_the_default_actor(db):
    services.add_user(db, "ana", "frontdesk")
    sign_in(db, "ana")
    message = refused(db, services.post_adjustment, _patient(db), -500, "COURTESY")
    assert message == "Adjustments need the billing role; ana is frontdesk."
    services.post_payment(db, _patient(db), 100, "cash")
    assert db.execute_sql("SELECT entered_by FROM patient_payment ORDER BY id DESC LIMIT 1"
                          ).fetchone()[0] == "ana"


# --- users -----------------------------------------------------------------------------------

def test_add_user_with_a_key_is_audited_with_the_fingerprint_not_the_key(db):
    services.add_user(db, "ana", "frontdesk", ssh_key=ANA)
    row = db.execute_sql("SELECT u.role, u.disabled, k.type, k.fingerprint, k.comment FROM user u "
                         "JOIN ssh_key k ON k.user_id = u.id WHERE u.name = 'ana'").fetchone()
    assert row == ("frontdesk", 0, "ssh-ed25519", ANA_FP, "ana@desk1")
    action, entity_id, detail = db.execute_sql(
        "SELECT action, entity_id, detail FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert (action, entity_id) == ("add_user", "ana")
    assert json.loads(detail)["after"]["ssh_key"]["fingerprint"] == ANA_FP
    assert ANA.split()[1] not in detail


@pytest.mark.parametrize("name", ["Ana", "1ana", "a b", "ana;rm", "", "x" * 33, "ana\n"])
def test_bad_user_names_are_refused(db, name):
    assert "a user name is" in refused(db, services.add_user, name, "frontdesk")


def test_unknown_role_and_second_user_of_a_name_are_refused(db):
    assert "role 'boss' is not one of" in refused(db, services.add_user, "ana", "boss")
    services.add_user(db, "ana", "frontdesk")
    assert "already a user ana" in refused(db, services.add_user, "ana", "billing")


def test_only_admin_adds_users(db):
    message = refused(db, services.add_user, "zed", "admin", actor=BEA_BILLING)
    assert message == "Adding users needs the admin role; bea is billing."


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("ssh-dss AAAAB3NzaC1kc3M= x", "type 'ssh-dss' is not one of"),
    ('command="/bin/sh" ' + ANA, "options such as command="),
    ("ssh-ed25519", "no key data"),
    ("ssh-ed25519 not*base64 x", "not valid base64"),
    ("ssh-ed25519 " + EC.split()[1] + " x", "not a ssh-ed25519 key"),
    ("-----BEGIN OPENSSH PRIVATE KEY----- b3Bl", "private key"),
    (ANA + "\nssh-ed25519 AAAA", "one line"),
    (ANA + " \x1b[2J", "control characters"),
])
def test_bad_keys_are_refused_in_one_line(db, text, words):
    services.add_user(db, "ana", "frontdesk")
    message = refused(db, services.add_ssh_key, "ana", text)
    assert words in message and "\n" not in message


def test_fingerprints_are_openssh_s():
    assert parse_key(ANA).fingerprint == ANA_FP
    assert parse_key(EC).fingerprint == EC_FP
    with pytest.raises(BadKey):
        parse_key("ssh-rsa AAAA")


def test_a_key_belongs_to_one_user(db):
    services.add_user(db, "ana", "frontdesk", ssh_key=ANA)
    services.add_user(db, "bob", "billing")
    assert "is already ana's" in refused(db, services.add_ssh_key, "bob", ANA)
    assert "this user's" in refused(db, services.add_ssh_key, "ana", ANA)


def test_remove_a_key_by_fingerprint_or_comment(db):
    services.add_user(db, "ana", "frontdesk", ssh_key=ANA)
    services.add_ssh_key(db, "ana", EC)
    assert services.remove_ssh_key(db, "ana", "ec") == EC_FP
    assert "has no SSH key" in refused(db, services.remove_ssh_key, "ana", "ec")
    assert services.remove_ssh_key(db, "ana", ANA_FP) == ANA_FP
    detail = json.loads(db.execute_sql("SELECT detail FROM audit_log ORDER BY id DESC LIMIT 1"
                                       ).fetchone()[0])
    assert detail["before"]["ssh_key"]["fingerprint"] == ANA_FP and detail["after"] is None


def test_disable_and_enable_record_before_and_after(db):
    services.add_user(db, "ana", "frontdesk")
    services.set_disabled(db, "ana", True)
    assert "already disabled" in refused(db, services.set_disabled, "ana", True)
    services.set_disabled(db, "ana", False)
    details = [json.loads(d) for (d,) in db.execute_sql(
        "SELECT detail FROM audit_log WHERE action IN ('disable_user', 'enable_user') "
        "ORDER BY id")]
    assert details == [{"after": {"disabled": True}, "before": {"disabled": False}},
                       {"after": {"disabled": False}, "before": {"disabled": True}}]


def test_role_change_is_audited(db):
    services.add_user(db, "ana", "frontdesk")
    services.set_role(db, "ana", "billing")
    detail = json.loads(db.execute_sql("SELECT detail FROM audit_log WHERE action = 'set_role'"
                                       ).fetchone()[0])
    assert detail == {"after": {"role": "billing"}, "before": {"role": "frontdesk"}}


def test_passwords_are_argon2_hashes_never_stored_or_audited_as_typed(db):
    services.add_user(db, "ana", "frontdesk")
    services.set_password(db, "ana", "correct horse")
    stored = db.execute_sql("SELECT password_hash FROM user WHERE name = 'ana'").fetchone()[0]
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct horse") and not verify_password(stored, "wrong one")
    assert not db.execute_sql("SELECT 1 FROM audit_log WHERE detail LIKE '%horse%' "
                              "OR detail LIKE '%argon%'").fetchone()
    assert "at least 8" in refused(db, services.set_password, "ana", "short")


def test_a_user_sets_their_own_password_but_not_anothers(db):
    services.add_user(db, "ana", "frontdesk")
    services.add_user(db, "bob", "billing")
    services.set_password(db, "ana", "ana's secret", actor=ANA_DESK)
    message = refused(db, services.set_password, "bob", "bob's secret", actor=ANA_DESK)
    assert message == "Setting another user's password needs the admin role; ana is frontdesk."


def test_edits_record_what_was_there_before(db):
    from store.services import setup
    carrier = db.execute_sql("SELECT id FROM carrier WHERE file_id = 'AETNA'").fetchone()[0]
    setup.edit_carrier(db, carrier, phone="555-0100")
    ucr = db.execute_sql("SELECT id FROM fee_schedule WHERE file_id = 'UCR'").fetchone()[0]
    setup.set_fee(db, ucr, "D1110", 9900)
    details = {a: json.loads(d) for a, d in db.execute_sql(
        "SELECT action, detail FROM audit_log WHERE action IN ('edit_carrier', 'set_fee')")}
    assert details["edit_carrier"]["before"] == {"phone": None}
    assert details["edit_carrier"]["phone"] == "555-0100"
    assert (details["set_fee"]["before"], details["set_fee"]["amount"]) == ({"amount": 9500}, 9900)
