"""The socio-professional profile of a person: diplomas, experiences (ROME), target occupations."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Schema

from ancrage.access import perms
from ancrage.employment.models import Diploma, EmploymentProfile, TargetOccupation, WorkExperience
from ancrage.persons.selectors import get_person_for_user

from .auth import actor_of
from .errors import ApiRouter
from .schemas import ErrorOut, Id

router = ApiRouter(tags=["emploi"])


class ProfileOut(Schema):
    schooling_years: int | None = Field(description="Années de scolarité.")
    literacy: str = Field(description="Lecture et écriture (latin, other_script, partial, none ; vide si inconnu).")
    licence_status: str = Field(description="Permis de conduire (none, french, to_exchange, requested, exchanged…).")
    licence_country: str = Field(description="Pays de délivrance du permis (ISO 3166-1 alpha-2).")
    licence_first_receipt_on: dt.date | None = Field(description="Date du premier récépissé.")
    mobility_radius_km: int | None = Field(description="Rayon de mobilité en kilomètres.")
    mobility_means: list[str] = Field(description="Moyens de déplacement.")
    availability: str = Field(description="Disponibilité (full_time, part_time, school_hours).")
    available_from: dt.date | None = Field(description="Disponible à partir du.")
    childcare_constraint: bool = Field(description="Contrainte de garde d'enfants.")
    health_constraint: bool = Field(description="Contrainte de santé déclarée (sans détail médical).")
    no_night_or_weekend: bool = Field(description="Ni nuit ni week-end.")
    france_travail_registered_on: dt.date | None = Field(description="Inscription à France Travail le.")
    france_travail_id: str = Field(description="Identifiant France Travail.")
    rsa: bool = Field(description="Bénéficiaire du RSA.")
    version: int = Field(description="Version du profil (verrouillage optimiste).")


class DiplomaOut(Schema):
    id: int
    title: str = Field(description="Intitulé.")
    country: str = Field(description="Pays (ISO 3166-1 alpha-2).")
    level: int = Field(description="Niveau du cadre national des certifications (0 = sans diplôme reconnu, 3 à 8).")
    field: str = Field(description="Domaine.")
    year: int | None = Field(description="Année d'obtention.")
    recognition_status: str = Field(description="Reconnaissance (not_requested, requested, obtained, refused).")
    recognition_requested_on: dt.date | None = Field(description="Demande de reconnaissance déposée le.")


class ExperienceOut(Schema):
    id: int
    rome_code: str = Field(description="Code de la fiche ROME (ex. N1103).")
    appellation_code: int = Field(description="Code OGR de l'appellation ROME.")
    appellation: str = Field(description="Libellé de l'appellation ROME.")
    country: str = Field(description="Pays (ISO 3166-1 alpha-2).")
    years: Decimal = Field(description="Années d'expérience.")
    employer_name: str = Field(description="Employeur.")
    description: str = Field(description="Tâches.")


class TargetOut(Schema):
    id: int
    rome_code: str = Field(description="Code de la fiche ROME.")
    appellation_code: int = Field(description="Code OGR de l'appellation ROME.")
    appellation: str = Field(description="Libellé de l'appellation ROME.")


class EmploymentProfileOut(Schema):
    person_id: Id
    profile: ProfileOut | None = Field(description="Le profil ; null s'il n'est pas encore renseigné.")
    diplomas: list[DiplomaOut]
    experiences: list[ExperienceOut]
    targets: list[TargetOut] = Field(description="Métiers visés (cinq au plus).")


PROFILE_FIELDS = list(ProfileOut.model_fields)


@router.get(
    "/persons/{person_id}/employment-profile",
    url_name="employment_profile",
    response={200: EmploymentProfileOut, 401: ErrorOut, 404: ErrorOut},
    summary="Profil professionnel d'une personne",
    description=(
        "Le profil socio-professionnel, les diplômes, les expériences (code ROME et appellation) et les métiers "
        "visés. 404 pour une personne inexistante comme pour un dossier dont la rubrique « profil professionnel » "
        "n'est pas partagée avec l'organisation courante. Chaque lecture est tracée dans le journal d'accès."
    ),
)
def get_employment_profile(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    actor = actor_of(request)
    if not perms.can_view_employment(actor, person_id):
        raise Http404
    person = get_person_for_user(actor, person_id, purpose="api employment profile", event="employment.read")
    profile = EmploymentProfile.objects.filter(person=person).first()
    return {
        "person_id": person.pk,
        "profile": {name: getattr(profile, name) for name in PROFILE_FIELDS} if profile else None,
        "diplomas": list(Diploma.objects.filter(person=person)),
        "experiences": [
            {
                "id": e.pk,
                "rome_code": e.rome_code,
                "appellation_code": e.appellation.code_ogr,
                "appellation": e.appellation.label,
                "country": e.country,
                "years": e.years,
                "employer_name": e.employer_name,
                "description": e.description,
            }
            for e in WorkExperience.objects.filter(person=person).select_related("appellation")
        ],
        "targets": [
            {
                "id": t.pk,
                "rome_code": t.rome_code,
                "appellation_code": t.appellation.code_ogr,
                "appellation": t.appellation.label,
            }
            for t in TargetOccupation.objects.filter(person=person).select_related("appellation")
        ],
    }
