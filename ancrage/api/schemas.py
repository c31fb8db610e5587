"""Response schemas of the REST API (pydantic v2 through ninja).

A section the caller may not see is ``null``: the payload never carries data outside the grants.
"""

from datetime import date, datetime
from typing import Annotated

from annotated_types import Ge, Le
from ninja import Field, Schema

# Identifiers and page numbers the API accepts: positive, within a 64-bit integer (the database's).
MAX_ID = 2**63 - 1
MAX_PAGE = 1_000_000
Id = Annotated[int, Ge(1), Le(MAX_ID)]


class ErrorItem(Schema):
    loc: list[str | int] = Field(
        description=(
            "Où est l'erreur : « body », « query » ou « path », suivi du nom du champ (et de l'indice dans "
            "une liste) ; « body » seul pour une erreur qui porte sur l'ensemble de la requête."
        )
    )
    msg: str = Field(description="Message en français.")
    type: str = Field(description="Type d'erreur (ex. « missing », « int_parsing », « invalid »).")


class ErrorOut(Schema):
    """The body of every error answer of the API (4xx and 5xx)."""

    detail: str = Field(description="Message d'erreur en français.")
    code: str = Field(
        description=(
            "Code de l'erreur : authentication_required, invalid_token, otp_required, permission_denied, "
            "csrf_failed, not_found, conflict, validation_error, bad_request, throttled, server_error."
        )
    )
    errors: list[ErrorItem] | None = Field(
        None, description="Erreurs champ par champ (requête invalide, 422) ; null sinon."
    )
    version: int | None = Field(
        None, description="Version courante de l'objet, quand la requête portait une version dépassée (409)."
    )


# --- /me -----------------------------------------------------------------------------------------


class UserOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    is_platform_admin: bool = Field(
        description="Administrateur de la plateforme (aucun accès aux dossiers par défaut)."
    )


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str


class MeOut(Schema):
    user: UserOut
    organisation: OrganisationOut | None = Field(
        description="Organisation courante (choisie à la connexion ou liée au jeton)."
    )
    role: str | None = Field(description="Rôle dans l'organisation courante.")
    role_label: str | None
    can_access_health: bool = Field(description="Accès au volet santé (couverture et orientations).")
    authentication: str = Field(description="« token » (jeton personnel) ou « session ».")


# --- /persons ------------------------------------------------------------------------------------


class PersonListItem(Schema):
    id: int
    display_name: str | None = Field(
        description="Nom d'usage (identité de référence), si la rubrique identité est visible."
    )
    sex: str | None = Field(description="F, M ou X, si la rubrique identité est visible.")
    birth_year: int | None = Field(description="Année de naissance, si la rubrique identité est visible.")
    commune_code: str | None = Field(
        description="Code INSEE de la commune de résidence, si la rubrique coordonnées est visible."
    )
    sections: list[str] = Field(description="Rubriques du dossier visibles par l'appelant.")


class PersonPage(Schema):
    count: int = Field(description="Nombre total de personnes visibles correspondant à la recherche.")
    page: int
    page_size: int
    pages: int
    results: list[PersonListItem]


class CodeLabel(Schema):
    code: str
    label: str


class CommuneOut(Schema):
    code: str = Field(description="Code INSEE.")
    name: str


class IdentityOut(Schema):
    id: int
    last_name: str
    first_names: str
    full_name: str
    script: str = Field(description="Écriture (ISO 15924) : Latn, Arab, Cyrl, Ethi, Zyyy.")
    source: str
    is_reference: bool


class IdentitySection(Schema):
    display_name: str
    identities: list[IdentityOut]
    sex: str
    birth_date: date | None
    birth_date_precision: str = Field(
        description="day, month ou year : seule la partie connue de la date est significative."
    )
    birth_date_display: str
    birth_country: str
    birth_place: str
    nationalities: list[CodeLabel]


class ContactSection(Schema):
    phone: str
    email: str
    address: str
    commune: CommuneOut | None


class HouseholdMemberOut(Schema):
    id: int
    first_names: str
    last_name: str
    relationship: str
    birth_date: date | None


class FamilyAbroadOut(Schema):
    id: int
    first_names: str
    last_name: str
    relationship: str
    birth_date: date | None
    country: str
    declared_to_ofpra: bool
    visa_status: str
    visa_application_date: date | None
    consulate: str
    arrival_date: date | None


class FamilySection(Schema):
    household_id: int | None
    household_label: str
    household_members: list[HouseholdMemberOut]
    family_abroad: list[FamilyAbroadOut]


class ProtectionOut(Schema):
    id: int
    type: str
    deciding_body: str
    decision_date: date | None
    notification_date: date | None
    ofpra_number: str
    end_date: date | None


class ResidenceDocumentOut(Schema):
    id: int
    kind: str
    mention: str
    number: str
    issue_date: date
    expiry_date: date | None


class ProtectionSection(Schema):
    protections: list[ProtectionOut]
    residence_documents: list[ResidenceDocumentOut]


class SpokenLanguageOut(Schema):
    code: str = Field(description="ISO 639-3.")
    name: str
    proficiency: str


class FrenchAssessmentOut(Schema):
    id: int
    assessed_on: date
    level: str = Field(description="Niveau CECRL (NL, A0, A1… C2).")
    skill: str
    kind: str
    test_name: str


class LanguageSection(Schema):
    languages: list[SpokenLanguageOut]
    interpreting_needed: bool
    interpreting_language: str
    french_assessments: list[FrenchAssessmentOut]


class PathwayOut(Schema):
    id: int
    programme: str
    status: str
    operator: OrganisationOut
    referent_name: str | None
    oriented_by: str
    entry_date: date
    exit_date: date | None
    exit_reason: str


class SituationOut(Schema):
    id: int
    domain: str
    status: str
    status_label: str
    start_date: date
    end_date: date | None
    details: str
    commune_code: str | None


class NoteOut(Schema):
    id: int
    created_at: datetime
    author_name: str
    organisation: str
    confidentiality: str
    pathway_id: int | None
    body: str


class AppointmentOut(Schema):
    id: int
    subject: str
    starts_at: datetime
    ends_at: datetime
    location: str
    status: str
    interpreter_needed: bool
    organisation: str
    with_user_name: str
    pathway_id: int | None


class PersonDetail(Schema):
    id: int
    sections: list[str] = Field(description="Rubriques visibles par l'appelant ; les autres valent null.")
    identity: IdentitySection | None = None
    contact: ContactSection | None = None
    family: FamilySection | None = None
    protection: ProtectionSection | None = None
    language: LanguageSection | None = None
    pathways: list[PathwayOut] | None = Field(None, description="Rubrique « parcours ».")
    situations: list[SituationOut] | None = None
    journal: list[NoteOut] | None = Field(None, description="Les notes les plus récentes que l'appelant peut lire.")
    appointments: list[AppointmentOut] | None = None
