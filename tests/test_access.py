"""The core refuses writes outside a role or an uploader's areas, whatever a page shows."""

import pytest

from boards.access import Actor, PermissionDenied, require_admin, require_rollback, require_upload

NAMES = {"E08000038": "Barnsley", "E08000039": "Sheffield", "E08000018": "Rotherham"}
VIEWER = Actor("vic", "Vic Viewer", "viewer")
BARNSLEY = Actor("bea", "Bea Barnsley", "uploader", frozenset({"E08000038"}), ("Barnsley",))
ANALYST = Actor("ana", "Ana Analyst", "analyst")
ADMIN = Actor("ada", "Ada Admin", "admin")


def test_signed_out_uploads_are_refused():
    """Nothing is written without a signed-in user."""
    with pytest.raises(PermissionDenied, match="Sign in to upload data"):
        require_upload(None, ["E08000038"], published=False, area_names=NAMES)


def test_viewer_cannot_upload():
    """A viewer is told their role cannot upload."""
    with pytest.raises(PermissionDenied, match=r"Vic Viewer has the Viewer \(read only\) role, which cannot upload data."):
        require_upload(VIEWER, ["E08000038"], published=False, area_names=NAMES)


def test_uploader_limited_to_own_areas():
    """Bea may upload Barnsley; a file with Sheffield and Rotherham rows is refused naming them."""
    require_upload(BARNSLEY, ["E08000038"], published=False, area_names=NAMES)
    with pytest.raises(PermissionDenied) as refused:
        require_upload(BARNSLEY, ["E08000038", "E08000039", "E08000018"], published=False, area_names=NAMES)
    assert str(refused.value) == (
        "You may upload figures for Barnsley only; this file has rows for Rotherham (E08000018), "
        "Sheffield (E08000039). Nothing was written."
    )


def test_uploader_cannot_load_published_files():
    """DfE files are for analysts and administrators."""
    with pytest.raises(PermissionDenied, match="Only analysts and administrators may load published"):
        require_upload(BARNSLEY, ["E08000038"], published=True, area_names=NAMES)
    require_upload(ANALYST, list(NAMES), published=True, area_names=NAMES)


@pytest.mark.parametrize(
    ("actor", "load_by", "areas", "benchmarks", "allowed"),
    [
        (ADMIN, "someone", ["E08000039"], [], True),
        (ANALYST, "ana", ["E08000039"], [], True),
        (ANALYST, "bea", ["E08000038"], [], False),
        (BARNSLEY, "someone", ["E08000038"], [], True),
        (BARNSLEY, "bea", ["E08000038", "E08000039"], [], False),
        (VIEWER, "vic", ["E08000038"], [], False),
        # published benchmarks are for the roles that may load them
        (BARNSLEY, "ana", [], ["E92000001", "E12000003"], False),
        (BARNSLEY, "bea", ["E08000038"], ["E92000001"], False),
        (ANALYST, "ana", [], ["E92000001"], True),
        (ADMIN, "ana", [], ["E92000001"], True),
        # a load that wrote nothing is its maker's (and an administrator's)
        (BARNSLEY, "cal", [], [], False),
        (BARNSLEY, "bea", [], [], True),
        (ANALYST, "cal", [], [], False),
        (ADMIN, "cal", [], [], True),
    ],
)
def test_rollback_rules(actor, load_by, areas, benchmarks, allowed):
    """Admins any load, analysts their own loads, uploaders loads within their areas and without benchmarks,
    viewers none; an empty load only its maker."""
    if allowed:
        require_rollback(actor, load_by=load_by, area_codes=areas, benchmark_codes=benchmarks, load_id=7)
    else:
        with pytest.raises(PermissionDenied, match=f"{actor.display_name} may not roll back load 7"):
            require_rollback(actor, load_by=load_by, area_codes=areas, benchmark_codes=benchmarks, load_id=7)


def test_rollback_refusals_say_why():
    """The benchmarks and the empty load each have their reason."""
    with pytest.raises(PermissionDenied) as benchmarks:
        require_rollback(BARNSLEY, load_by="ana", area_codes=[], benchmark_codes=["E92000001"], load_id=7)
    assert str(benchmarks.value) == (
        "Bea Barnsley may not roll back load 7: it holds published England or regional benchmarks, which only "
        "analysts and administrators may load or roll back."
    )
    with pytest.raises(PermissionDenied) as empty:
        require_rollback(BARNSLEY, load_by="cal", area_codes=[], benchmark_codes=[], load_id=7)
    assert str(empty.value) == (
        "Bea Barnsley may not roll back load 7: it wrote no figures and was made by someone else."
    )


def test_only_admin_manages():
    """Settings and users need an administrator."""
    require_admin(ADMIN, "change settings")
    with pytest.raises(PermissionDenied, match="Only an administrator may change settings."):
        require_admin(ANALYST, "change settings")
