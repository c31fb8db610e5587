"""The service directory: search, one page per service, the map, services for a person, editing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ancrage.access import perms as access_perms
from ancrage.access.sections import Section
from ancrage.core.pagination import paginate
from ancrage.directory import perms
from ancrage.directory.mapping import SHADES, commune_map
from ancrage.directory.models import Service, Structure
from ancrage.directory.selectors import service_counts_by_commune, services_for_person, services_search
from ancrage.directory.services import service_save
from ancrage.pathways.models import DiagnosticDomain
from ancrage.persons.models import ProtectionType
from ancrage.persons.selectors import get_person_for_user
from ancrage.territory.models import Commune
from ancrage.www.types import AncrageRequest

from ..utils import apply_validation_error
from .forms import ServiceForm, ServiceSearchForm


def _require_directory(request: AncrageRequest) -> None:
    if not perms.can_view_directory(request.actor):
        raise Http404


def _editable_structures(request: AncrageRequest):
    actor = request.actor
    structures = Structure.objects.all()
    if not actor.is_platform_admin:
        if actor.organisation_id is None or not actor.has_role("org_admin", "referent"):
            return structures.none()
        structures = structures.filter(organisation_id=actor.organisation_id)
    return structures


def service_list(request: AncrageRequest) -> HttpResponse:
    _require_directory(request)
    form = ServiceSearchForm(request.GET or None)
    services = Service.objects.active()
    if form.is_valid():
        data = form.cleaned_data
        services = services_search(
            q=data["q"],
            thematique=data["thematique"],
            commune_id=data["commune"].pk if data["commune"] else "",
            public=data["public"],
            language=data["language"],
        )
    services = services.select_related("structure", "commune").order_by("name", "pk")
    page = paginate(request, services)
    context = {
        "form": form,
        "page": page,
        "nav": "directory",
        "title": _("Annuaire des services"),
        "filtered": any(request.GET.get(k) for k in ("q", "thematique", "commune", "public", "language")),
        "can_create": _editable_structures(request).exists(),
    }
    template = "directory/list.html#results" if request.htmx else "directory/list.html"
    return render(request, template, context)


def service_detail(request: AncrageRequest, pk: int) -> HttpResponse:
    _require_directory(request)
    service = get_object_or_404(
        Service.objects.select_related("structure__organisation", "structure__commune", "commune").prefetch_related(
            "zone"
        ),
        pk=pk,
    )
    if not service.is_active and not perms.can_edit_service(request.actor, service):
        raise Http404
    context = {
        "service": service,
        "nav": "directory",
        "title": service.name,
        "can_edit": perms.can_edit_service(request.actor, service),
    }
    return render(request, "directory/detail.html", context)


def service_map(request: AncrageRequest) -> HttpResponse:
    _require_directory(request)
    counts = service_counts_by_commune()
    shapes, viewbox = commune_map(list(Commune.objects.order_by("name")), counts)
    context = {
        "shapes": shapes,
        "viewbox": viewbox,
        "shades": SHADES,
        "maximum": max(counts.values(), default=0),
        "nav": "directory",
        "title": _("Carte des services"),
        "list_url": reverse("directory:list"),
    }
    return render(request, "directory/map.html", context)


def service_edit(request: AncrageRequest, pk: int | None = None) -> HttpResponse:
    _require_directory(request)
    actor = request.actor
    structures = _editable_structures(request)
    service = None
    if pk is not None:
        service = get_object_or_404(Service.objects.select_related("structure"), pk=pk)
        if not perms.can_edit_service(actor, service):
            raise PermissionDenied
    elif not structures.exists():
        raise PermissionDenied
    form = ServiceForm(request.POST or None, instance=service, structures=structures)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        try:
            service_save(actor=actor, service=obj, zone=list(form.cleaned_data["zone"]))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Le service « %(name)s » est enregistré.") % {"name": obj.name})
            return redirect("directory:service_detail", pk=obj.pk)
    title = _("Modifier le service") if service else _("Nouveau service")
    return render(
        request, "directory/form.html", {"form": form, "service": service, "nav": "directory", "title": title}
    )


def services_for_person_view(request: AncrageRequest, person_pk: int) -> HttpResponse:
    _require_directory(request)
    person = get_person_for_user(request.actor, person_pk, event="directory.for_person")
    facts, suggestions = services_for_person(request.actor, person)
    context = {
        "person": person,
        "facts": facts,
        "suggestions": suggestions,
        "section_labels": [Section(code).label for code in facts.sections_used],
        "protection_label": ProtectionType(facts.protection).label if facts.protection else "",
        "need_labels": [DiagnosticDomain(domain).label for domain in facts.needs],
        "can_refer": access_perms.can_edit_person(request.actor, person.pk),
        "nav": "directory",
        "title": _("Services pouvant accueillir %(name)s") % {"name": person.display_name},
    }
    return render(request, "directory/for_person.html", context)
