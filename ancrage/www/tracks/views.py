"""The person's settling tracks (« Installation »): housing, health, language and CIR, rights."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ancrage.access import perms
from ancrage.core.concurrency import ConcurrentEditError
from ancrage.persons.models import Person, Situation, SituationDomain
from ancrage.persons.selectors import get_person_for_user
from ancrage.tracks.selectors import is_overdue, is_window_open, person_tracks
from ancrage.tracks.services import require_edit, track_item_delete, track_item_save
from ancrage.www.types import AncrageRequest

from ..forms import CONCURRENT_EDIT_HELP
from ..utils import apply_validation_error
from .forms import TRACK_KINDS, TrackKind

TABS = [
    ("housing", "logement"),
    ("health", "sante"),
    ("language", "langue"),
    ("rights", "droits"),
]


def _require_cases(request: AncrageRequest) -> None:
    if not request.actor.handles_cases:
        raise Http404


def overview(request: AncrageRequest, person_pk: int) -> HttpResponse:
    """The four tracks of the person, each shown only with its section (health with the permission)."""
    _require_cases(request)
    actor = request.actor
    person = get_person_for_user(actor, person_pk, purpose="tracks", event="tracks.read")
    sections = perms.visible_sections(actor, person.pk)
    tracks = person_tracks(actor, person, sections)
    today = timezone.localdate()
    for track in tracks.values():
        for deadline in track.deadlines:
            deadline.overdue = is_overdue(deadline, today)  # type: ignore[attr-defined]
            deadline.window_open = is_window_open(deadline, today)  # type: ignore[attr-defined]
    tabs = [(key, anchor, tracks[key]) for key, anchor in TABS if key in tracks]
    return render(
        request,
        "tracks/overview.html",
        {
            "person": person,
            "tabs": tabs,
            "tracks": tracks,
            "sections": sections,
            "can_edit": perms.can_edit_person(actor, person.pk),
            "today": today,
            "nav": "persons",
            "title": _("Installation"),
        },
    )


def _kind(slug: str, *, single: bool) -> TrackKind:
    kind = TRACK_KINDS.get(slug)
    if kind is None or kind.single != single:
        raise Http404
    return kind


def _differences(form, stored) -> list[dict]:
    """Fields where what the user typed differs from what a colleague saved meanwhile."""
    rows = []
    for name, form_field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        mine, theirs = form.cleaned_data.get(name), getattr(stored, name, None)
        if theirs is not None and hasattr(theirs, "all"):
            theirs = list(theirs.all())
            mine = list(mine or [])
        if (mine or None) != (theirs or None):
            choices = dict(getattr(form_field, "choices", None) or [])
            rows.append(
                {
                    "label": form_field.label,
                    "mine": choices.get(mine, mine) if isinstance(mine, str) else mine,
                    "theirs": choices.get(theirs, theirs) if isinstance(theirs, str) else theirs,
                }
            )
    return rows


def _edit(request: AncrageRequest, person: Person, kind: TrackKind, instance, editing: bool) -> HttpResponse:
    actor = request.actor
    form_class: Any = kind.form_class()
    form = form_class(request.POST or None, instance=instance, person=person, actor=actor)
    conflict: Any = None
    differences: list[dict] = []
    if request.method == "POST" and form.is_valid():
        m2m = {name: form.cleaned_data[name] for name in kind.m2m}
        try:
            track_item_save(
                actor=actor,
                person=person,
                item=form.instance,
                expected_version=form.cleaned_data.get("version"),
                m2m=m2m,
            )
        except ConcurrentEditError as error:
            conflict = error.current
            differences = _differences(form, conflict)
            form.add_error(None, CONCURRENT_EDIT_HELP)
            data = request.POST.copy()
            data["version"] = str(conflict.version)
            form.data = data
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(item)s enregistré(e).") % {"item": kind.label})
            return redirect(reverse("tracks:overview", kwargs={"person_pk": person.pk}) + f"#{kind.track}")
    last_change = conflict.history.select_related("history_user").first() if conflict is not None else None
    return render(
        request,
        "tracks/item_form.html",
        {
            "form": form,
            "person": person,
            "kind": kind,
            "editing": editing,
            "conflict": conflict,
            "differences": differences,
            "last_change": last_change,
            "nav": "persons",
            "title": kind.label,
        },
    )


def _item_queryset(kind: TrackKind, person: Person):
    queryset = kind.model.objects.filter(person=person)
    if kind.model is Situation:
        queryset = queryset.filter(domain=SituationDomain.HOUSING)
    return queryset


def item_edit(request: AncrageRequest, person_pk: int, kind: str, item_pk: int | None = None) -> HttpResponse:
    """Add or edit one item of a track (request, offer, course...)."""
    _require_cases(request)
    spec = _kind(kind, single=False)
    person = get_person_for_user(request.actor, person_pk, purpose=f"edit {kind}")
    require_edit(request.actor, person.pk, spec.section)
    if item_pk is None:
        instance = spec.model(person=person)
        if spec.model is Situation:
            instance.domain = SituationDomain.HOUSING
    else:
        instance = get_object_or_404(_item_queryset(spec, person), pk=item_pk)
    return _edit(request, person, spec, instance, editing=item_pk is not None)


def record_edit(request: AncrageRequest, person_pk: int, kind: str) -> HttpResponse:
    """Create or edit the person's single record of a kind (health coverage, CAF file, bank account)."""
    _require_cases(request)
    spec = _kind(kind, single=True)
    person = get_person_for_user(request.actor, person_pk, purpose=f"edit {kind}")
    require_edit(request.actor, person.pk, spec.section)
    instance = spec.model.objects.filter(person=person).first()
    editing = instance is not None
    return _edit(request, person, spec, instance or spec.model(person=person), editing=editing)


@require_POST
def item_delete(request: AncrageRequest, person_pk: int, kind: str, item_pk: int) -> HttpResponse:
    _require_cases(request)
    spec = _kind(kind, single=False)
    person = get_person_for_user(request.actor, person_pk, purpose=f"delete {kind}")
    require_edit(request.actor, person.pk, spec.section)
    item = get_object_or_404(_item_queryset(spec, person), pk=item_pk)
    track_item_delete(actor=request.actor, person=person, item=item)
    messages.success(request, _("%(item)s supprimé(e).") % {"item": spec.label})
    return redirect(reverse("tracks:overview", kwargs={"person_pk": person.pk}) + f"#{spec.track}")
