"""Who is acting: a user, through one membership (the current organisation) or none."""

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from .models import Membership, Organisation, Role, User


@dataclass(frozen=True)
class Actor:
    user: User
    membership: Membership | None
    # Per-request memo of access decisions (see access.perms); never part of equality.
    cache: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def organisation(self) -> Organisation | None:
        return self.membership.organisation if self.membership else None

    @property
    def organisation_id(self) -> int | None:
        return self.membership.organisation_id if self.membership else None

    @property
    def org(self) -> Organisation:
        """The current organisation, for actions that need one (refused without a membership)."""
        if self.membership is None:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return self.membership.organisation

    @property
    def org_id(self) -> int:
        return self.org.pk

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def is_platform_admin(self) -> bool:
        return bool(self.user.is_staff)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def handles_cases(self) -> bool:
        """Roles that may open individual records (within their grants)."""
        return self.has_role(Role.REFERENT, Role.PARTNER_AGENT, Role.ORG_ADMIN)

    @property
    def can_access_health(self) -> bool:
        return bool(self.membership and self.membership.can_access_health)


SESSION_KEY = "ancrage_membership_id"


def actor_for_request(request: HttpRequest) -> Actor | None:
    return getattr(request, "actor", None)
