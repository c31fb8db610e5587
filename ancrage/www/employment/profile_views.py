"""The socio-professional profile of a person: page, edits, CV and commitment contract."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.core.concurrency import ConcurrentEditError
from ancrage.employment import documents
from ancrage.employment.models import (
    Diploma,
    EmploymentProfile,
    MobilityMeans,
    Placement,
    TargetOccupation,
    WorkExperience,
)
from ancrage.employment.profile_services import (
    MAX_TARGET_OCCUPATIONS,
    diploma_delete,
    diploma_save,
    experience_delete,
    experience_save,
    profile_facts,
    profile_save,
    target_add,
    target_delete,
)
from ancrage.pathways.models import Pathway
from ancrage.persons.models import Person
from ancrage.persons.selectors import get_person_for_user
from ancrage.www.types import AncrageRequest

from ..forms import CONCURRENT_EDIT_HELP
from ..utils import apply_validation_error
from .profile_forms import CVForm, DiplomaForm, ExperienceForm, ProfileForm, TargetForm

PLACEMENTS_TEMPLATE = "employment/placements/_list.html"


def _employment_person(request: AncrageRequest, person_pk: int, *, purpose: str, event: str = "employment.read"):
    """The person if the actor sees the employment section (404 otherwise), with one audit event."""
    actor = request.actor
    if not actor.handles_cases or not perms.can_view_employment(actor, person_pk):
        raise Http404
    return get_person_for_user(actor, person_pk, purpose=purpose, event=event)


def _editable_person(request: AncrageRequest, person_pk: int, *, purpose: str) -> Person:
    person = _employment_person(request, person_pk, purpose=purpose)
    if not perms.can_edit_employment(request.actor, person_pk):
        raise PermissionDenied
    return person


def _has_template(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _profile_url(person_pk: int, anchor: str = "") -> str:
    return reverse("employment:profile", kwargs={"person_pk": person_pk}) + (f"#{anchor}" if anchor else "")


def profile(request: AncrageRequest, person_pk: int) -> HttpResponse:
    person = _employment_person(request, person_pk, purpose="employment profile")
    actor = request.actor
    employment_profile = EmploymentProfile.objects.filter(person=person).first()
    today = timezone.localdate()
    context = {
        "person": person,
        "profile": employment_profile,
        "facts": profile_facts(person, employment_profile, today),
        "diplomas": list(Diploma.objects.filter(person=person)),
        "experiences": list(WorkExperience.objects.filter(person=person).select_related("appellation__occupation")),
        "targets": list(TargetOccupation.objects.filter(person=person).select_related("appellation__occupation")),
        "max_targets": MAX_TARGET_OCCUPATIONS,
        "can_edit": perms.can_edit_employment(actor, person.pk),
        "has_placements_list": _has_template(PLACEMENTS_TEMPLATE),
        "nav": "persons",
        "title": _("Profil professionnel"),
        "today": today,
        "mobility_labels": [
            MobilityMeans(m).label
            for m in (employment_profile.mobility_means if employment_profile else [])
            if m in MobilityMeans.values
        ],
    }
    if context["has_placements_list"]:
        context["placements"] = list(
            Placement.objects.filter(person=person).select_related("opportunity__employer").order_by("-proposed_on")
        )
    return render(request, "employment/profile/detail.html", context)


def _shown(form_field, value):
    flat: dict = {}
    for key, label in getattr(form_field, "choices", None) or []:
        flat[key] = label
    if isinstance(value, list):
        return ", ".join(str(flat.get(v, v)) for v in value)
    return flat.get(value, value) if isinstance(value, str) else value


def _differences(form: ProfileForm, stored: EmploymentProfile) -> list[dict]:
    rows = []
    for name in ProfileForm.Meta.fields:
        mine, theirs = form.cleaned_data.get(name), getattr(stored, name)
        if (mine or None) != (theirs or None):
            field = form.fields[name]
            rows.append({"label": field.label, "mine": _shown(field, mine), "theirs": _shown(field, theirs)})
    return rows


def profile_edit(request: AncrageRequest, person_pk: int) -> HttpResponse:
    person = _editable_person(request, person_pk, purpose="edit employment profile")
    actor = request.actor
    instance = EmploymentProfile.objects.filter(person=person).first() or EmploymentProfile(person=person)
    form = ProfileForm(request.POST or None, instance=instance)
    conflict, differences = None, []
    if request.method == "POST" and form.is_valid():
        try:
            profile_save(
                actor=actor, person=person, profile=form.instance, expected_version=form.cleaned_data.get("version")
            )
        except ConcurrentEditError as error:
            conflict = cast(EmploymentProfile, error.current)
            differences = _differences(form, conflict)
            form.add_error(None, CONCURRENT_EDIT_HELP)
            data = request.POST.copy()
            data["version"] = str(conflict.version)
            form.data = data
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Profil professionnel enregistré."))
            return redirect(_profile_url(person.pk))
    last_change = conflict.history.select_related("history_user").first() if conflict else None
    return render(
        request,
        "employment/profile/form.html",
        {
            "form": form,
            "person": person,
            "conflict": conflict,
            "differences": differences,
            "last_change": last_change,
            "nav": "persons",
            "title": _("Modifier le profil professionnel"),
        },
    )


def _item_page(request, person, form, save, *, done: str, anchor: str, title: str, editing: bool) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, done)
            return redirect(_profile_url(person.pk, anchor))
    return render(
        request,
        "employment/profile/item_form.html",
        {"form": form, "person": person, "title": title, "editing": editing, "anchor": anchor, "nav": "persons"},
    )


def diploma_edit(request: AncrageRequest, person_pk: int, diploma_pk: int | None = None) -> HttpResponse:
    person = _editable_person(request, person_pk, purpose="edit diploma")
    diploma = get_object_or_404(Diploma, pk=diploma_pk, person=person) if diploma_pk else Diploma(person=person)
    form = DiplomaForm(request.POST or None, instance=diploma)
    return _item_page(
        request,
        person,
        form,
        lambda f: diploma_save(actor=request.actor, person=person, diploma=f.instance),
        done=_("Diplôme enregistré."),
        anchor="diplomes",
        title=_("Diplôme"),
        editing=bool(diploma_pk),
    )


def experience_edit(request: AncrageRequest, person_pk: int, experience_pk: int | None = None) -> HttpResponse:
    person = _editable_person(request, person_pk, purpose="edit experience")
    experience = (
        get_object_or_404(WorkExperience, pk=experience_pk, person=person)
        if experience_pk
        else WorkExperience(person=person)
    )
    form = ExperienceForm(request.POST or None, instance=experience)
    return _item_page(
        request,
        person,
        form,
        lambda f: experience_save(actor=request.actor, person=person, experience=f.instance),
        done=_("Expérience enregistrée."),
        anchor="experiences",
        title=_("Expérience professionnelle"),
        editing=bool(experience_pk),
    )


def target_add_view(request: AncrageRequest, person_pk: int) -> HttpResponse:
    person = _editable_person(request, person_pk, purpose="add target occupation")
    form = TargetForm(request.POST or None)
    return _item_page(
        request,
        person,
        form,
        lambda f: target_add(actor=request.actor, person=person, appellation=f.cleaned_data["appellation"]),
        done=_("Métier visé ajouté."),
        anchor="metiers-vises",
        title=_("Métier visé"),
        editing=False,
    )


def _delete(request: AncrageRequest, person_pk: int, model, item_pk: int, delete, *, done: str, anchor: str):
    person = _editable_person(request, person_pk, purpose="delete employment item")
    item = get_object_or_404(model, pk=item_pk, person=person)
    delete(person, item)
    messages.success(request, done)
    return redirect(_profile_url(person.pk, anchor))


@require_POST
def diploma_delete_view(request: AncrageRequest, person_pk: int, diploma_pk: int) -> HttpResponse:
    return _delete(
        request,
        person_pk,
        Diploma,
        diploma_pk,
        lambda p, i: diploma_delete(actor=request.actor, person=p, diploma=i),
        done=_("Diplôme supprimé."),
        anchor="diplomes",
    )


@require_POST
def experience_delete_view(request: AncrageRequest, person_pk: int, experience_pk: int) -> HttpResponse:
    return _delete(
        request,
        person_pk,
        WorkExperience,
        experience_pk,
        lambda p, i: experience_delete(actor=request.actor, person=p, experience=i),
        done=_("Expérience supprimée."),
        anchor="experiences",
    )


@require_POST
def target_delete_view(request: AncrageRequest, person_pk: int, target_pk: int) -> HttpResponse:
    return _delete(
        request,
        person_pk,
        TargetOccupation,
        target_pk,
        lambda p, i: target_delete(actor=request.actor, person=p, target=i),
        done=_("Métier visé retiré."),
        anchor="metiers-vises",
    )


# --- documents -------------------------------------------------------------------------------------


def cv(request: AncrageRequest, person_pk: int) -> HttpResponse:
    """The CV: a form prefilled from the record; the PDF is built from what the référent validated."""
    actor = request.actor
    if request.method == "POST":
        person = _employment_person(request, person_pk, purpose="CV", event="employment.cv.form")
        if not perms.can_edit_employment(actor, person_pk):
            raise PermissionDenied
        form = CVForm(request.POST)
        if form.is_valid():
            audit_record(
                actor=actor, action=AuditAction.EXPORT, event="employment.cv.pdf", person_id=person.pk, obj=person
            )
            response = HttpResponse(
                documents.cv_pdf(form.cleaned_data, base_url=request.build_absolute_uri("/")),
                content_type="application/pdf",
            )
            response["Content-Disposition"] = f'attachment; filename="cv-{person.pk}.pdf"'
            return response
    else:
        person = _editable_person(request, person_pk, purpose="CV")
        form = CVForm(initial=documents.cv_initial(person))
    return render(
        request, "employment/profile/cv_form.html", {"form": form, "person": person, "nav": "persons", "title": _("CV")}
    )


def commitment_contract(request: AncrageRequest, pk: int) -> HttpResponse:
    """The commitment contract of a pathway, as a PDF to print and sign."""
    actor = request.actor
    pathway = Pathway.objects.select_related("person", "operator", "referent").filter(pk=pk).first()
    if pathway is None or not actor.handles_cases or not perms.can_view_employment(actor, pathway.person_id):
        raise Http404
    if not perms.can_edit_employment(actor, pathway.person_id):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        event="employment.commitment_contract.pdf",
        person_id=pathway.person_id,
        obj=pathway,
    )
    response = HttpResponse(
        documents.commitment_contract_pdf(pathway, base_url=request.build_absolute_uri("/")),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="contrat-engagement-{pathway.pk}.pdf"'
    return response
