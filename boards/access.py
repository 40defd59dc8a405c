"""Who may do what: roles, the acting user, and the checks the core makes before any write.

A page that hides a button is not a security boundary: the import, rollback and user functions
call these checks themselves and refuse with a sentence the user can act on.

| role     | read | upload local figures   | upload published (DfE) | roll back                 | users, settings, audit |
|----------|------|------------------------|------------------------|---------------------------|------------------------|
| viewer   | yes  | no                     | no                     | no                        | no                     |
| uploader | yes  | their own areas        | no                     | loads of their own areas* | no                     |
| analyst  | yes  | any area               | yes                    | loads they made           | no                     |
| admin    | yes  | any area               | yes                    | any load                  | yes                    |

* A load that wrote published benchmarks only analysts and administrators may roll back; a load that
  wrote no rows at all, only the user who made it (and administrators).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ROLES = ("viewer", "uploader", "analyst", "admin")
ROLE_LABELS = {
    "viewer": "Viewer (read only)",
    "uploader": "Uploader (own areas)",
    "analyst": "Analyst (any area, published data)",
    "admin": "Administrator",
}
# The operator at the machine's command line: whoever can run `boards` can open the file anyway.
SYSTEM_PREFIX = "system:"
# The audit trail's actor for what a signed-out visitor does (a failed sign-in, a refused request).
ANONYMOUS = "anonymous"


class PermissionDenied(PermissionError):
    """The acting user may not do this; the message says why and what they may do instead."""


@dataclass(frozen=True)
class Actor:
    """The user a change is made by, with the LA codes of the partnerships they may upload for."""

    username: str
    display_name: str
    role: str
    area_codes: frozenset[str] = field(default_factory=frozenset)
    partnership_names: tuple[str, ...] = ()

    @property
    def is_system(self) -> bool:
        return self.username.startswith(SYSTEM_PREFIX)

    def can_upload(self) -> bool:
        return self.role in ("uploader", "analyst", "admin")

    def can_upload_published(self) -> bool:
        return self.role in ("analyst", "admin")

    def can_manage(self) -> bool:
        """Users, settings and the audit trail."""
        return self.role == "admin"


def system_actor(os_user: str) -> Actor:
    """The command-line operator, recorded in the audit trail as ``system:<os user>``."""
    return Actor(f"{SYSTEM_PREFIX}{os_user}", f"Command line ({os_user})", "admin")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: expected one of {', '.join(ROLES)}")
    return role


def require_upload(actor: Actor | None, area_codes: Iterable[str], *, published: bool,
                   area_names: Mapping[str, str]) -> None:
    """Refuse an upload the actor may not make: wrong role, or rows for areas outside their scope."""
    if actor is None:
        raise PermissionDenied("Sign in to upload data: nothing is written without a signed-in user.")
    if not actor.can_upload():
        raise PermissionDenied(
            f"{actor.display_name} has the {ROLE_LABELS[actor.role]} role, which cannot upload data."
        )
    if published and not actor.can_upload_published():
        raise PermissionDenied(
            "Only analysts and administrators may load published DfE or Ofsted files; "
            "uploaders load their partnership's quarterly return."
        )
    if actor.role != "uploader":
        return
    outside = sorted(set(area_codes) - actor.area_codes)
    if outside:
        listed = ", ".join(f"{area_names.get(code, code)} ({code})" for code in outside[:5])
        more = f" and {len(outside) - 5} more" if len(outside) > 5 else ""
        allowed = ", ".join(actor.partnership_names) or "no partnership yet (ask an administrator)"
        raise PermissionDenied(
            f"You may upload figures for {allowed} only; this file has rows for {listed}{more}. "
            "Nothing was written."
        )


def require_rollback(actor: Actor | None, *, load_by: str, area_codes: Iterable[str],
                     benchmark_codes: Iterable[str], load_id: int) -> None:
    """Refuse a rollback the actor may not make, judged by every row the load wrote or replaced: its areas
    and its published benchmarks. A load that wrote nothing is nobody's but its maker's (and an
    administrator's) to roll back."""
    if actor is None:
        raise PermissionDenied("Sign in to roll back a load.")
    if actor.role == "admin":
        return
    areas, benchmarks = set(area_codes), set(benchmark_codes)
    own = load_by == actor.username
    if benchmarks and not actor.can_upload_published():
        reason = ("it holds published England or regional benchmarks, which only analysts and administrators "
                  "may load or roll back.")
    elif actor.role == "analyst":
        if own:
            return
        reason = "analysts may roll back only loads they made."
    elif actor.role == "uploader":
        if areas and areas <= actor.area_codes or not areas and own:
            return
        reason = ("it holds figures for areas outside your partnership." if areas
                  else "it wrote no figures and was made by someone else.")
    else:
        reason = "viewers cannot change data."
    raise PermissionDenied(f"{actor.display_name} may not roll back load {load_id}: {reason}")


def require_admin(actor: Actor | None, what: str) -> None:
    if actor is None or not actor.can_manage():
        raise PermissionDenied(f"Only an administrator may {what}.")
