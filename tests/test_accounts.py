"""Users, argon2id passwords, sign-in lockout that survives a restart, settings and the audit trail."""

import threading
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

from boards import accounts
from boards.access import PermissionDenied, system_actor
from boards.accounts import (
    AccountError,
    SignInError,
    actor_for,
    add_user,
    change_setting,
    ensure_first_admin,
    reset_password,
    session_expired,
    set_active,
    set_partnerships,
    set_role,
    settings,
    sign_in,
)
from boards.catalogue import load_catalogue
from boards.demo import prepare_reference
from boards.reference import load_reference
from boards.store import Store
from tests.postgres_server import on_both_back_ends

ROOT = system_actor("tester")
REFUSED = (
    "The username or password is not right, or the account is locked or disabled. After too many wrong "
    "passwords an account locks for a while; an administrator can unlock or enable it."
)
T0 = datetime(2026, 11, 22, 9, 0, 0)


@pytest.fixture
def store(store_location):
    opened = Store.open(store_location)
    prepare_reference(opened, load_reference(), load_catalogue())
    add_user(opened, ROOT, username="ana", display_name="Ana Analyst", role="analyst",
             password="correct horse battery")
    add_user(opened, ROOT, username="bea", display_name="Bea Barnsley", role="uploader",
             password="barnsley uploads 1", partnership_ids=["E08000038"])
    yield opened
    opened.close()


def test_password_is_stored_as_argon2id(store):
    """The stored hash is argon2id, and the password itself appears nowhere in the database."""
    row = store.user("ana")
    assert row["password_hash"].startswith("$argon2id$")
    for table in ("users", "audit_log"):
        assert "correct horse battery" not in store.table(table).to_csv()


def test_sign_in_returns_the_actor_with_partnership_areas(store):
    """Bea signs in as an uploader for Barnsley's partnership."""
    outcome = sign_in(store, "bea", "barnsley uploads 1", now=T0)
    assert (outcome.actor.username, outcome.actor.role) == ("bea", "uploader")
    assert outcome.actor.area_codes == frozenset({"E08000038"})
    assert outcome.actor.partnership_names == ("Barnsley",)


def test_unknown_user_and_wrong_password_read_the_same(store):
    """The message never tells whether the username exists."""
    with pytest.raises(SignInError) as unknown:
        sign_in(store, "nobody", "whatever", now=T0)
    with pytest.raises(SignInError) as wrong:
        sign_in(store, "ana", "not the password", now=T0)
    assert str(unknown.value) == str(wrong.value) == REFUSED


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("nobody", "nobody"),
        ("bea.barnsly", "bea.barnsly"),
        ("someone@example.gov.uk", "sha256:dbce85ef2398badc"),  # a password of this dashboard could look so
        ("correcthorsebattery", "sha256:10ef1b051eb9faeb"),
        ("system:root", "sha256:c4c69dcd065a7884"),
        ("correct horse battery", "sha256:9028ea0d15decaa3"),
        ("x" * 200_000, "sha256:91e3faafd322bcdf"),
        ("   ", "(blank)"),
    ],
)
def test_a_failed_sign_in_is_audited_as_anonymous_with_a_safe_attempt(store, typed, kept):
    """Whatever a signed-out visitor types, the audit row's actor is 'anonymous' and the attempt is kept as
    typed only when it has the shape of a username and could not be a password here; else as a short hash
    (so never a password, never posing as the command line or another user, never 200,000 characters)."""
    with pytest.raises(SignInError):
        sign_in(store, typed, "whatever", now=T0)
    row = store.audit_log().fillna("-").iloc[-1]
    assert (row.actor, row.action, row.target, row.detail) == (
        "anonymous", "sign_in_failed", "-", f"unknown user; attempted username: {kept}")


@on_both_back_ends
def test_failed_sign_ins_of_an_account_name_it_as_the_target(store):
    """A wrong password for Ana is done by someone anonymous to Ana's account, not by Ana."""
    with pytest.raises(SignInError):
        sign_in(store, "ana", "not the password", now=T0)
    row = store.audit_log().iloc[-1]
    assert [row.actor, row.action, row.target, row.detail] == [
        "anonymous", "sign_in_failed", "ana", "wrong password (1 in a row)"]


@pytest.mark.parametrize("username", ["anonymous", "system:root"])
def test_audit_trail_names_cannot_be_usernames(store, username):
    """No account can pose as a signed-out visitor or as the command line."""
    with pytest.raises(AccountError, match=f"^'{username}' is reserved for the audit trail"):
        add_user(store, ROOT, username=username, display_name="X", role="viewer", password="a long enough one")


@on_both_back_ends
def test_lockout_after_five_failures_survives_a_restart(store):
    """Five wrong passwords lock the account for 15 minutes, even across a reopen of the file."""
    for _ in range(4):
        with pytest.raises(SignInError):
            sign_in(store, "ana", "wrong", now=T0)
    assert store.user("ana")["locked_until"] is None
    with pytest.raises(SignInError):
        sign_in(store, "ana", "wrong", now=T0)
    assert store.user("ana")["locked_until"] == datetime(2026, 11, 22, 9, 15)
    path = store.path
    store.close()
    reopened = Store.open(path)
    with pytest.raises(SignInError):
        sign_in(reopened, "ana", "correct horse battery", now=T0 + timedelta(minutes=14))
    assert reopened.audit_log()["detail"].iloc[-1] == "account locked until 09:15 UTC"
    assert sign_in(reopened, "ana", "correct horse battery", now=T0 + timedelta(minutes=16)).actor.username == "ana"
    assert reopened.user("ana")["failed_attempts"] == 0
    actions = reopened.audit_log()["action"].tolist()
    assert actions.count("sign_in_failed") == 5  # four wrong passwords, one attempt while locked
    assert actions.count("account_locked") == 1
    assert actions[-1] == "sign_in"
    reopened.close()


@on_both_back_ends
def test_simultaneous_wrong_passwords_each_count_and_lock(store):
    """12 wrong passwords at once, each in its own thread: all 12 counted, and the account locked (the count
    was read, then written, so simultaneous attempts overwrote each other and never reached the threshold)."""
    attempts = 12
    start = threading.Barrier(attempts)
    refusals = []

    def wrong_password():
        start.wait()
        try:
            sign_in(store, "ana", "not the password", now=T0)
        except SignInError as refused:
            refusals.append(str(refused))

    threads = [threading.Thread(target=wrong_password) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    user = store.user("ana")
    assert (len(refusals), user["failed_attempts"], user["locked_until"]) == (12, 12, T0 + timedelta(minutes=15))
    with pytest.raises(SignInError):
        sign_in(store, "ana", "correct horse battery", now=T0 + timedelta(minutes=1))
    assert store.audit_log()["action"].value_counts().to_dict() == {
        "sign_in_failed": 12, "account_locked": 1, "user_added": 2}


@on_both_back_ends
def test_a_right_password_read_before_a_lock_does_not_clear_it(store, monkeypatch):
    """Simultaneous guesses: one right password whose sign-in read the account before the wrong ones locked
    it is refused, and the lock stays (the sign-in cleared the lock it had not seen)."""
    unlocked = store.user("ana")
    for _ in range(5):
        with pytest.raises(SignInError):
            sign_in(store, "ana", "wrong", now=T0)
    monkeypatch.setattr(store, "user", lambda username: unlocked)
    with pytest.raises(SignInError):
        sign_in(store, "ana", "correct horse battery", now=T0)
    monkeypatch.undo()
    assert (store.user("ana")["failed_attempts"], store.user("ana")["locked_until"]) == (5, datetime(2026, 11, 22, 9, 15))
    assert store.audit_log()["detail"].iloc[-1] == "account locked until 09:15 UTC"


@on_both_back_ends
def test_lockout_threshold_is_a_setting(store):
    """With lockout_attempts 2 the second failure locks."""
    change_setting(store, ROOT, "lockout_attempts", "2")
    with pytest.raises(SignInError):
        sign_in(store, "ana", "wrong", now=T0)
    assert store.user("ana")["locked_until"] is None
    with pytest.raises(SignInError):
        sign_in(store, "ana", "wrong", now=T0)
    assert store.user("ana")["locked_until"] == datetime(2026, 11, 22, 9, 15)
    assert settings(store)["lockout_attempts"] == 2


def test_disabled_account_cannot_sign_in(store):
    """Disabling refuses sign-in (why goes to the audit trail only); enabling also clears a lock."""
    set_active(store, ROOT, "ana", False)
    with pytest.raises(SignInError):
        sign_in(store, "ana", "correct horse battery", now=T0)
    assert store.audit_log()[["action", "target", "detail"]].iloc[-1].tolist() == [
        "sign_in_failed", "ana", "account disabled"]
    set_active(store, ROOT, "ana", True)
    assert sign_in(store, "ana", "correct horse battery", now=T0).actor.role == "analyst"


@pytest.fixture
def verify_calls(monkeypatch):
    """The hashes each sign-in verified a password against, in order."""
    calls = []

    class CountingHasher(PasswordHasher):
        def verify(self, password_hash, password):
            calls.append(password_hash)
            return super().verify(password_hash, password)

    monkeypatch.setattr(accounts, "_hasher", CountingHasher())
    return calls


def test_every_refusal_reads_the_same_and_verifies_once(store, verify_calls):
    """Unknown, wrong password, locked and disabled: one message, and the password verified exactly once
    each, so the time taken does not tell them apart (a locked or disabled account answered without
    verifying, many times faster than a wrong password)."""
    change_setting(store, ROOT, "lockout_attempts", "1")
    add_user(store, ROOT, username="dee", display_name="Dee", role="viewer", password="dee reads the data")
    set_active(store, ROOT, "dee", False)
    attempts = [("nobody", "whatever"), ("bea", "not the password"), ("bea", "barnsley uploads 1"),
                ("dee", "dee reads the data"), ("dee", "not the password")]
    messages, verified = [], []
    for username, password in attempts:
        verify_calls.clear()
        with pytest.raises(SignInError) as refused:
            sign_in(store, username, password, now=T0)
        messages.append(str(refused.value))
        verified.append(len(verify_calls))
    assert messages == [REFUSED] * 5
    assert verified == [1, 1, 1, 1, 1]
    assert store.audit_log()["detail"].iloc[-5:].tolist() == [
        "unknown user; attempted username: nobody", "after 1 failed attempts", "account locked until 09:15 UTC",
        "account disabled", "account disabled"]


def test_session_expires_after_inactivity(store):
    """30 minutes by default: 29 minutes idle is fine, 31 is not."""
    assert not session_expired(T0, store, now=T0 + timedelta(minutes=29))
    assert session_expired(T0, store, now=T0 + timedelta(minutes=31))


def test_only_admins_manage_users(store):
    """An analyst cannot add users, change roles or settings: the core refuses."""
    analyst = actor_for(store, "ana")
    with pytest.raises(PermissionDenied, match="Only an administrator may add users"):
        add_user(store, analyst, username="eve", display_name="Eve", role="admin", password="x" * 12)
    with pytest.raises(PermissionDenied, match="Only an administrator may change roles"):
        set_role(store, analyst, "bea", "admin")
    with pytest.raises(PermissionDenied, match="Only an administrator may change settings"):
        change_setting(store, analyst, "lockout_attempts", "100")
    assert store.user("eve") is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"username": "ana"}, "a user called 'ana' already exists"),
        ({"username": "two words"}, "one word without spaces"),
        ({"role": "superuser"}, "unknown role 'superuser'"),
        ({"password": "short"}, "at least 12 characters"),
        ({"password": "newperson123"}, "must not be the username"),
        ({"password": "password1234"}, r"^The password is too easy to guess: This is a very common password. Choose "
                                       r"another, such as three or four random words.$"),
        ({"password": "Password1234!"}, "^The password is too easy to guess: This is similar to a commonly used "
                                        "password."),
        ({"password": "x" * 100}, r'^The password is too easy to guess: Repeats like "aaa" are easy to guess.'),
        ({"role": "uploader"}, "An uploader needs at least one partnership"),
        ({"partnership_ids": ["E99999999"]}, "unknown partnership E99999999"),
    ],
)
def test_bad_new_users_are_refused(store, kwargs, message):
    """Each invalid account request names what is wrong."""
    request = {"username": "newperson123", "display_name": "New", "role": "viewer", "password": "a long enough one"}
    request.update(kwargs)
    with pytest.raises((AccountError, ValueError), match=message):
        add_user(store, ROOT, **request)


@on_both_back_ends
def test_user_changes_are_audited(store):
    """Role, areas, password and enable/disable changes each leave an audit row by who made them."""
    set_role(store, ROOT, "bea", "analyst")
    set_partnerships(store, ROOT, "bea", ["E08000039", "E08000038"])
    reset_password(store, ROOT, "bea", "a brand new password")
    set_active(store, ROOT, "bea", False)
    log = store.audit_log()
    recent = log.iloc[-4:][["actor", "action", "target", "detail"]].fillna("-").values.tolist()
    assert recent == [
        ["system:tester", "role_changed", "bea", "uploader -> analyst"],
        ["system:tester", "areas_changed", "bea", "E08000038, E08000039"],
        ["system:tester", "password_reset", "bea", "-"],
        ["system:tester", "user_disabled", "bea", "-"],
    ]


def test_first_admin_once_with_generated_password(store):
    """init creates 'admin' once, with a generated password that works; never a default one."""
    generated = ensure_first_admin(store, "tester", None)
    assert generated is not None and len(generated) == 20
    assert sign_in(store, "admin", generated, now=T0).actor.role == "admin"
    assert ensure_first_admin(store, "tester", None) is None


@on_both_back_ends
def test_users_listing_hides_hashes(store):
    """The users table for display has no password hash column."""
    listing = store.users()
    assert "password_hash" not in listing.columns
    assert listing[["username", "role", "partnerships"]].fillna("-").values.tolist() == [
        ["ana", "analyst", "-"],
        ["bea", "uploader", "E08000038"],
    ]
