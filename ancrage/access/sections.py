"""The sections of a person's record, the unit of sharing.

A grant lists the sections an organisation may see; the sender of a referral or a consent chooses
them, minimal by default.

What each section holds is data: ``CONTENTS`` says which models, which domains of the dated
situation history and which deadline rules belong to which section. Every reader (record page, API,
export, tracks, deadlines, imports) asks this table instead of naming a section itself, so moving a
kind of data from one section to another is one line here (and a data migration of the grants).

Codes are plain strings ("app_label.ModelName", situation domains of ``persons.SituationDomain``,
rule codes of ``deadlines.RuleCode``) so that this module imports no model; a consistency test checks
that every model, domain and rule it names exists and that each belongs to exactly one section.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    IDENTITY = "identity", _("Identité")
    CONTACT = "contact", _("Coordonnées et commune")
    FAMILY = "family", _("Foyer et famille")
    PROTECTION = "protection", _("Protection et titres de séjour")
    RIGHTS = "rights", _("Droits : CAF et compte bancaire")
    LANGUAGE = "language", _("Langues et niveau de français")
    PATHWAY = "pathway", _("Parcours, diagnostic et plan")
    JOURNAL = "journal", _("Journal (notes partagées)")
    APPOINTMENTS = "appointments", _("Rendez-vous")
    HOUSING = "housing", _("Logement : situation, demandes SIAO et HLM, offres, mobilité")
    EMPLOYMENT_HISTORY = "employment_history", _("Emploi et formation : situations")
    EMPLOYMENT = "employment", _("Profil professionnel (diplômes, expériences, candidatures)")
    HEALTH = "health", _("Santé (couverture et orientations)")


ALL_SECTIONS: frozenset[str] = frozenset(Section.values)
# Without the identity section nothing else makes sense: every grant carries it.
MINIMAL_SECTIONS: frozenset[str] = frozenset({Section.IDENTITY})

# What a person who shares a section should know before ticking it (consent and referral forms).
HINTS: dict[str, object] = {
    Section.IDENTITY: _("Toujours partagée : noms, date de naissance, nationalités."),
    Section.CONTACT: _("Téléphone, courriel, adresse et commune de résidence."),
    Section.FAMILY: _("Composition du foyer et famille restée à l'étranger (réunification familiale)."),
    Section.PROTECTION: _("Statut de protection, numéro OFPRA, titres de séjour et leurs échéances."),
    Section.RIGHTS: _("Numéro d'allocataire et prestations CAF, démarches d'ouverture d'un compte bancaire."),
    Section.LANGUAGE: _("Langues parlées, niveau de français, CIR, formation civique et cours de français."),
    Section.PATHWAY: _("Parcours d'accompagnement, diagnostic, plan d'action et orientations."),
    Section.JOURNAL: _("Notes que l'équipe a choisi de partager."),
    Section.APPOINTMENTS: _("Rendez-vous passés et à venir."),
    Section.HOUSING: _(
        "Historique des situations de logement, demandes SIAO et de logement social (numéro unique), "
        "propositions (loyers), mobilité nationale, prolongations de séjour et leurs échéances."
    ),
    Section.EMPLOYMENT_HISTORY: _(
        "Historique daté des situations d'emploi, de formation et d'apprentissage du français. "
        "Ni le logement ni les droits."
    ),
    Section.EMPLOYMENT: _("Diplômes, expériences, métiers visés, permis de conduire, candidatures."),
    Section.HEALTH: _("Couverture maladie et orientations santé : seulement avec la permission santé."),
}


@dataclass(frozen=True)
class SectionContent:
    """What one section holds besides the fields its readers show directly."""

    models: frozenset[str] = field(default_factory=frozenset)  # "app_label.ModelName"
    situation_domains: tuple[str, ...] = ()  # persons.SituationDomain codes, in display order
    deadline_rules: frozenset[str] = field(default_factory=frozenset)  # deadlines.RuleCode codes


# The one table. Sections absent from it hold only what their readers show directly (identity...).
CONTENTS: dict[str, SectionContent] = {
    Section.IDENTITY: SectionContent(models=frozenset({"persons.Identity", "persons.Nationality"})),
    Section.FAMILY: SectionContent(models=frozenset({"persons.HouseholdMember", "persons.FamilyMemberAbroad"})),
    Section.PROTECTION: SectionContent(
        models=frozenset({"persons.Protection", "persons.ResidenceDocument"}),
        deadline_rules=frozenset({"residence_renewal"}),
    ),
    Section.RIGHTS: SectionContent(models=frozenset({"tracks.CafFile", "tracks.BankAccount"})),
    Section.LANGUAGE: SectionContent(
        models=frozenset(
            {
                "persons.PersonLanguage",
                "persons.FrenchAssessment",
                "tracks.CivicTraining",
                "tracks.LanguagePrescription",
                "tracks.LanguageCourse",
            }
        )
    ),
    Section.PATHWAY: SectionContent(deadline_rules=frozenset({"agir_first_interview", "accompaniment_end"})),
    Section.HOUSING: SectionContent(
        models=frozenset(
            {
                "tracks.SiaoRequest",
                "tracks.SocialHousingRequest",
                "tracks.HousingOffer",
                "tracks.MobilityCandidacy",
                "tracks.StayExtension",
            }
        ),
        situation_domains=("housing",),
        deadline_rules=frozenset({"asylum_housing_exit", "cph_end", "sne_renewal"}),
    ),
    Section.EMPLOYMENT_HISTORY: SectionContent(situation_domains=("employment", "training", "language")),
    Section.EMPLOYMENT: SectionContent(deadline_rules=frozenset({"licence_exchange"})),
    Section.HEALTH: SectionContent(
        models=frozenset({"tracks.HealthCoverage"}), deadline_rules=frozenset({"css_renewal"})
    ),
}


def _index(attribute: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for section, content in CONTENTS.items():
        for code in getattr(content, attribute):
            found[code] = section
    return found


MODEL_SECTIONS: dict[str, str] = _index("models")
SITUATION_DOMAIN_SECTIONS: dict[str, str] = _index("situation_domains")
RULE_SECTIONS: dict[str, str] = _index("deadline_rules")
# The sections that hold part of the dated situation history, in display order.
SITUATION_SECTIONS: tuple[str, ...] = tuple(
    s for s in Section.values if s in CONTENTS and CONTENTS[s].situation_domains
)


def _label(model: type[models.Model] | str) -> str:
    return model if isinstance(model, str) else model._meta.label


def section_of_model(model: type[models.Model] | str) -> str:
    """The section a kind of record item belongs to (KeyError for a model no section holds)."""
    return MODEL_SECTIONS[_label(model)]


def section_of_situation_domain(domain: str) -> str:
    return SITUATION_DOMAIN_SECTIONS[str(domain)]


def section_of_rule(code: str) -> str:
    """The section a deadline belongs to: the deadline is shown only to who sees that section."""
    return RULE_SECTIONS[str(code)]


def section_of_item(item: models.Model) -> str:
    """The section of one item: a situation by its domain, any other item by its model."""
    if item._meta.label == "persons.Situation":
        return section_of_situation_domain(getattr(item, "domain", ""))
    return section_of_model(type(item))


def situation_domains_in(sections: Iterable[str]) -> list[str]:
    """The situation domains the viewer of these sections sees, in the order of the table."""
    visible = set(sections)
    return [d for s in SITUATION_SECTIONS if s in visible for d in CONTENTS[s].situation_domains]


def rules_in(sections: Iterable[str]) -> set[str]:
    """The deadline rules whose deadlines the viewer of these sections sees."""
    visible = set(sections)
    return {code for code, section in RULE_SECTIONS.items() if section in visible}
