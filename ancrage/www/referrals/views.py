"""Referrals: the partner's inbox, the référent's outbox, creating, answering and following one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ancrage.access import perms
from ancrage.access.sections import Section
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_read, audit_record
from ancrage.core.pagination import paginate
from ancrage.persons.selectors import get_person_for_user
from ancrage.referrals.attachments import (
    attachment_add,
    attachment_delete,
    attachment_for_download,
    attachment_response,
)
from ancrage.referrals.links import LinkInvalid, link_consume, link_resolve
from ancrage.referrals.models import CLOSED_STATUSES, TRANSITIONS, ReferralStatus, Side
from ancrage.referrals.selectors import get_referral_for_user, referrals_visible_to
from ancrage.referrals.services import ReferralConflict, referral_create, referral_transition, side_of
from ancrage.www.types import AncrageRequest

from ..utils import apply_validation_error
from .forms import AttachmentForm, CommentForm, LinkAnswerForm, ReferralForm, RefuseForm

INBOX_TABS = {
    "a-traiter": (_("À traiter"), [ReferralStatus.SENT]),
    "en-cours": (_("En cours"), [ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS]),
    "cloturees": (_("Clôturées"), list(CLOSED_STATUSES)),
}


def _require_cases(request: AncrageRequest) -> None:
    if not request.actor.handles_cases:
        raise Http404


def inbox(request: AncrageRequest) -> HttpResponse:
    """Referrals addressed to my organisation, by tab."""
    _require_cases(request)
    actor = request.actor
    tab = request.GET.get("onglet", "a-traiter")
    if tab not in INBOX_TABS:
        tab = "a-traiter"
    received = referrals_visible_to(actor).received_by(actor.org_id)
    counts = {key: received.filter(status__in=statuses).count() for key, (_label, statuses) in INBOX_TABS.items()}
    referrals = (
        received.filter(status__in=INBOX_TABS[tab][1])
        .select_related("person", "service__structure", "sender_organisation", "sender")
        .order_by("expires_at" if tab == "a-traiter" else "-updated_at")
    )
    page = paginate(request, referrals)
    audit_read(actor, event="referral.inbox", person_id=None, details={"ids": [r.person_id for r in page]})
    tabs = [(key, label, counts[key]) for key, (label, _statuses) in INBOX_TABS.items()]
    return render(
        request,
        "referrals/inbox.html",
        {"page": page, "tab": tab, "tabs": tabs, "nav": "inbox", "title": _("Orientations reçues")},
    )


def outbox(request: AncrageRequest) -> HttpResponse:
    """Everything my organisation sent, with its status."""
    _require_cases(request)
    actor = request.actor
    status = request.GET.get("etat", "")
    referrals = (
        referrals_visible_to(actor)
        .sent_by(actor.org_id)
        .select_related("person", "service__structure", "target_organisation", "sender", "refusal_reason")
    )
    if status in ReferralStatus.values:
        referrals = referrals.filter(status=status)
    page = paginate(request, referrals.order_by("-updated_at"))
    audit_read(actor, event="referral.outbox", person_id=None, details={"ids": [r.person_id for r in page]})
    return render(
        request,
        "referrals/outbox.html",
        {
            "page": page,
            "status": status,
            "statuses": ReferralStatus.choices,
            "nav": "outbox",
            "title": _("Orientations envoyées"),
        },
    )


def create(request: AncrageRequest, person_pk: int) -> HttpResponse:
    _require_cases(request)
    actor = request.actor
    person = get_person_for_user(actor, person_pk, purpose="referral")
    if not perms.can_edit_person(actor, person_pk):
        raise PermissionDenied
    initial = {"service": request.GET.get("service")} if request.GET.get("service") else {}
    form = ReferralForm(
        request.POST or None,
        request.FILES or None,
        person=person,
        can_share_health=actor.can_access_health,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # the referral, its documents and the sending stand or fall together
                referral = referral_create(
                    actor=actor,
                    person=person,
                    service=data["service"],
                    reason=data["reason"],
                    sections=data["sections"],
                    consent=data["consent"],
                )
                for upload in data["attachments"]:
                    attachment_add(actor=actor, referral=referral, upload=upload)
                if "send" in request.POST:
                    referral = referral_transition(
                        actor=actor, referral=referral, name="send", expected_version=referral.version
                    )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Orientation envoyée.") if referral.status == ReferralStatus.SENT else _("Brouillon enregistré."),
            )
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/create.html",
        {"form": form, "person": person, "nav": "persons", "title": _("Nouvelle orientation")},
    )


def _action_form(name: str, data=None):
    """One form per action on the page; the prefix keeps field ids unique."""
    return (RefuseForm if name == "refuse" else CommentForm)(data, prefix=name)


def detail(request: AncrageRequest, pk: int) -> HttpResponse:
    actor = request.actor
    _require_cases(request)
    referral = get_referral_for_user(actor, pk)
    side = side_of(actor, referral)
    labels = dict(Section.choices)
    can_view_attachments = perms.can_view_referral_attachments(actor, referral)
    can_attach = perms.can_attach_to_referral(actor, referral)
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "side": side,
            "actions": [
                (name, label, _action_form(name)) for name, label in (referral.transitions_for(side) if side else [])
            ],
            "transitions": referral.transitions.select_related("by", "by_organisation"),
            "shared": [labels[s] for s in referral.sections],
            "can_open_person": perms.can_view_person(actor, referral.person_id),
            "attachments": referral.attachments.select_related("uploaded_by_organisation")
            if can_view_attachments
            else None,
            "attachment_form": AttachmentForm() if can_attach else None,
            "nav": "inbox" if side == Side.RECIPIENT else "outbox",
            "title": _("Orientation"),
        },
    )


@require_POST
def transition(request: AncrageRequest, pk: int, name: str) -> HttpResponse:
    actor = request.actor
    _require_cases(request)
    if name not in TRANSITIONS:
        raise Http404
    referral = get_referral_for_user(actor, pk, purpose=name)
    form = _action_form(name, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("referrals:detail", pk=pk)
    if side_of(actor, referral) != TRANSITIONS[name][2]:
        raise PermissionDenied  # decided before looking at the form: the answer never depends on bad input
    version = request.POST.get("version", "")
    if not version.isdigit():
        messages.error(request, _("La page n'était plus à jour : rechargez-la puis recommencez."))
        return redirect("referrals:detail", pk=pk)
    try:
        referral_transition(
            actor=actor,
            referral=referral,
            name=name,
            expected_version=int(version),
            reason=form.cleaned_data.get("reason", ""),
            refusal_reason=form.cleaned_data.get("refusal_reason"),
            outcome=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as error:  # ReferralConflict included: not allowed now, or answered meanwhile
        messages.error(request, " ".join(error.messages))
        return redirect("referrals:detail", pk=pk)
    referral.refresh_from_db()
    messages.success(request, _("Orientation : %(status)s.") % {"status": referral.get_status_display()})
    return redirect(reverse("referrals:detail", kwargs={"pk": pk}))


@require_POST
def attachment_add_view(request: AncrageRequest, pk: int) -> HttpResponse:
    actor = request.actor
    _require_cases(request)
    referral = get_referral_for_user(actor, pk, purpose="attachment")
    if not perms.can_attach_to_referral(actor, referral):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("referrals:detail", pk=pk)
    try:
        with transaction.atomic():
            for upload in form.cleaned_data["files"]:
                attachment_add(actor=actor, referral=referral, upload=upload)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Pièces jointes ajoutées."))
    return redirect(reverse("referrals:detail", kwargs={"pk": pk}) + "#pieces-jointes")


def attachment_download(request: AncrageRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    """Served only through the access rule (never from a public media URL), audited as an export."""
    actor = request.actor
    _require_cases(request)
    referral = get_referral_for_user(actor, pk, purpose="attachment")
    attachment = attachment_for_download(actor=actor, referral=referral, attachment_pk=attachment_pk)
    return attachment_response(attachment)


@require_POST
def attachment_delete_view(request: AncrageRequest, pk: int, attachment_pk: int) -> HttpResponse:
    actor = request.actor
    _require_cases(request)
    referral = get_referral_for_user(actor, pk, purpose="attachment")
    attachment = referral.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    attachment_delete(actor=actor, attachment=attachment)
    messages.success(request, _("Pièce jointe « %(name)s » retirée.") % {"name": attachment.name})
    return redirect(reverse("referrals:detail", kwargs={"pk": pk}) + "#pieces-jointes")


def _link_page(request, status: int, message: str) -> HttpResponse:
    return render(
        request, "referrals/link_invalid.html", {"message": message, "title": _("Lien d'orientation")}, status=status
    )


@login_not_required
def link_answer(request, token: str) -> HttpResponse:
    """A structure without an account reads the shared sections and answers, once, through a signed link."""
    try:
        link = link_resolve(token)
    except LinkInvalid as error:
        return _link_page(request, 410, str(error))
    referral = link.referral
    if referral.status != ReferralStatus.SENT:
        return _link_page(
            request,
            410,
            _("Cette orientation n'attend plus de réponse (%(status)s).")
            % {"status": referral.get_status_display().lower()},
        )
    form = LinkAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            if not link_consume(link):
                return _link_page(request, 410, _("Ce lien a déjà servi : une réponse a été enregistrée."))
            try:
                referral_transition(
                    actor=None,
                    referral=referral,
                    name=data["answer"],
                    expected_version=referral.version,
                    reason=(
                        _("Réponse par lien (%(email)s)") % {"email": link.email}
                        + (f" : {data['comment']}" if data["comment"] else "")
                    ),
                    refusal_reason=data.get("refusal_reason"),
                    via_link=True,
                )
            except (ReferralConflict, ValidationError) as error:
                transaction.set_rollback(True)
                return _link_page(request, 409, " ".join(error.messages))
        return _link_page(
            request,
            200,
            _(
                "Merci : votre réponse est enregistrée et la personne qui a orienté est "
                "prévenue. Ce lien ne peut plus être utilisé."
            ),
        )
    audit_record(
        actor=None,
        action=AuditAction.READ,
        event="referral.link.read",
        person_id=referral.person_id,
        obj=referral,
        details={"link": link.pk, "email": link.email},
    )
    person = referral.person
    sections = set(referral.sections)
    context = {
        "referral": referral,
        "person": person,
        "form": form,
        "title": _("Orientation vers %(service)s") % {"service": referral.service.name},
        "languages": person.languages.all() if "language" in sections else [],
        "assessments": person.french_assessments.all()[:5] if "language" in sections else [],
        "show_contact": "contact" in sections,
        "attachments": referral.attachments.all(),
        "token": token,
        "shared": [dict(Section.choices)[s] for s in referral.sections],
    }
    return render(request, "referrals/link_answer.html", context)


@login_not_required
def link_attachment(request, token: str, attachment_pk: int) -> HttpResponseBase:
    """A document of the referral, for the holder of a valid, unused answer link."""
    try:
        link = link_resolve(token)
    except LinkInvalid as error:
        return _link_page(request, 410, str(error))
    if link.referral.status != ReferralStatus.SENT:
        return _link_page(request, 410, _("Cette orientation n'attend plus de réponse."))
    attachment = attachment_for_download(
        actor=None, referral=link.referral, attachment_pk=attachment_pk, via_link=link.pk
    )
    return attachment_response(attachment)
