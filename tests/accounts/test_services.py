"""services/accounts.py: invitations, temporary passwords, deactivation, one's own password,
assignments, the password rules, and their lines in the activity log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer

from tests import builders
from workshop.extensions import db
from workshop.models import Activity
from workshop.models.enums import Role
from workshop.services import accounts
from workshop.services.errors import ServiceError


def _actions(**filters):
    return [
        (a.actor, a.action, a.subject)
        for a in db.session.query(Activity).filter_by(**filters).order_by(Activity.id)
    ]


# --- password rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("", "password_too_short"),
        ("short", "password_too_short"),
        ("123456789", "password_too_short"),
        ("1234567890", "password_too_common"),
        ("QWERTYUIOP", "password_too_common"),  # the check ignores case
        ("motdepasse123", "password_too_common"),
        ("x" * 201, "password_too_long"),
        ("anne.dupont", "password_is_username"),
    ],
)
def test_bad_passwords(app, password, code):
    assert accounts.password_problem(password, "anne.dupont") == code
    with pytest.raises(ServiceError) as refused:
        accounts.check_password_rules(password, "anne.dupont")
    assert refused.value.code == code
    assert refused.value.details == {"field": "password"}


@pytest.mark.parametrize("password", ["correct horse battery", "un atelier à Namur", "3 décembre"])
def test_good_passwords_need_no_composition(app, password):
    assert accounts.password_problem(password, "anne") is None


def test_the_list_is_shipped_with_its_source(app):
    listed = accounts.common_passwords()
    assert 1000 <= len(listed) <= 10000
    assert "qwertyuiop" in listed
    assert all(p == p.lower() and not p.startswith("#") for p in listed)


# --- invitations --------------------------------------------------------------------------------


def test_invite_creates_an_account_without_a_usable_password(app, organiser):
    user, token, expires = accounts.invite("anne", "facilitator", by=organiser)
    assert user.role is Role.FACILITATOR
    assert user.active
    assert accounts.is_invited(user)
    assert not user.check_password("!")
    assert accounts.authenticate("anne", "!") is None
    assert accounts.authenticate("anne", "") is None
    assert accounts.invited_user(token) is user
    assert timedelta(days=6) < expires - user.created_at.replace(tzinfo=expires.tzinfo)
    assert _actions(action="account.invited") == [("organiser", "account.invited", "anne")]


def test_an_invitation_is_single_use(app, organiser):
    user, token, _ = accounts.invite("anne", "facilitator", by=organiser)
    accounts.accept_invitation(token, "un atelier à Namur")
    assert accounts.authenticate("anne", "un atelier à Namur") is user
    with pytest.raises(ServiceError) as used:
        accounts.accept_invitation(token, "un autre mot de passe")
    assert used.value.code == "invitation_used"
    assert accounts.authenticate("anne", "un atelier à Namur") is user
    assert ("anne", "account.invitation_accepted", "anne") in _actions()


def test_a_new_invitation_kills_the_old_link(app, organiser):
    user, first, _ = accounts.invite("anne", "facilitator", by=organiser)
    _, second, _ = accounts.reinvite(user.id, by=organiser)
    with pytest.raises(ServiceError) as used:
        accounts.invited_user(first)
    assert used.value.code == "invitation_used"
    assert accounts.invited_user(second) is user


def test_expired_and_forged_invitations(app, organiser):
    user, token, _ = accounts.invite("anne", "facilitator", by=organiser)
    old = accounts.INVITATION_MAX_AGE
    try:
        accounts.INVITATION_MAX_AGE = timedelta(seconds=-1)
        with pytest.raises(ServiceError) as expired:
            accounts.invited_user(token)
        assert expired.value.code == "invitation_expired"
    finally:
        accounts.INVITATION_MAX_AGE = old
    forged = URLSafeTimedSerializer("not the key", salt="workshop-invitation").dumps([user.id, 0])
    for bad in (forged, "garbage", token[:-2]):
        with pytest.raises(ServiceError) as invalid:
            accounts.invited_user(bad)
        assert invalid.value.code == "invitation_invalid"


def test_an_invitation_checks_the_password_rules(app, organiser):
    user, token, _ = accounts.invite("anne", "facilitator", by=organiser)
    with pytest.raises(ServiceError) as weak:
        accounts.accept_invitation(token, "azertyuiop")
    assert weak.value.code == "password_too_common"
    assert accounts.invited_user(token) is user  # nothing changed: the link still works


def test_usernames_are_unique_whatever_the_case(app, organiser):
    with pytest.raises(ServiceError) as taken:
        accounts.invite("Organiser", "facilitator", by=organiser)
    assert taken.value.code == "user_exists"
    with pytest.raises(ServiceError) as bad:
        accounts.invite("é", "facilitator", by=organiser)
    assert bad.value.code == "bad_username"
    with pytest.raises(ServiceError) as role:
        accounts.invite("anne", "admin", by=organiser)
    assert role.value.code == "bad_role"
    assert _actions(action="account.invited") == []


# --- temporary passwords, reset -----------------------------------------------------------------


def test_temporary_password(app, organiser):
    user, password = accounts.create_with_temporary_password("bob", "organiser", by=organiser)
    assert user.must_change_password
    assert user.role is Role.ORGANISER
    assert accounts.authenticate("bob", password) is user
    assert accounts.password_problem(password, "bob") is None
    assert _actions(action="account.created") == [("organiser", "account.created", "bob")]


def test_reset_ends_the_logins_and_asks_for_a_new_password(app, organiser, facilitator):
    version = facilitator.session_version
    user, password = accounts.reset_password(facilitator.id, by=organiser)
    assert user.session_version > version
    assert user.must_change_password
    assert accounts.authenticate("facilitator", "correct horse") is None
    assert accounts.authenticate("facilitator", password) is user
    assert ("organiser", "account.password_reset", "facilitator") in _actions()


# --- deactivation -------------------------------------------------------------------------------


def test_deactivate_and_reactivate(app, organiser, facilitator):
    version = facilitator.session_version
    accounts.deactivate(facilitator.id, by=organiser)
    assert not facilitator.active
    assert facilitator.session_version > version
    assert accounts.authenticate("facilitator", "correct horse") is None
    accounts.reactivate(facilitator.id, by=organiser)
    assert accounts.authenticate("facilitator", "correct horse") is facilitator
    assert [a for _, a, _ in _actions()] == ["account.deactivated", "account.reactivated"]


def test_no_one_deactivates_themselves_nor_the_last_organiser(app, organiser):
    with pytest.raises(ServiceError) as own:
        accounts.deactivate(organiser.id, by=organiser)
    assert own.value.code == "own_account"
    other = builders.gen_user("other", role="organiser")
    accounts.deactivate(other.id, by=organiser)
    with pytest.raises(ServiceError) as last:
        accounts.deactivate(organiser.id, by=other)
    assert last.value.code == "last_organiser"
    assert organiser.active


# --- one's own password -------------------------------------------------------------------------


def test_change_own_password(app, facilitator):
    facilitator.must_change_password = True
    db.session.commit()
    with pytest.raises(ServiceError) as wrong:
        accounts.change_own_password(facilitator, "nope", "un atelier à Namur")
    assert wrong.value.code == "wrong_password"
    with pytest.raises(ServiceError) as weak:
        accounts.change_own_password(facilitator, "correct horse", "1q2w3e4r5t")
    assert weak.value.code == "password_too_common"
    with pytest.raises(ServiceError) as same:
        accounts.change_own_password(facilitator, "correct horse", "correct horse")
    assert same.value.code == "password_unchanged"
    assert facilitator.check_password("correct horse")
    accounts.change_own_password(facilitator, "correct horse", "un atelier à Namur")
    assert facilitator.check_password("un atelier à Namur")
    assert not facilitator.must_change_password
    assert _actions() == [("facilitator", "account.password_changed", "facilitator")]


# --- assignments --------------------------------------------------------------------------------


def test_assignments_and_my_sessions(app, organiser, facilitator):
    import datetime as dt

    later = builders.gen_session("Plus tard", with_sets=False, date=dt.date(2009, 1, 5))
    sooner = builders.gen_session("Plus tôt", with_sets=False, date=dt.date(2008, 12, 1))
    other = builders.gen_session("Pas le mien", with_sets=False)
    archived = builders.gen_session("Archivé", with_sets=False, archived=True)
    assert accounts.set_assignments(facilitator.id, [later.id, sooner.id], by=organiser) == (2, 0)
    assert [s.title for s in accounts.sessions_of(facilitator)] == ["Plus tôt", "Plus tard"]
    assert accounts.may_facilitate(facilitator, sooner.id)
    assert not accounts.may_facilitate(facilitator, other.id)
    assert accounts.may_facilitate(organiser, other.id)
    assert archived not in accounts.sessions_of(organiser)
    assert {s.title for s in accounts.sessions_of(organiser)} == {
        "Plus tard",
        "Plus tôt",
        "Pas le mien",
    }
    assert accounts.set_assignments(facilitator.id, [sooner.id], by=organiser) == (0, 1)
    assert accounts.set_assignments(facilitator.id, [sooner.id], by=organiser) == (0, 0)
    lines = _actions(session_id=later.id)
    assert lines == [
        ("organiser", "account.assigned", "facilitator"),
        ("organiser", "account.unassigned", "facilitator"),
    ]
    with pytest.raises(ServiceError) as unknown:
        accounts.set_assignments(facilitator.id, [sooner.id, 99999], by=organiser)
    assert unknown.value.code == "unknown_session"
    assert accounts.assigned_session_ids(facilitator) == {sooner.id}
    accounts.unassign(facilitator.id, sooner.id, by=organiser)
    accounts.assign(facilitator.id, other.id, by=organiser)
    assert accounts.assigned_session_ids(facilitator) == {other.id}


def test_account_activity_has_what_it_did_and_what_was_done_to_it(app, organiser, facilitator):
    accounts.reset_password(facilitator.id, by=organiser)
    entries = accounts.account_activity(facilitator)
    assert [e.action for e in entries] == ["account.password_reset"]
    assert [e.action for e in accounts.account_activity(organiser)] == ["account.password_reset"]


# --- the command line keeps working -------------------------------------------------------------


def test_create_user_from_the_command_line(app):
    user = accounts.create_user("first", "organiser", "a long password")
    assert user.is_organiser
    assert not user.must_change_password
    with pytest.raises(ServiceError) as weak:
        accounts.create_user("second", "organiser", "qwertyuiop")
    assert "most common" in weak.value.message
    assert _actions() == [("workshop create-user", "account.created", "first")]


def test_an_invited_account_costs_a_password_check_like_any_login(app, organiser, monkeypatch):
    """No login opens an invited account before its invitee chose a password, and the time
    taken does not tell it apart from an unknown name (a check against the dummy hash)."""
    accounts.invite("anne", "facilitator", by=organiser)
    checked = []
    real = accounts.check_password_hash

    def spy(stored, password):
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", spy)
    for attempt in ("!", "", "anything at all"):
        assert accounts.authenticate("anne", attempt) is None
    assert checked == [accounts.dummy_hash()] * 3
