"""Import and export of the directory in data·inclusion JSON (schema v1).

The file is ``{"structures": [...], "services": [...]}``. Every record is validated with
``data_inclusion.schema.v1`` models (``Structure`` / ``Service``) on the way out and on the way in.
What data·inclusion has no field for (languages, interpreting, minimum French level, protection
statuses, capacity, waiting time) travels in an ``x_ancrage`` object, which other consumers ignore.

An import validates every record first, reports every problem with the record's position and line,
and writes nothing at all if one record is invalid; it writes only when ``wet_run`` is true.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

import pydantic
from data_inclusion.schema import v1
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.organisations.actor import Actor
from ancrage.territory.models import Commune

from .models import Service, Structure

SOURCE = "ancrage"
EXTENSION = "x_ancrage"
EXTENSION_FIELDS = (
    "languages",
    "interpreting",
    "min_french_level",
    "protections_accepted",
    "capacity",
    "waiting_days",
    "contact_email",
    "contact_phone",
)


# Export ---------------------------------------------------------------------------------------------


def structure_record(structure: Structure) -> dict[str, Any]:
    return {
        "source": structure.di_source or SOURCE,
        "id": structure.di_id or f"structure-{structure.pk}",
        "nom": structure.name,
        "date_maj": timezone.localdate(structure.updated_at).isoformat(),
        "description": structure.description or None,
        "siret": structure.siret or None,
        "commune": structure.commune.name if structure.commune else None,
        "code_insee": structure.commune_id,
        "adresse": structure.address or None,
        "telephone": structure.phone or None,
        "courriel": structure.email or None,
        "site_web": structure.website or None,
    }


def service_record(service: Service) -> dict[str, Any]:
    structure = service.structure
    return {
        "source": service.di_source or SOURCE,
        "structure_id": structure.di_id or f"structure-{structure.pk}",
        "id": service.di_id or f"service-{service.pk}",
        "nom": service.name,
        "description": service.description,
        "date_maj": timezone.localdate(service.updated_at).isoformat(),
        "type": service.types[0] if service.types else None,
        "thematiques": service.thematiques or None,
        "frais": service.frais or None,
        "publics": service.publics or None,
        "conditions_acces": service.documents_required or None,
        "commune": service.commune.name if service.commune else None,
        "code_insee": service.commune_id,
        "adresse": service.address or None,
        "telephone": service.contact_phone or None,
        "courriel": service.contact_email or None,
        "modes_accueil": service.modes_accueil or None,
        "zone_eligibilite": sorted(c.pk for c in service.zone.all()) or None,
        "contact_nom_prenom": service.contact_name or None,
        "modes_mobilisation": service.modes_mobilisation or None,
        "horaires_accueil": service.opening_hours or None,
    }


def _validated(model: type[pydantic.BaseModel], record: dict[str, Any]) -> dict[str, Any]:
    return model.model_validate(record).model_dump(mode="json", exclude_none=True)


def service_payload(service: Service) -> dict[str, Any]:
    """One service in the data·inclusion shape, validated by ``v1.Service`` (raises if invalid)."""
    return _validated(v1.Service, service_record(service))


def export_directory(*, actor: Actor | None = None, only_active: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Every structure and service, each validated by its data·inclusion model before it is returned."""
    structures = Structure.objects.select_related("commune").order_by("pk")
    services = Service.objects.select_related("structure", "commune").prefetch_related("zone").order_by("pk")
    if only_active:
        services = services.filter(is_active=True)
    out_services = []
    for service in services:
        record = service_payload(service)
        record[EXTENSION] = {name: getattr(service, name) for name in EXTENSION_FIELDS} | {
            "is_active": service.is_active,
            "types": service.types,
        }
        out_services.append(record)
    result = {
        "structures": [_validated(v1.Structure, structure_record(s)) for s in structures],
        "services": out_services,
    }
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        event="directory.export",
        details={"structures": len(result["structures"]), "services": len(out_services)},
    )
    return result


# Import ---------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    problems: list[str] = field(default_factory=list)
    structures_created: int = 0
    structures_updated: int = 0
    services_created: int = 0
    services_updated: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def record_lines(text: str) -> dict[tuple[str, int], int]:
    """The line where each record of the top-level arrays starts: {("services", 3): 120}."""
    lines: dict[tuple[str, int], int] = {}
    stack: list[str] = []
    line = 1
    last_string = ""
    array_key = ""
    index = -1
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "\n":
            line += 1
        elif char == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            last_string = text[i + 1 : j]
            i = j
        elif char in "{[":
            if char == "[" and stack == ["{"]:
                array_key, index = last_string, -1
            elif char == "{" and stack == ["{", "["]:
                index += 1
                lines[(array_key, index)] = line
            stack.append(char)
        elif char in "}]" and stack:
            stack.pop()
        i += 1
    return lines


def _pydantic_problems(error: pydantic.ValidationError) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc']) or '—'} : {e['msg']}" for e in error.errors()]


def _django_problems(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{name} : {message}" for name, messages in error.message_dict.items() for message in messages]
    return list(error.messages)


def _updated_at(value: Any) -> datetime:
    return timezone.make_aware(datetime.combine(value, time(12)))


def import_directory(text: str, *, wet_run: bool = False, actor: Actor | None = None) -> ImportReport:
    """Validate every record of ``text``; write them (all or nothing) only if all are valid and ``wet_run``."""
    report = ImportReport()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        report.problems.append(
            _("Fichier JSON illisible, ligne %(line)s, colonne %(col)s : %(msg)s")
            % {"line": error.lineno, "col": error.colno, "msg": error.msg}
        )
        return report
    if not isinstance(data, dict) or not all(isinstance(data.get(k, []), list) for k in ("structures", "services")):
        report.problems.append(_('Le fichier doit contenir un objet {"structures": [...], "services": [...]}.'))
        return report
    lines = record_lines(text)
    communes = {c.pk: c for c in Commune.objects.only("insee_code", "name", "territory_id")}

    def where(kind: str, index: int, record: Any) -> str:
        ident = record.get("id") if isinstance(record, dict) else None
        line = lines.get((kind, index))
        label = f"{kind}[{index}]"
        if line:
            label += " " + _("ligne %(line)s") % {"line": line}
        if ident:
            label += f" (id « {ident} »)"
        return label

    structures: dict[tuple[str, str], Structure] = {}
    existing_structures = {(s.di_source, s.di_id): s for s in Structure.objects.exclude(di_id="")}
    for index, record in enumerate(data.get("structures", [])):
        place = where("structures", index, record)
        try:
            parsed = v1.Structure.model_validate(record)
        except pydantic.ValidationError as error:
            report.problems += [f"{place} : {p}" for p in _pydantic_problems(error)]
            continue
        key = (parsed.source, parsed.id)
        if key in structures:
            report.problems.append(f"{place} : " + _("identifiant en double dans le fichier."))
            continue
        structure = existing_structures.get(key) or Structure(di_source=parsed.source, di_id=parsed.id)
        structure.name = parsed.nom
        structure.siret = parsed.siret or ""
        structure.description = parsed.description or ""
        structure.address = parsed.adresse or ""
        structure.commune_id = parsed.code_insee if parsed.code_insee in communes else None
        structure.phone = parsed.telephone or ""
        structure.email = parsed.courriel or ""
        structure.website = str(parsed.site_web) if parsed.site_web else ""
        structure.updated_at = _updated_at(parsed.date_maj)
        try:
            structure.full_clean(exclude=["organisation"], validate_constraints=False)
        except ValidationError as error:
            report.problems += [f"{place} : {p}" for p in _django_problems(error)]
            continue
        structures[key] = structure

    services: list[tuple[Service, list[Commune]]] = []
    seen: set[tuple[str, str]] = set()
    existing_services = {(s.di_source, s.di_id): s for s in Service.objects.exclude(di_id="")}
    for index, record in enumerate(data.get("services", [])):
        place = where("services", index, record)
        try:
            parsed_service = v1.Service.model_validate(record)
        except pydantic.ValidationError as error:
            report.problems += [f"{place} : {p}" for p in _pydantic_problems(error)]
            continue
        key = (parsed_service.source, parsed_service.id)
        if key in seen:
            report.problems.append(f"{place} : " + _("identifiant en double dans le fichier."))
            continue
        seen.add(key)
        structure_key = (parsed_service.source, parsed_service.structure_id)
        owner = structures.get(structure_key) or existing_structures.get(structure_key)
        if owner is None:
            report.problems.append(
                f"{place} : "
                + _("structure « %(id)s » absente du fichier et de l'annuaire.") % {"id": parsed_service.structure_id}
            )
            continue
        extension = record.get(EXTENSION) or {}
        if not isinstance(extension, dict):
            report.problems.append(f"{place} : " + _("« %(key)s » doit être un objet.") % {"key": EXTENSION})
            continue
        service = existing_services.get(key) or Service(di_source=parsed_service.source, di_id=parsed_service.id)
        service.name = parsed_service.nom
        service.description = parsed_service.description
        service.types = list(extension.get("types") or ([parsed_service.type.value] if parsed_service.type else []))
        service.thematiques = sorted(t.value for t in parsed_service.thematiques or [])
        service.publics = sorted(p.value for p in parsed_service.publics or [])
        service.frais = parsed_service.frais.value if parsed_service.frais else ""
        service.modes_accueil = sorted(m.value for m in parsed_service.modes_accueil or [])
        service.modes_mobilisation = sorted(m.value for m in parsed_service.modes_mobilisation or [])
        service.documents_required = parsed_service.conditions_acces or ""
        service.opening_hours = parsed_service.horaires_accueil or ""
        service.address = parsed_service.adresse or ""
        service.commune_id = parsed_service.code_insee if parsed_service.code_insee in communes else None
        service.contact_name = parsed_service.contact_nom_prenom or ""
        service.contact_email = extension.get("contact_email") or parsed_service.courriel or ""
        service.contact_phone = extension.get("contact_phone") or parsed_service.telephone or ""
        service.languages = extension.get("languages") or []
        service.interpreting = bool(extension.get("interpreting", False))
        service.min_french_level = extension.get("min_french_level") or ""
        service.protections_accepted = extension.get("protections_accepted") or []
        service.capacity = extension.get("capacity")
        service.waiting_days = extension.get("waiting_days")
        service.is_active = bool(extension.get("is_active", True))
        service.updated_at = _updated_at(parsed_service.date_maj)
        service.structure = owner
        service.refresh_search_text()
        try:
            service.full_clean(exclude=["structure", "zone"], validate_constraints=False)
        except ValidationError as error:
            report.problems += [f"{place} : {p}" for p in _django_problems(error)]
            continue
        zone = [communes[code] for code in parsed_service.zone_eligibilite or [] if code in communes]
        services.append((service, zone))

    if report.problems or not wet_run:
        return report
    with transaction.atomic():
        for structure in structures.values():
            created = structure.pk is None
            structure.save()
            report.structures_created += created
            report.structures_updated += not created
        for service, zone in services:
            created = service.pk is None
            service.save()
            service.zone.set(zone)
            report.services_created += created
            report.services_updated += not created
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            event="directory.import",
            details={
                "structures": len(structures),
                "services": len(services),
            },
        )
    report.written = True
    return report
