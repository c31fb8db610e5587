"""Platform administration: organisations, accounts, and each organisation's members.

Who may open what:

- the organisation list and forms, and the account list, are for platform administrators
  (``perms.can_manage_platform``); anyone else gets the 403 page;
- an organisation's members page is for platform administrators and that organisation's own
  admins (``perms.can_manage_organisation``). See ``_get_managed_organisation`` for the answer
  others get.

None of these pages shows or links to a person's record: platform administration reads no case
content. Views stay thin: forms validate, ``ancrage.organisations.services`` write and audit.
"""

import copy
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ancrage.access import perms
from ancrage.core.pagination import paginate
from ancrage.organisations import services
from ancrage.organisations.actor import Actor, actor_for_request
from ancrage.organisations.models import Membership, Organisation, Role, User
from ancrage.www.utils import apply_validation_error

from .forms import (
    MemberAddForm,
    MembershipForm,
    OrganisationFilterForm,
    OrganisationForm,
    UserActiveForm,
    UserCreateForm,
    UserFilterForm,
)


def _actor(request: HttpRequest) -> Actor:
    actor = actor_for_request(request)
    if actor is None:  # pragma: no cover - LoginRequiredMiddleware answers first
        raise PermissionDenied
    return actor


def _platform_actor(request: HttpRequest) -> Actor:
    """The actor, if a platform administrator; otherwise the 403 page."""
    actor = _actor(request)
    if not perms.can_manage_platform(actor):
        raise PermissionDenied
    return actor


def _get_managed_organisation(actor: Actor, pk: int) -> Organisation:
    """The organisation ``pk`` if the actor may manage its members.

    Answers 404 for a missing organisation and for another organisation than the actor's current
    one (the same answer, so a member of one organisation learns nothing about another), and 403
    for a member of this very organisation whose role is not admin (they know it exists; the 403
    page tells them their role is the reason).
    """
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Http404
    if perms.can_manage_organisation(actor, organisation):
        return organisation
    if actor.organisation_id == organisation.pk:
        raise PermissionDenied
    raise Http404


def _members_nav(actor: Actor, organisation: Organisation) -> str:
    own = actor.has_role(Role.ORG_ADMIN) and actor.organisation_id == organisation.pk
    return "organisation" if own else "platform"


# --- organisations ---------------------------------------------------------------------------


def _organisations_with_member_counts() -> QuerySet[Organisation]:
    active_members = Q(memberships__is_active=True, memberships__user__is_active=True)
    return (
        Organisation.objects.select_related("commune")
        .annotate(active_members=Count("memberships", filter=active_members))
        .order_by("name", "pk")
    )


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    _platform_actor(request)
    filters = OrganisationFilterForm(request.GET)
    filters.is_valid()
    organisations = _organisations_with_member_counts()
    query = filters.cleaned_data.get("q", "").strip()
    if query:
        compact = "".join(query.split())
        match = Q(name__icontains=query) | Q(short_name__icontains=query)
        if compact.isdigit():
            match |= Q(siret__startswith=compact)
        organisations = organisations.filter(match)
    if kind := filters.cleaned_data.get("kind"):
        organisations = organisations.filter(kind=kind)
    page = paginate(request, organisations)
    return render(
        request,
        "platform/organisation_list.html",
        {
            "page_obj": page,
            "filters": filters,
            "filtered": bool(query or kind),
            "nav": "platform",
            "title": _("Organisations"),
        },
    )


@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    actor = _platform_actor(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=actor, communes=form.cleaned_data["communes"], **form.service_data()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("L'organisation « %(name)s » a été créée.") % {"name": organisation.name})
            return redirect("platform:organisation_members", pk=organisation.pk)
    return render(
        request,
        "platform/organisation_form.html",
        {"form": form, "organisation": None, "nav": "platform", "title": _("Ajouter une organisation")},
    )


@require_http_methods(["GET", "POST"])
def organisation_update(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _platform_actor(request)
    organisation = get_object_or_404(Organisation, pk=pk)
    # The form works on a copy: the service compares the stored values with the new ones.
    form = OrganisationForm(request.POST or None, instance=copy.copy(organisation))
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=actor,
                organisation=organisation,
                data=form.service_data(),
                communes=form.cleaned_data["communes"],
                expected_updated_at=form.cleaned_data["loaded_at"],
            )
        except services.StaleEditError as error:
            # Keep what was typed; the next submission is compared with the version now stored.
            organisation.refresh_from_db()
            data = request.POST.copy()
            data[form.add_prefix("loaded_at")] = organisation.updated_at.isoformat()
            form.data = data
            apply_validation_error(form, error)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("L'organisation « %(name)s » a été modifiée.") % {"name": organisation.name})
            return redirect("platform:organisations")
    return render(
        request,
        "platform/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "nav": "platform",
            "title": _("Modifier « %(name)s »") % {"name": organisation.name},
        },
    )


# --- members of one organisation -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def organisation_members(request: HttpRequest, pk: int) -> HttpResponse:
    """List the organisation's members and add one (an existing account, or a new one)."""
    actor = _actor(request)
    organisation = _get_managed_organisation(actor, pk)
    form = MemberAddForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.member_add(
                actor=actor,
                organisation=organisation,
                email=data["email"],
                role=data["role"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                can_access_health=data["can_access_health"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(user)s a été ajouté(e) à l'organisation.") % {"user": membership.user.get_full_name()},
            )
            return redirect("platform:organisation_members", pk=organisation.pk)
    memberships = organisation.memberships.select_related("user").order_by(
        "-is_active", "user__last_name", "user__first_name", "pk"
    )
    page = paginate(request, memberships)
    return render(
        request,
        "platform/organisation_members.html",
        {
            "organisation": organisation,
            "page_obj": _with_sign_in_status(actor, page),
            "form": form,
            "nav": _members_nav(actor, organisation),
            "title": _("Membres — %(name)s") % {"name": organisation.name},
        },
    )


@require_http_methods(["GET", "POST"])
def membership_update(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """Change one member's role, health permission or activation (same access as the members page)."""
    actor = _actor(request)
    organisation = _get_managed_organisation(actor, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation"), pk=membership_pk, organisation=organisation
    )
    form = MembershipForm(request.POST or None, instance=copy.copy(membership))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(actor=actor, membership=membership, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("L'appartenance de %(user)s a été modifiée.") % {"user": membership.user.get_full_name()}
            )
            stepped_down = membership.user_id == actor.user.pk and not (
                membership.is_active and membership.role == Role.ORG_ADMIN
            )
            if stepped_down and not actor.is_platform_admin:
                # They no longer manage this organisation: the members page would answer 403.
                return redirect("home")
            return redirect("platform:organisation_members", pk=organisation.pk)
    return render(
        request,
        "platform/membership_form.html",
        {
            "organisation": organisation,
            "membership": membership,
            "form": form,
            "nav": _members_nav(actor, organisation),
            "title": _("Modifier l'appartenance de %(user)s") % {"user": membership.user.get_full_name()},
        },
    )


def _with_sign_in_status(actor: Actor, page: Any) -> Any:
    """Mark the members shown: who has a second factor, whose account is locked (two queries)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ancrage.organisations import lockout

    memberships: list[Membership] = list(page)
    users = [m.user for m in memberships]
    enrolled = set(
        TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True).distinct()
    )
    locked = lockout.locked_usernames([u.email for u in users])
    for membership in memberships:
        user = membership.user
        membership.two_factor_enabled = user.pk in enrolled  # type: ignore[attr-defined]
        membership.is_locked_out = user.email.lower() in locked  # type: ignore[attr-defined]
        # Only a platform administrator acts on a platform administrator's sign-in.
        membership.can_manage_sign_in = not user.is_staff or actor.is_platform_admin  # type: ignore[attr-defined]
    return page


def _managed_membership(request: HttpRequest, pk: int, membership_pk: int) -> tuple[Actor, Membership]:
    actor = _actor(request)
    organisation = _get_managed_organisation(actor, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation"), pk=membership_pk, organisation=organisation
    )
    return actor, membership


@require_POST
def member_two_factor_reset(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """Remove a member's second factor (lost phone): they enrol again at their next sign-in."""
    actor, membership = _managed_membership(request, pk, membership_pk)
    services.user_two_factor_reset(actor=actor, membership=membership)
    messages.success(
        request,
        _(
            "La double authentification de %(user)s est réinitialisée : un nouvel appareil lui sera demandé "
            "à sa prochaine connexion."
        )
        % {"user": membership.user.get_full_name()},
    )
    return redirect("platform:organisation_members", pk=pk)


@require_POST
def member_unlock(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """Unlock a member's account after too many wrong passwords."""
    actor, membership = _managed_membership(request, pk, membership_pk)
    services.user_lockout_clear(actor=actor, membership=membership)
    messages.success(
        request,
        _("Le compte de %(user)s est débloqué : il peut se connecter à nouveau.")
        % {"user": membership.user.get_full_name()},
    )
    return redirect("platform:organisation_members", pk=pk)


# --- accounts --------------------------------------------------------------------------------


@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    _platform_actor(request)
    filters = UserFilterForm(request.GET)
    filters.is_valid()
    users = User.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("organisation").order_by("organisation__name", "pk"),
        )
    ).order_by("last_name", "first_name", "pk")
    query = filters.cleaned_data.get("q", "").strip()
    for term in query.split():
        users = users.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(email__icontains=term))
    return render(
        request,
        "platform/user_list.html",
        {
            "page_obj": paginate(request, users),
            "filters": filters,
            "filtered": bool(query),
            "nav": "platform",
            "title": _("Utilisateurs"),
        },
    )


@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    actor = _platform_actor(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=actor,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data["phone"],
                password=data["password1"] or None,
                is_staff=data["is_staff"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Le compte de %(user)s a été créé. Ajoutez-le à une organisation depuis la page de ses membres.")
                % {"user": user.get_full_name()},
            )
            return redirect(reverse("platform:users") + "?" + urlencode({"q": user.email}))
    return render(request, "platform/user_form.html", {"form": form, "nav": "platform", "title": _("Créer un compte")})


@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Activate or deactivate an account, then go back to the list the button was on."""
    actor = _platform_actor(request)
    user = get_object_or_404(User, pk=pk)
    form = UserActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Action inconnue : rien n'a été modifié."))
    else:
        is_active = form.cleaned_data["is_active"]
        try:
            services.user_update(actor=actor, user=user, data={"is_active": is_active})
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            done = (
                _("Le compte de %(user)s a été réactivé.") if is_active else _("Le compte de %(user)s a été désactivé.")
            )
            messages.success(request, done % {"user": user.get_full_name()})
    target = request.POST.get("next", "")
    users_url = reverse("platform:users")
    if not (target.startswith(users_url) and url_has_allowed_host_and_scheme(target, allowed_hosts=None)):
        target = users_url
    return redirect(target)
