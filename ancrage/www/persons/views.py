"""The person's record: caseload, record page, edits, journal, appointments, sharing, exports."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ancrage.access import perms
from ancrage.access.models import AccessGrant, Consent
from ancrage.access.sections import Section, situation_domains_in
from ancrage.access.services import consent_record, consent_withdraw
from ancrage.audit.services import audit_read
from ancrage.core.concurrency import ConcurrentEditError
from ancrage.core.pagination import paginate
from ancrage.pathways.models import Appointment, Pathway, PathwayStatus
from ancrage.pathways.selectors import appointments_visible_to, notes_visible_to
from ancrage.pathways.services import appointment_save, note_create, pathway_create
from ancrage.persons import models as pm
from ancrage.persons.selectors import get_person_for_user, persons_visible_to, refuse_read
from ancrage.persons.services import (
    household_member_save,
    person_create,
    person_update,
    record_item_delete,
    record_item_save,
)
from ancrage.referrals.selectors import referrals_visible_to
from ancrage.www.types import AncrageRequest

from ..forms import CONCURRENT_EDIT_HELP
from ..utils import apply_validation_error
from .forms import (
    ITEM_KINDS,
    AppointmentForm,
    ConsentForm,
    HouseholdMemberForm,
    NoteForm,
    PersonCreateForm,
    PersonEditForm,
    PersonSearchForm,
)


def _require_cases(request: AncrageRequest) -> None:
    if not request.actor.handles_cases:
        raise Http404


def person_list(request: AncrageRequest) -> HttpResponse:
    """The caseload: persons my organisation accompanies or that were shared with it."""
    _require_cases(request)
    actor = request.actor
    form = PersonSearchForm(request.GET or None)
    persons = persons_visible_to(actor)
    my_pathways = Pathway.objects.filter(person=OuterRef("pk"), operator_id=actor.organisation_id).order_by(
        "-entry_date"
    )
    persons = persons.annotate(
        my_pathway_id=Subquery(my_pathways.values("pk")[:1]),
        my_pathway_status=Subquery(my_pathways.values("status")[:1]),
        my_pathway_programme=Subquery(my_pathways.values("programme")[:1]),
        my_referent_first=Subquery(my_pathways.values("referent__first_name")[:1]),
        my_referent_last=Subquery(my_pathways.values("referent__last_name")[:1]),
    ).select_related("commune")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            persons = persons.matching(data["q"])
        scoped = Pathway.objects.filter(operator_id=actor.organisation_id)
        if data["mine"]:
            scoped = scoped.filter(referent=actor.user).open()
        if data["programme"]:
            scoped = scoped.filter(programme=data["programme"])
        if data["status"] == "open":
            scoped = scoped.open()
        elif data["status"]:
            scoped = scoped.filter(status=data["status"])
        if data["mine"] or data["programme"] or data["status"]:
            persons = persons.filter(pk__in=scoped.values("person_id"))
        if data["commune"]:
            persons = persons.filter(commune=data["commune"])
    persons = persons.order_by("display_name", "pk")
    page = paginate(request, persons)
    audit_read(actor, event="person.list", person_id=None, details={"ids": [p.pk for p in page]})
    status_labels = dict(PathwayStatus.choices)
    for person in page:
        person.status_label = status_labels.get(person.my_pathway_status, "")
    context = {
        "form": form,
        "page": page,
        "nav": "persons",
        "title": _("Personnes accompagnées"),
        "filtered": bool(
            request.GET.get("q")
            or request.GET.get("mine")
            or request.GET.get("status")
            or request.GET.get("programme")
            or request.GET.get("commune")
        ),
    }
    template = "persons/list.html#results" if request.htmx else "persons/list.html"
    return render(request, template, context)


def _creation_record(data: dict):
    from ancrage.linkage.records import LinkageRecord

    return LinkageRecord(
        last_name=data["last_name"],
        first_names=data["first_names"] or "",
        birth_date=data["birth_date"],
        birth_date_precision=data["birth_date_precision"] or "day",
        sex=data["sex"] or "",
        nationality=data["nationality"] or "",
        phone=data["phone"] or "",
        commune=str(data["commune"].pk) if data["commune"] else "",
    )


def _creation_fingerprint(data: dict) -> str:
    """What the duplicate check looked at: "créer quand même" holds only for the data that was checked."""
    import hashlib

    keys = ("last_name", "first_names", "birth_date", "birth_date_precision", "sex", "nationality", "phone", "commune")
    return hashlib.sha256(repr([str(data.get(key) or "") for key in keys]).encode()).hexdigest()[:32]


def _creation_matches(actor, data: dict) -> list:
    """Probable duplicates among the persons the référente may see, and only those (a partner never learns
    of another partner's record through the warning)."""
    from ancrage.linkage.engine import candidates_for_records

    among = pm.Person.objects.filter(perms.visible_persons_filter(actor), merged_into__isnull=True)
    return candidates_for_records([_creation_record(data)], among=among)[0]


def person_create_view(request: AncrageRequest) -> HttpResponse:
    _require_cases(request)
    actor = request.actor
    if not perms.can_create_person(actor):
        raise PermissionDenied
    form = PersonCreateForm(request.POST or None, organisation=actor.org, initial={"referent": actor.user.pk})
    duplicates: list[dict] = []
    fingerprint = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matches = _creation_matches(actor, data)
        fingerprint = _creation_fingerprint(data)
        if matches and request.POST.get("duplicates_checked") != fingerprint:
            shown = {p.pk: p for p in persons_visible_to(actor).filter(pk__in=[m.person_id for m in matches])}
            duplicates = [
                {"person": shown[m.person_id], "probability": round(m.match_probability * 100)}
                for m in matches
                if m.person_id in shown
            ]
            audit_read(actor, event="person.duplicate_warning", person_id=None, details={"ids": sorted(shown)})
        if not duplicates:
            try:
                with transaction.atomic():
                    person_fields = {name: data[name] for name in PersonCreateForm.Meta.fields}
                    person = person_create(
                        actor=actor,
                        identity={
                            "last_name": data["last_name"],
                            "first_names": data["first_names"],
                            "source": data["identity_source"],
                        },
                        nationalities=[data["nationality"]] if data["nationality"] else [],
                        **person_fields,
                    )
                    pathway_create(
                        actor=actor,
                        person=person,
                        programme=data["programme"],
                        entry_date=data["entry_date"],
                        referent_id=data["referent"].pk if data["referent"] else None,
                        oriented_by=data["oriented_by"],
                    )
                    if matches:
                        from ancrage.linkage.services import candidate_pairs_record

                        candidate_pairs_record([(person.pk, m.person_id, m) for m in matches], source="create")
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Le dossier de %(name)s est créé.") % {"name": person.display_name})
                return redirect("persons:detail", pk=person.pk)
    return render(
        request,
        "persons/create.html",
        {
            "form": form,
            "duplicates": duplicates,
            "duplicates_checked": fingerprint,
            "nav": "persons",
            "title": _("Nouvelle personne"),
        },
    )


def _record_context(request: AncrageRequest, person: pm.Person) -> dict:
    actor = request.actor
    sections = perms.visible_sections(actor, person.pk)
    context: dict = {
        "person": person,
        "sections": sections,
        "nav": "persons",
        "title": person.display_name,
        "can_edit": perms.can_edit_person(actor, person.pk),
        "can_share": perms.can_share_person(actor, person.pk),
        "can_export": perms.can_export_person(actor, person.pk),
        "can_history": perms.can_view_access_history(actor, person.pk),
        "can_write_note": perms.can_write_note(actor, person.pk),
        "can_plan": perms.can_plan_appointment(actor, person.pk),
        "item_kinds": ITEM_KINDS,
    }
    section_labels = dict(Section.choices)
    context["shared_sections"] = [section_labels[s] for s in Section.values if s in sections]
    if Section.IDENTITY in sections:
        context["nationalities"] = list(person.nationalities.all())
    if Section.FAMILY in sections:
        context["household_members"] = list(person.household.members.all()) if person.household is not None else []
        context["family_abroad"] = list(person.family_abroad.all())
    if Section.PROTECTION in sections:
        context["protections"] = list(person.protections.all())
        context["documents"] = list(person.residence_documents.all())
    if Section.LANGUAGE in sections:
        context["languages"] = list(person.languages.all())
        context["assessments"] = list(person.french_assessments.all())
    if Section.PATHWAY in sections:
        context["pathways"] = list(person.pathways.select_related("operator", "referent"))
        context["referrals"] = list(
            referrals_visible_to(actor)
            .filter(person=person)
            .select_related("service__structure", "target_organisation", "sender_organisation")
            .order_by("-created_at")[:20]
        )
    # Each domain of the situation history belongs to its own section (housing, employment history).
    domains = situation_domains_in(sections)
    context["situations"] = []
    if domains:
        situations: dict[str, list] = {}
        for situation in person.situations.filter(domain__in=domains).select_related("commune"):
            situations.setdefault(situation.domain, []).append(situation)
        context["situations"] = [(pm.SituationDomain(d).label, situations.get(d, [])) for d in domains]
    if Section.EMPLOYMENT in sections:
        context.update(_employment_summary(person))
    if Section.JOURNAL in sections:
        context["notes"] = list(notes_visible_to(actor, person.pk)[:20])
        context["note_form"] = NoteForm()
    if Section.APPOINTMENTS in sections:
        context["appointments"] = list(appointments_visible_to(actor, person.pk).order_by("-starts_at")[:20])
    if context["can_share"]:
        context["consents"] = list(
            Consent.objects.filter(person=person).prefetch_related("recipients").select_related("recorded_by")
        )
    return context


def _employment_summary(person: pm.Person) -> dict:
    """The socio-professional profile in brief, for the record page (details on the profile page)."""
    from django.db.models import Max

    from ancrage.employment.models import (
        Diploma,
        EmploymentProfile,
        QualificationLevel,
        TargetOccupation,
        WorkExperience,
    )

    top_level = Diploma.objects.filter(person=person).aggregate(top=Max("level"))["top"]
    return {
        "employment_profile": EmploymentProfile.objects.filter(person=person).first(),
        "employment_top_level": QualificationLevel(top_level).label if top_level is not None else None,
        "employment_experience_count": WorkExperience.objects.filter(person=person).count(),
        "employment_targets": list(TargetOccupation.objects.filter(person=person).select_related("appellation")),
    }


def person_detail(request: AncrageRequest, pk: int) -> HttpResponse:
    _require_cases(request)
    person = get_person_for_user(request.actor, pk)
    return render(request, "persons/detail.html", _record_context(request, person))


def person_edit(request: AncrageRequest, pk: int) -> HttpResponse:
    _require_cases(request)
    actor = request.actor
    person = get_person_for_user(actor, pk, purpose="edit")
    if not perms.can_edit_person(actor, pk):
        raise PermissionDenied
    form = PersonEditForm(request.POST or None, instance=pm.Person.objects.get(pk=pk))
    conflict, differences = None, []
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in PersonEditForm.Meta.fields}
        try:
            person_update(actor=actor, person=person, expected_version=form.cleaned_data["version"], data=data)
        except ConcurrentEditError as error:
            conflict = cast(pm.Person, error.current)
            differences = _differences(form, conflict)
            form.add_error(None, CONCURRENT_EDIT_HELP)
            # The next save is measured against the version now on screen.
            data = request.POST.copy()
            data["version"] = str(conflict.version)
            form.data = data
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect("persons:detail", pk=pk)
    last_change = conflict.history.select_related("history_user").first() if conflict else None
    return render(
        request,
        "persons/edit.html",
        {
            "differences": differences,
            "last_change": last_change,
            "form": form,
            "person": person,
            "conflict": conflict,
            "nav": "persons",
            "title": _("Modifier le dossier"),
        },
    )


def _shown(form_field, value):
    """A value as the user reads it: choice labels rather than codes."""
    flat: dict = {}
    for key, label in getattr(form_field, "choices", None) or []:
        if isinstance(label, list | tuple):
            flat.update(label)
        else:
            flat[key] = label
    return flat.get(value, value) if isinstance(value, str) else value


def _differences(form, stored: pm.Person) -> list[dict]:
    """Fields where what the user typed differs from what a colleague saved meanwhile."""
    rows = []
    for name in PersonEditForm.Meta.fields:
        mine, theirs = form.cleaned_data.get(name), getattr(stored, name)
        if (mine or None) != (theirs or None):
            form_field = form.fields[name]
            rows.append(
                {"label": form_field.label, "mine": _shown(form_field, mine), "theirs": _shown(form_field, theirs)}
            )
    return rows


def _item_kind(kind: str):
    try:
        return ITEM_KINDS[kind]
    except KeyError:
        raise Http404 from None


def item_edit(request: AncrageRequest, pk: int, kind: str, item_pk: int | None = None) -> HttpResponse:
    """Add or edit one item of the record's histories (identity, protection, document...)."""
    _require_cases(request)
    actor = request.actor
    spec = _item_kind(kind)
    person = get_person_for_user(actor, pk, purpose=f"edit {kind}")
    sections = perms.visible_sections(actor, pk)
    if not (perms.can_edit_person(actor, pk) and spec.visible_in(sections)):
        raise PermissionDenied
    visible_items = spec.queryset(person, sections)
    instance = get_object_or_404(visible_items, pk=item_pk) if item_pk else spec.model(person=person)
    form_class = spec.form_class(sections)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            record_item_save(actor=actor, person=person, item=form.instance, section=spec.section_for(form.instance))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(item)s enregistré(e).") % {"item": spec.label})
            return redirect(reverse("persons:detail", kwargs={"pk": pk}) + f"#{spec.anchor}")
    return render(
        request,
        "persons/item_form.html",
        {"form": form, "person": person, "spec": spec, "editing": bool(item_pk), "nav": "persons", "title": spec.label},
    )


@require_POST
def item_delete(request: AncrageRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    _require_cases(request)
    actor = request.actor
    spec = _item_kind(kind)
    person = get_person_for_user(actor, pk, purpose=f"delete {kind}")
    item = get_object_or_404(spec.queryset(person, perms.visible_sections(actor, pk)), pk=item_pk)
    try:
        record_item_delete(actor=actor, person=person, item=item, section=spec.section_for(item))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(item)s supprimé(e).") % {"item": spec.label})
    return redirect(reverse("persons:detail", kwargs={"pk": pk}) + f"#{spec.anchor}")


def household_member_edit(request: AncrageRequest, pk: int, item_pk: int | None = None) -> HttpResponse:
    _require_cases(request)
    actor = request.actor
    person = get_person_for_user(actor, pk, purpose="edit household")
    if not (perms.can_edit_person(actor, pk) and perms.can_view_section(actor, pk, Section.FAMILY)):
        raise PermissionDenied
    instance = (
        get_object_or_404(pm.HouseholdMember, pk=item_pk, household_id=person.household_id)
        if item_pk
        else pm.HouseholdMember()
    )
    form = HouseholdMemberForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            household_member_save(actor=actor, person=person, member=form.instance)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Membre du foyer enregistré."))
            return redirect(reverse("persons:detail", kwargs={"pk": pk}) + "#family")
    return render(
        request,
        "persons/item_form.html",
        {
            "form": form,
            "person": person,
            "spec": {"label": _("Membre du foyer"), "section": Section.FAMILY, "anchor": Section.FAMILY},
            "editing": bool(item_pk),
            "nav": "persons",
            "title": _("Membre du foyer"),
        },
    )


def journal(request: AncrageRequest, pk: int) -> HttpResponse:
    """The journal: notes I may read; writing one answers with the refreshed list (HTMX) or a redirect."""
    _require_cases(request)
    actor = request.actor
    if not perms.can_view_section(actor, pk, Section.JOURNAL):
        refuse_read(actor, pk, event="journal.read", purpose="journal")
    person = get_person_for_user(actor, pk, purpose="journal", event="journal.read")
    form = NoteForm(request.POST or None)
    saved = False
    if request.method == "POST" and form.is_valid():
        note_create(
            actor=actor,
            person=person,
            body=form.cleaned_data["body"],
            confidentiality=form.cleaned_data["confidentiality"],
            pathway=Pathway.objects.open().filter(person=person, operator_id=actor.organisation_id).first(),
        )
        if not request.htmx:
            messages.success(request, _("Note ajoutée au journal."))
            return redirect(reverse("persons:journal", kwargs={"pk": pk}))
        form = NoteForm()
        saved = True
    page = paginate(request, notes_visible_to(actor, pk))
    context = {
        "person": person,
        "page": page,
        "note_form": form,
        "nav": "persons",
        "title": _("Journal"),
        "can_write_note": perms.can_write_note(actor, pk),
        "saved": saved,
    }
    if request.htmx:
        return render(request, "persons/_journal_block.html", {**context, "notes": page.object_list})
    return render(request, "persons/journal.html", context)


def appointment_edit(request: AncrageRequest, pk: int, appointment_pk: int | None = None) -> HttpResponse:
    _require_cases(request)
    actor = request.actor
    person = get_person_for_user(actor, pk, purpose="appointment")
    if appointment_pk:
        appointment = get_object_or_404(appointments_visible_to(actor, pk), pk=appointment_pk)
        if not perms.can_edit_appointment(actor, appointment):
            raise PermissionDenied
    else:
        if not perms.can_plan_appointment(actor, pk):
            raise PermissionDenied
        appointment = Appointment(
            person=person,
            with_user=actor.user,
            interpreter_needed=person.interpreting_needed,
            location=actor.organisation.address if actor.organisation else "",
        )
    form = AppointmentForm(request.POST or None, instance=appointment, organisation=actor.org)
    if request.method == "POST" and form.is_valid():
        try:
            appointment_save(
                actor=actor, appointment=form.instance, expected_version=form.cleaned_data.get("version") or None
            )
        except ConcurrentEditError:
            form.add_error(None, CONCURRENT_EDIT_HELP)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Rendez-vous enregistré. Vous pouvez l'ajouter à votre agenda (.ics)."))
            return redirect(reverse("persons:detail", kwargs={"pk": pk}) + "#appointments")
    return render(
        request,
        "persons/appointment_form.html",
        {"form": form, "person": person, "editing": bool(appointment_pk), "nav": "persons", "title": _("Rendez-vous")},
    )


def appointment_ics(request: AncrageRequest, pk: int, appointment_pk: int) -> HttpResponse:
    from ancrage.pathways.ics import appointment_to_ics

    _require_cases(request)
    actor = request.actor
    get_person_for_user(actor, pk, purpose="appointment ics", event="appointment.export.ics")
    appointment = get_object_or_404(appointments_visible_to(actor, pk).select_related("person"), pk=appointment_pk)
    response = HttpResponse(
        appointment_to_ics([appointment], host=request.get_host()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="rendez-vous-{appointment.pk}.ics"'
    return response


def sharing(request: AncrageRequest, pk: int) -> HttpResponse:
    """Consents and the organisations that see the record, and recording a new consent."""
    _require_cases(request)
    actor = request.actor
    person = get_person_for_user(actor, pk, purpose="sharing")
    if not perms.can_share_person(actor, pk):
        raise PermissionDenied
    form = ConsentForm(request.POST or None, organisation=actor.org, can_share_health=actor.can_access_health)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent_record(
                actor=actor,
                person=person,
                sections=data["sections"],
                recipients=list(data["recipients"]),
                purpose=data["purpose"],
                given_on=data["given_on"],
                method=data["method"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Consentement enregistré : le partage est actif."))
            return redirect("persons:sharing", pk=pk)
    consents = Consent.objects.filter(person=person).prefetch_related("recipients").select_related("recorded_by")
    grants = (
        AccessGrant.objects.active().filter(person=person).select_related("organisation").order_by("organisation__name")
    )
    return render(
        request,
        "persons/sharing.html",
        {
            "person": person,
            "form": form,
            "consents": consents,
            "grants": grants,
            "nav": "persons",
            "title": _("Partage et consentements"),
            "section_labels": dict(Section.choices),
        },
    )


@require_POST
def consent_withdraw_view(request: AncrageRequest, pk: int, consent_pk: int) -> HttpResponse:
    _require_cases(request)
    actor = request.actor
    person = get_person_for_user(actor, pk, purpose="withdraw consent")
    consent = get_object_or_404(Consent, pk=consent_pk, person=person)
    try:
        consent_withdraw(actor=actor, consent=consent)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Consentement retiré : les organisations destinataires n'ont plus accès."))
    return redirect("persons:sharing", pk=pk)


def access_history(request: AncrageRequest, pk: int) -> HttpResponse:
    """Who read, changed or exported this record (organisation admins)."""
    from ancrage.audit.models import AuditEvent

    _require_cases(request)
    actor = request.actor
    if not perms.can_view_access_history(actor, pk):
        raise Http404
    person = get_person_for_user(actor, pk, purpose="access history", event="person.access_history")
    # Records merged into this one keep their own events (the log is append-only): they are listed too.
    merged = pm.Person.objects.filter(merged_into_id=pk).values_list("pk", flat=True)
    events = AuditEvent.objects.filter(person_id__in=[pk, *merged]).select_related("user", "organisation")
    page = paginate(request, events, per_page=50)
    return render(
        request,
        "persons/access_history.html",
        {"person": person, "page": page, "nav": "persons", "title": _("Historique des accès")},
    )


def changes(request: AncrageRequest, pk: int) -> HttpResponse:
    """Field history of the record's own fields (who changed what, when)."""
    _require_cases(request)
    actor = request.actor
    if not perms.can_edit_person(actor, pk):
        refuse_read(actor, pk, event="person.field_history", purpose="field history")
    person = get_person_for_user(actor, pk, purpose="field history", event="person.field_history")
    records = list(person.history.select_related("history_user").order_by("-history_date")[:100])
    diffs = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changed = newer.diff_against(older).changes if older is not None else []
        diffs.append(
            {
                "record": newer,
                "changes": [
                    {
                        "field": getattr(pm.Person._meta.get_field(c.field), "verbose_name", c.field),
                        "old": c.old,
                        "new": c.new,
                    }
                    for c in changed
                    if c.field not in {"version", "updated_at"}
                ],
            }
        )
    return render(
        request,
        "persons/changes.html",
        {"person": person, "diffs": diffs, "nav": "persons", "title": _("Historique des modifications")},
    )


def export_json(request: AncrageRequest, pk: int) -> HttpResponse:
    from ancrage.persons.export import person_export_data, to_json

    _require_cases(request)
    actor = request.actor
    if not perms.can_export_person(actor, pk):
        raise Http404
    person = get_person_for_user(actor, pk, purpose="access request export", event="person.export.json")
    response = HttpResponse(to_json(person_export_data(actor, person)), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ancrage-personne-{pk}.json"'
    return response


def export_pdf(request: AncrageRequest, pk: int) -> HttpResponse:
    from ancrage.persons.export import person_export_data, to_pdf

    _require_cases(request)
    actor = request.actor
    if not perms.can_export_person(actor, pk):
        raise Http404
    person = get_person_for_user(actor, pk, purpose="access request export", event="person.export.pdf")
    response = HttpResponse(
        to_pdf(person_export_data(actor, person), base_url=request.build_absolute_uri("/")),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="ancrage-personne-{pk}.pdf"'
    return response
