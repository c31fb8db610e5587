"""Demo data of the professional integration platform (domain.md §3.6), for ``seed_demo``.

``EmploymentSeeder`` is driven by ``ancrage.demo.generator.DemoGenerator``: ``setup()`` once (employers,
the ROME appellations, open opportunities), ``person()`` for each person accompanied in an AGIR pathway
(socio-professional profile, diplomas, experiences, target occupations, placements and follow-ups),
``finish()`` at the end (every opportunity, with its final status). Rows go through the generator's
batched writer; opportunities are kept in memory until ``finish()`` because their status depends on
the hirings of persons generated later (their ids are allocated up front, and foreign keys are only
checked at commit).

Placements never invent a situation: a hiring is derived from a contract (or a training course) of
the person's situation history, starting on the day that situation opens, so the employment and
training histories stay free of overlaps and the results pages agree with the placements.
"""

import hashlib
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ancrage.core.dates import add_months
from ancrage.core.enums import CEFRLevel
from ancrage.core.validators import luhn_ok
from ancrage.employment.models import (
    FOLLOW_UP_MONTHS,
    Availability,
    ContractType,
    Diploma,
    Employer,
    EmploymentProfile,
    FollowUp,
    LicenceStatus,
    Literacy,
    MobilityMeans,
    NotRetainedReason,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    Placement,
    PlacementStatus,
    PlacementTransition,
    QualificationLevel,
    RecognitionStatus,
    TargetOccupation,
    TrainingType,
    WorkExperience,
)
from ancrage.organisations.models import Organisation
from ancrage.rome.models import RomeAppellation
from ancrage.territory.models import Commune

PARIS = ZoneInfo("Europe/Paris")
OFII_DIRECTORATE = "Rennes"
# Placements are recorded on the platform for this long before today (older contracts were found
# before it existed): it keeps the number of past opportunities proportionate.
PLATFORM_DAYS = 540
OPEN_SHARE = 0.6  # share of opportunities still open
LEVELS = list(CEFRLevel.values)
RANK = {level: index for index, level in enumerate(LEVELS)}

# key -> (ROME code, OGR code of the appellation). Every pair is checked against the loaded ROME.
OCCUPATIONS: dict[str, tuple[str, int]] = {
    "macon": ("F1703", 16250),
    "aide_macon": ("F1704", 10879),
    "electricien": ("F1602", 14635),
    "peintre": ("F1606", 17619),
    "plaquiste": ("F1604", 17821),
    "carreleur": ("F1608", 11690),
    "menuisier_alu": ("F1607", 16612),
    "preparateur": ("N1103", 17993),
    "cariste": ("N1101", 11679),
    "magasinier": ("N1110", 16276),
    "manutentionnaire": ("N1105", 16355),
    "livreur": ("N4105", 13336),
    "poids_lourd": ("N4101", 13132),
    "taxi": ("N4112", 11992),
    "nettoyage_indus": ("K2204", 10537),
    "proprete": ("K2205", 10573),
    "valoriste": ("K2308", 20503),
    "commis": ("G1602", 12756),
    "employe_polyvalent": ("G1603", 14813),
    "plongeur": ("G1605", 17846),
    "cuisinier": ("G1609", 13861),
    "serveur": ("G1803", 19427),
    "employe_etage": ("G1501", 14793),
    "aide_soignant": ("J1501", 10891),
    "ash": ("J1301", 10698),
    "aide_domicile": ("K1304", 10805),
    "assistant_vie": ("K1302", 38087),
    "aes": ("K1306", 140949),
    "horticole": ("A1414", 17504),
    "maraicher": ("A1433", 16384),
    "ouvrier_agricole": ("A1419", 404033),
    "cueilleur": ("A1401", 13855),
    "espaces_verts": ("A1203", 17480),
    "agro_production": ("H2105", 10567),
    "agro_ligne": ("H2102", 12985),
    "conditionnement": ("H3302", 10405),
    "assembleur": ("H2909", 10535),
    "soudeur": ("H2913", 19458),
    "couturier": ("B1803", 13812),
    "epicier": ("D1106", 20540),
    "vendeur_fruits": ("D1106", 20525),
    "employe_rayon": ("D1507", 14778),
    "boulanger": ("D1102", 11573),
    "boucher": ("D1101", 11564),
    "coiffeur": ("D1202", 12688),
    "mecanicien": ("I1604", 16446),
    "agent_entretien": ("I1203", 10679),
    "agent_securite": ("K2503", 10599),
    "enseignant": ("K2106", 14853),
}

# Occupations employers of the Rennes area struggle to fill (targets of most persons).
SHORTAGE = (
    ("macon", 6),
    ("aide_macon", 6),
    ("electricien", 3),
    ("peintre", 4),
    ("plaquiste", 2),
    ("preparateur", 7),
    ("cariste", 4),
    ("manutentionnaire", 4),
    ("magasinier", 2),
    ("nettoyage_indus", 3),
    ("proprete", 8),
    ("commis", 6),
    ("employe_polyvalent", 4),
    ("plongeur", 4),
    ("aide_soignant", 4),
    ("ash", 4),
    ("aide_domicile", 6),
    ("assistant_vie", 2),
    ("horticole", 2),
    ("maraicher", 3),
    ("ouvrier_agricole", 3),
    ("agro_production", 4),
    ("agro_ligne", 2),
    ("conditionnement", 3),
    ("soudeur", 2),
    ("livreur", 3),
)
MALE_LEANING = frozenset(
    {
        "macon",
        "aide_macon",
        "electricien",
        "plaquiste",
        "carreleur",
        "menuisier_alu",
        "cariste",
        "poids_lourd",
        "taxi",
        "livreur",
        "soudeur",
        "mecanicien",
        "agent_securite",
        "boucher",
        "manutentionnaire",
    }
)

# Occupations exercised before arrival, by nationality (domain.md §3.6: "realistic ROME histories").
ORIGIN_EXPERIENCE: dict[str, tuple[tuple[str, float], ...]] = {
    "AF": (
        ("ouvrier_agricole", 25),
        ("maraicher", 10),
        ("aide_macon", 15),
        ("macon", 10),
        ("couturier", 12),
        ("poids_lourd", 8),
        ("taxi", 5),
        ("epicier", 6),
        ("boulanger", 4),
        ("mecanicien", 5),
        ("enseignant", 3),
    ),
    "SD": (
        ("ouvrier_agricole", 25),
        ("aide_macon", 15),
        ("proprete", 10),
        ("epicier", 10),
        ("poids_lourd", 8),
        ("mecanicien", 6),
        ("manutentionnaire", 8),
    ),
    "SY": (
        ("epicier", 15),
        ("vendeur_fruits", 5),
        ("commis", 10),
        ("cuisinier", 10),
        ("macon", 12),
        ("carreleur", 8),
        ("coiffeur", 6),
        ("couturier", 6),
        ("mecanicien", 6),
        ("enseignant", 5),
        ("electricien", 5),
    ),
    "ER": (
        ("ouvrier_agricole", 25),
        ("aide_macon", 15),
        ("proprete", 15),
        ("manutentionnaire", 10),
        ("couturier", 5),
        ("mecanicien", 5),
    ),
    "GN": (
        ("epicier", 20),
        ("aide_macon", 15),
        ("macon", 10),
        ("couturier", 8),
        ("taxi", 6),
        ("mecanicien", 8),
        ("ouvrier_agricole", 10),
        ("coiffeur", 5),
    ),
    "TR": (
        ("macon", 10),
        ("carreleur", 8),
        ("couturier", 12),
        ("commis", 10),
        ("cuisinier", 8),
        ("epicier", 10),
        ("boulanger", 6),
        ("soudeur", 6),
    ),
    "CI": (
        ("epicier", 15),
        ("vendeur_fruits", 5),
        ("coiffeur", 10),
        ("aide_macon", 10),
        ("commis", 10),
        ("taxi", 8),
        ("couturier", 8),
        ("agent_securite", 8),
    ),
    "CD": (
        ("epicier", 12),
        ("agent_securite", 10),
        ("enseignant", 8),
        ("aide_domicile", 8),
        ("mecanicien", 8),
        ("taxi", 8),
        ("couturier", 6),
        ("aide_macon", 10),
    ),
    "SO": (
        ("ouvrier_agricole", 15),
        ("epicier", 15),
        ("poids_lourd", 8),
        ("aide_macon", 10),
        ("couturier", 6),
        ("cuisinier", 6),
    ),
    "BD": (("cuisinier", 15), ("commis", 15), ("couturier", 15), ("epicier", 10), ("serveur", 8)),
    "GE": (
        ("macon", 10),
        ("poids_lourd", 12),
        ("mecanicien", 10),
        ("aide_domicile", 8),
        ("cuisinier", 6),
        ("enseignant", 6),
    ),
    "IR": (
        ("enseignant", 8),
        ("couturier", 10),
        ("mecanicien", 8),
        ("macon", 8),
        ("epicier", 8),
        ("cuisinier", 8),
        ("electricien", 6),
    ),
    "ML": (("ouvrier_agricole", 20), ("aide_macon", 15), ("epicier", 10), ("couturier", 6), ("plongeur", 6)),
    "RU": (
        ("macon", 8),
        ("poids_lourd", 10),
        ("mecanicien", 10),
        ("soudeur", 8),
        ("enseignant", 6),
        ("aide_domicile", 6),
    ),
    "ET": (("ouvrier_agricole", 20), ("aide_macon", 12), ("proprete", 10), ("cuisinier", 8), ("couturier", 6)),
}
DEFAULT_EXPERIENCE = (("epicier", 10), ("mecanicien", 10), ("macon", 10), ("poids_lourd", 8), ("cuisinier", 8))
# Years of schooling: (years, weight) by nationality; Latin-script nationalities read the Latin alphabet.
SCHOOLING: dict[str, tuple[tuple[int, float], ...]] = {
    "AF": ((0, 25), (3, 15), (6, 20), (9, 15), (12, 18), (16, 7)),
    "SD": ((0, 15), (4, 15), (8, 25), (12, 30), (16, 15)),
    "ER": ((0, 12), (5, 25), (8, 30), (11, 25), (15, 8)),
    "SO": ((0, 25), (4, 25), (8, 25), (12, 20), (16, 5)),
    "ML": ((0, 30), (4, 25), (8, 20), (12, 20), (16, 5)),
    "GN": ((0, 20), (5, 20), (9, 25), (13, 25), (16, 10)),
}
DEFAULT_SCHOOLING = ((0, 5), (6, 15), (9, 25), (12, 35), (16, 20))
LATIN_SCRIPT = frozenset({"GN", "CI", "CD", "ML", "TR", "SO"})

# The situation details written by the history generator (demo.texts) -> occupation.
SITUATION_OCCUPATION = {
    "Agent de propreté": "proprete",
    "Aide-maçon": "aide_macon",
    "Commis de cuisine": "commis",
    "Préparateur de commandes": "preparateur",
    "Aide à domicile": "aide_domicile",
    "Plongeur en restauration": "plongeur",
    "Manutentionnaire": "manutentionnaire",
    "Chauffeur-livreur": "livreur",
    "Agent de sécurité": "agent_securite",
    "Employé polyvalent de restauration": "employe_polyvalent",
    "Ouvrier agricole": "ouvrier_agricole",
    "Soudeur": "soudeur",
    "Carreleur": "carreleur",
    "Peintre en bâtiment": "peintre",
    "Retouches en atelier de couture": "couturier",
    "Agent de service hospitalier": "ash",
    "Boulanger": "boulanger",
    "Mécanicien automobile": "mecanicien",
    "Maraîchage — chantier d'insertion": "maraicher",
    "Agent de propreté — entreprise d'insertion": "proprete",
    "Atelier textile — Espero": "couturier",
    "Recyclerie — atelier chantier d'insertion": "valoriste",
    "Apprentissage — CAP cuisine": "commis",
    "Contrat de professionnalisation — maçon (GEIQ BTP 35)": "macon",
    "Apprentissage — électricien": "electricien",
    "Contrat de professionnalisation — aide-soignant": "aide_soignant",
    "Parcours HOPE — AFPA Rennes (métiers du bâtiment)": "aide_macon",
    "Parcours HOPE — AFPA Rennes (logistique)": "preparateur",
    "POEC agent de propreté et d'hygiène": "proprete",
    "POEC préparateur de commandes": "preparateur",
    "POEC commis de cuisine": "commis",
    "Titre professionnel cuisinier": "cuisinier",
    "CAP agent de propreté et d'hygiène": "proprete",
    "Titre professionnel maçon": "macon",
    "CACES R489 (cariste)": "cariste",
    "DEAES (accompagnant éducatif et social)": "aes",
    "Titre professionnel agent de restauration": "employe_polyvalent",
}
# Training sessions: title -> (training type, publishing organisation, minimum French level, days).
TRAINING_SESSIONS: dict[str, tuple[str, str, str, int]] = {
    "Parcours HOPE — AFPA Rennes (métiers du bâtiment)": (TrainingType.HOPE, "afpa", "A1", 270),
    "Parcours HOPE — AFPA Rennes (logistique)": (TrainingType.HOPE, "afpa", "A1", 270),
    "Français à visée professionnelle — CLPS": (TrainingType.WORK_FRENCH, "clps", "A1", 120),
    "Français à visée professionnelle — GRETA": (TrainingType.WORK_FRENCH, "greta", "A1", 140),
    "POEC agent de propreté et d'hygiène": (TrainingType.POEC, "france_travail", "A2", 80),
    "POEC préparateur de commandes": (TrainingType.POEC, "france_travail", "A2", 80),
    "POEC commis de cuisine": (TrainingType.POEC, "france_travail", "A2", 90),
    "Prépa Avenir — Région Bretagne": (TrainingType.PRE_QUALIFYING, "greta", "A1", 120),
    "Prépa Clés — Région Bretagne": (TrainingType.PRE_QUALIFYING, "clps", "A1", 150),
    "Titre professionnel cuisinier": (TrainingType.QUALIFYING, "afpa", "A2", 300),
    "CAP agent de propreté et d'hygiène": (TrainingType.QUALIFYING, "greta", "A2", 240),
    "Titre professionnel maçon": (TrainingType.QUALIFYING, "afpa", "A2", 300),
    "CACES R489 (cariste)": (TrainingType.QUALIFYING, "afpa", "A2", 10),
    "DEAES (accompagnant éducatif et social)": (TrainingType.QUALIFYING, "greta", "B1", 360),
    "Titre professionnel agent de restauration": (TrainingType.QUALIFYING, "afpa", "A2", 200),
}
# Situation statuses that a placement may open: employment statuses are contract types, training
# statuses (and the language "work_french") are training types.
EMPLOYMENT_CONTRACTS: dict[str, str] = {
    "cdi": ContractType.CDI,
    "cdd_long": ContractType.CDD_LONG,
    "cdd_short": ContractType.CDD_SHORT,
    "interim": ContractType.INTERIM,
    "iae": ContractType.IAE,
    "work_study": ContractType.WORK_STUDY,
}
TRAINING_STATUSES = {"hope", "poec", "pre_qualifying", "qualifying"}
CONTRACT_DAYS: dict[str, tuple[int, int]] = {
    ContractType.CDD_LONG: (183, 365),
    ContractType.CDD_SHORT: (30, 170),
    ContractType.INTERIM: (10, 90),
    ContractType.IAE: (120, 720),
    ContractType.WORK_STUDY: (365, 730),
}
MIN_FRENCH = {
    "aide_soignant": "B1",
    "aes": "B1",
    "assistant_vie": "A2",
    "aide_domicile": "A2",
    "electricien": "A2",
    "cariste": "A2",
    "magasinier": "A2",
    "agent_securite": "B1",
    "serveur": "A2",
    "livreur": "A2",
}
LICENCE_NEEDED = frozenset({"livreur", "poids_lourd", "aide_domicile", "espaces_verts", "electricien"})


@dataclass(frozen=True)
class EmployerSpec:
    name: str
    sector: str
    occupations: tuple[str, ...]
    commune: str
    organisation: str = "france_travail"
    commitments: str = ""
    interim: bool = False
    iae: bool = False


CHARTER = "Charte « Entreprises engagées pour l'intégration des réfugiés » signée."
TUTORING = "Tutorat : un salarié référent accompagne chaque nouvel embauché pendant trois mois."
EMPLOYERS: tuple[EmployerSpec, ...] = (
    EmployerSpec(
        "Maçonnerie Le Gall et Fils",
        "Gros œuvre",
        ("macon", "aide_macon"),
        "35047",
        commitments=f"{CHARTER} {TUTORING}",
    ),
    EmployerSpec("Élec'Armor Rennes", "Électricité du bâtiment", ("electricien",), "35051"),
    EmployerSpec("Entrepôts Armor Distribution", "Logistique et entreposage", ("preparateur", "cariste"), "35281"),
    EmployerSpec(
        "Propreté Bretagne Services",
        "Propreté et services associés",
        ("proprete", "nettoyage_indus"),
        "35238",
        commitments=f"{CHARTER} Postes à temps partiel regroupés pour atteindre 28 h par semaine.",
    ),
    EmployerSpec(
        "Cuisine centrale de Rennes Sud",
        "Restauration collective",
        ("commis", "plongeur", "employe_polyvalent"),
        "35281",
        organisation="agir",
        commitments="Deux recrutements par an réservés aux personnes accompagnées par AGIR. " + TUTORING,
    ),
    EmployerSpec("EHPAD Les Tilleuls", "Hébergement de personnes âgées", ("aide_soignant", "ash"), "35024"),
    EmployerSpec(
        "Aide et Domicile Rennes Métropole",
        "Aide à domicile",
        ("aide_domicile", "assistant_vie", "aes"),
        "35238",
        commitments="Financement du permis B pour les intervenantes embauchées en CDI.",
    ),
    EmployerSpec("Les Serres de Saint-Jacques", "Horticulture sous serre", ("horticole",), "35281"),
    EmployerSpec(
        "Salaisons de la Seiche",
        "Industrie agroalimentaire",
        ("agro_production", "conditionnement"),
        "35352",
        commitments=CHARTER,
    ),
    EmployerSpec(
        "Les Potagers solidaires de la Prévalaye",
        "Chantier d'insertion — maraîchage",
        ("maraicher", "ouvrier_agricole"),
        "35238",
        organisation="espero",
        iae=True,
    ),
    EmployerSpec(
        "Intérim Solidaire Rennes (ETTI)",
        "Entreprise de travail temporaire d'insertion",
        ("manutentionnaire", "preparateur", "aide_macon", "proprete"),
        "35238",
        organisation="agir",
        interim=True,
    ),
    EmployerSpec(
        "Espero — atelier textile",
        "Atelier et chantier d'insertion — couture",
        ("couturier",),
        "35238",
        organisation="espero",
        iae=True,
    ),
    EmployerSpec(
        "Tri Ouest Insertion",
        "Entreprise d'insertion — tri et valorisation",
        ("valoriste", "proprete"),
        "35281",
        organisation="sbl",
        iae=True,
    ),
    EmployerSpec(
        "GEIQ BTP 35",
        "Groupement d'employeurs pour l'insertion et la qualification",
        ("macon", "electricien", "aide_macon", "peintre"),
        "35238",
        commitments="Contrats de professionnalisation avec tutorat et formation au français technique.",
    ),
    EmployerSpec("Peintures et Décors de la Vilaine", "Peinture et finitions", ("peintre", "plaquiste"), "35281"),
    EmployerSpec(
        "Logistique du Grand Ouest", "Plateforme logistique", ("preparateur", "cariste", "magasinier"), "35240"
    ),
    EmployerSpec("Net'Ouest Propreté", "Nettoyage industriel", ("nettoyage_indus", "proprete"), "35051"),
    EmployerSpec("Brasserie Le Parlement", "Restauration traditionnelle", ("commis", "plongeur", "serveur"), "35238"),
    EmployerSpec("Résidence du Landry", "EHPAD", ("aide_soignant", "ash"), "35238", commitments=TUTORING),
    EmployerSpec("Maraîchers du Pays de Rennes", "Maraîchage", ("maraicher", "ouvrier_agricole"), "35210"),
    EmployerSpec("Biscuiterie de Chantepie", "Biscuiterie industrielle", ("agro_ligne", "conditionnement"), "35055"),
    EmployerSpec("Mécanique de Précision Chartraine", "Construction mécanique", ("assembleur", "soudeur"), "35066"),
    EmployerSpec("Messageries Rennaises", "Transport et messagerie", ("livreur", "manutentionnaire"), "35066"),
    EmployerSpec(
        "Ouest Intérim Bâtiment",
        "Travail temporaire",
        ("macon", "aide_macon", "peintre", "cariste", "manutentionnaire"),
        "35238",
        interim=True,
    ),
    EmployerSpec("Hôtel des Champs Libres", "Hôtellerie", ("employe_etage", "plongeur"), "35238"),
    EmployerSpec("Vergers de la Flume", "Arboriculture", ("cueilleur", "ouvrier_agricole"), "35210"),
    EmployerSpec("Paysages d'Ille", "Aménagement paysager", ("espaces_verts",), "35206"),
    EmployerSpec("Carrelages Morvan", "Revêtements de sols et murs", ("carreleur",), "35055"),
    EmployerSpec("Alu Menuiseries de l'Ouest", "Menuiserie aluminium", ("menuisier_alu",), "35066"),
    EmployerSpec("Transports Guéguen", "Transport routier de marchandises", ("poids_lourd", "livreur"), "35352"),
    EmployerSpec("Vivre chez Soi 35", "Services à la personne", ("aide_domicile",), "35055"),
    EmployerSpec("Laiterie coopérative du Pays de Rennes", "Industrie laitière", ("agro_ligne",), "35066"),
    EmployerSpec("Épicerie du Monde Sainte-Anne", "Commerce alimentaire", ("epicier", "vendeur_fruits"), "35238"),
    EmployerSpec("Supermarché des Longs Champs", "Grande distribution", ("employe_rayon",), "35238"),
    EmployerSpec("Le Fournil de Bréquigny", "Boulangerie", ("boulanger",), "35238"),
    EmployerSpec("Boucherie Halles Centrales", "Boucherie", ("boucher",), "35238"),
    EmployerSpec("Garage Autos Vilaine", "Réparation automobile", ("mecanicien",), "35281"),
    EmployerSpec("Sécurité Gardiennage Ouest", "Sécurité privée", ("agent_securite",), "35238"),
    EmployerSpec("Le Comptoir des Lices", "Restauration", ("cuisinier", "commis", "plongeur"), "35238"),
    EmployerSpec("RestoRapide Cleunay", "Restauration rapide", ("employe_polyvalent",), "35238"),
    EmployerSpec(
        "Régie de quartier des Champs Manceaux",
        "Régie de quartier — chantier d'insertion",
        ("proprete", "espaces_verts", "agent_entretien"),
        "35238",
        organisation="agir",
        iae=True,
    ),
    EmployerSpec("Salon Coiffure Colombier", "Coiffure", ("coiffeur",), "35238"),
    EmployerSpec("Tôlerie Soudure Bretonne", "Chaudronnerie", ("soudeur",), "35334"),
    EmployerSpec("Pépinières du Rheu", "Pépinière", ("horticole",), "35240"),
    EmployerSpec("Centre de soins de Beauregard", "Établissement de santé", ("ash", "aide_soignant"), "35238"),
)
NOT_RETAINED = (
    (NotRetainedReason.FRENCH_LEVEL, 22),
    (NotRetainedReason.EXPERIENCE, 18),
    (NotRetainedReason.AVAILABILITY, 12),
    (NotRetainedReason.MOBILITY, 12),
    (NotRetainedReason.NO_SHOW, 8),
    (NotRetainedReason.PERSON_DECLINED, 8),
    (NotRetainedReason.EMPLOYER_CHOICE, 18),
    (NotRetainedReason.OTHER, 2),
)
WITHDRAWN_REASONS = (
    "La personne a trouvé un emploi par ailleurs.",
    "Offre retirée par l'employeur.",
    "Déménagement hors de la métropole.",
    "Reprise d'une formation linguistique à temps plein.",
)


class RomeNotLoaded(Exception):
    """The ROME appellations the demo uses are missing: run ``load_rome`` first."""


def rome_missing_message() -> str:
    return "Le ROME n'est pas chargé : lancez d'abord « manage.py load_rome » (make run et make demo le font)."


def weighted(rng: random.Random, choices: Sequence[tuple[Any, float]]) -> Any:
    total = sum(w for _, w in choices)
    point = rng.random() * total
    for value, w in choices:
        point -= w
        if point < 0:
            return value
    return choices[-1][0]


def rint(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def employer_siret(name: str, establishment: int = 0) -> str:
    """A synthetic SIRET passing the Luhn check, derived from the name (same SIREN for every site)."""
    digits = "".join(str(b % 10) for b in hashlib.sha256(f"employer:{name}".encode()).digest())
    siren = _luhn_complete("4" + digits[:7])
    nic = f"{(int(digits[7:10]) + establishment * 17) % 1000:03d}1"[:4]
    return _luhn_complete(siren + nic)


def _luhn_complete(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


def employer_count(persons: int) -> int:
    """About 40 employers for 5,000 persons, growing with the square root beyond."""
    return max(24, round(40 * (max(persons, 1) / 5000) ** 0.5))


def status_on(segments: Sequence[Any], day: date) -> str | None:
    status = None
    for s in segments:
        if s.start <= day:
            status = s.status
    return status


@dataclass
class OpportunityDraft:
    """An opportunity being built: written by ``finish()`` once every placement is known."""

    id: int
    kind: str
    title: str
    organisation_id: int
    occupation: str | None
    employer_id: int | None
    contract_type: str
    training_type: str
    hours: Decimal
    commune_id: str | None
    start: date | None
    end: date | None
    min_french: str
    licence: bool
    seats: int
    opened_on: date
    keep_open: bool = False
    hired: list[date] = field(default_factory=list)
    last_activity: date | None = None
    description: str = ""
    prerequisites: str = ""


@dataclass
class PathwayContext:
    """What the seeder needs of the AGIR pathway being written."""

    pathway_id: int
    operator_id: int
    referent_id: int
    entry: date
    exit_day: date | None
    reached: dict[str, date]
    is_open: bool


class EmploymentSeeder:
    def __init__(
        self, *, writer: Any, orgs: dict[str, Organisation], communes: dict[str, Commune], today: date, persons: int
    ) -> None:
        self.w = writer
        self.orgs = orgs
        self.communes = communes
        self.today = today
        self.n = persons
        self.drafts: list[OpportunityDraft] = []
        self.buckets: dict[tuple, list[OpportunityDraft]] = defaultdict(list)
        self.by_month: dict[int, list[OpportunityDraft]] = defaultdict(list)
        self.open_pool: list[OpportunityDraft] = []
        self.platform_start = today - timedelta(days=PLATFORM_DAYS)

    # Setup ----------------------------------------------------------------------------------------------

    def setup(self, rng: random.Random) -> dict[str, int]:
        self._load_appellations()
        created = self._ensure_employers()
        for _ in range(max(12, self.n // 25)):
            self._open_draft(rng)
        return {"employment.Employer": created}

    def _load_appellations(self) -> None:
        rows = RomeAppellation.objects.filter(code_ogr__in=[ogr for _code, ogr in OCCUPATIONS.values()]).values_list(
            "code_ogr", "pk", "occupation__code"
        )
        found = {ogr: (pk, code) for ogr, pk, code in rows}
        if not found:
            raise RomeNotLoaded(rome_missing_message())
        self.appellation: dict[str, tuple[int, str]] = {}
        for key, (code, ogr) in OCCUPATIONS.items():
            if ogr not in found or found[ogr][1] != code:
                raise RomeNotLoaded(f"Appellation ROME {ogr} ({code}) introuvable : rechargez le ROME (load_rome).")
            self.appellation[key] = (found[ogr][0], code)

    def _employer_specs(self) -> list[tuple[EmployerSpec, int, str]]:
        """(spec, establishment number, commune) for the employers of a demo of this size."""
        count = employer_count(self.n)
        specs: list[tuple[EmployerSpec, int, str]] = [(spec, 0, spec.commune) for spec in EMPLOYERS[:count]]
        extra_communes = sorted(c for c in self.communes if c != "35238")
        index = 0
        while len(specs) < count:
            spec = EMPLOYERS[index % len(EMPLOYERS)]
            site = 1 + index // len(EMPLOYERS)
            commune = extra_communes[(index * 7 + site) % len(extra_communes)] if extra_communes else spec.commune
            specs.append((spec, site, commune))
            index += 1
        return specs

    def _ensure_employers(self) -> int:
        """Employers are created once (found again by SIRET) and shared by later runs."""
        from ancrage.demo.names import FRENCH_STAFF_FIRST, FRENCH_STAFF_LAST
        from ancrage.demo.texts import OTHER_STREETS, RENNES_STREETS

        specs = self._employer_specs()
        sirets = [employer_siret(spec.name, site) for spec, site, _c in specs]
        existing = {e.siret: e for e in Employer.objects.filter(siret__in=sirets)}
        new = []
        for index, ((spec, site, commune), siret) in enumerate(zip(specs, sirets, strict=True)):
            if siret in existing:
                continue
            commune_obj = self.communes.get(commune) or self.communes.get("35238")
            name = spec.name
            if site:
                name = f"{spec.name} — établissement de {commune_obj.name if commune_obj else commune}"
            streets = RENNES_STREETS if commune == "35238" else OTHER_STREETS
            slug = "".join(ch for ch in siret[:9])
            new.append(
                Employer(
                    name=name,
                    siret=siret,
                    sector=spec.sector,
                    commune=commune_obj,
                    address=f"{(index * 13) % 90 + 2} {streets[index % len(streets)]}",
                    contact_name=f"{FRENCH_STAFF_FIRST[(index * 5) % len(FRENCH_STAFF_FIRST)]} "
                    f"{FRENCH_STAFF_LAST[(index * 3 + 1) % len(FRENCH_STAFF_LAST)]}",
                    contact_email=f"recrutement.{slug}@example.org",
                    contact_phone=f"02 99 {20 + index % 70:02d} {(index * 37) % 100:02d} {(index * 11) % 100:02d}",
                    commitments=spec.commitments,
                    organisation=self.orgs[spec.organisation],
                )
            )
        Employer.objects.bulk_create(new)
        employers = {e.siret: e for e in Employer.objects.filter(siret__in=sirets)}
        self.employers: list[tuple[EmployerSpec, Employer]] = [
            (spec, employers[siret]) for (spec, _site, _c), siret in zip(specs, sirets, strict=True)
        ]
        self.by_occupation: dict[str, list[tuple[EmployerSpec, Employer]]] = defaultdict(list)
        for spec, employer in self.employers:
            for key in spec.occupations:
                self.by_occupation[key].append((spec, employer))
        return len(new)

    def _employer_for(self, rng: random.Random, occupation: str, contract: str) -> tuple[EmployerSpec, Employer]:
        candidates = self.by_occupation.get(occupation) or [
            (s, e) for s, e in self.employers if not s.iae and not s.interim
        ]
        if contract == ContractType.IAE:
            candidates = [c for c in candidates if c[0].iae] or [c for c in self.employers if c[0].iae] or candidates
        elif contract == ContractType.INTERIM:
            candidates = [c for c in candidates if c[0].interim] or candidates
        else:
            candidates = [c for c in candidates if not c[0].iae] or candidates
        return candidates[int(rng.random() * len(candidates))]

    # Opportunities --------------------------------------------------------------------------------------

    def _new_draft(
        self,
        rng: random.Random,
        *,
        kind: str,
        occupation: str | None,
        contract: str = "",
        training_title: str = "",
        start: date | None,
        opened_on: date,
        keep_open: bool = False,
    ) -> OpportunityDraft:
        table = self.w.tables[Opportunity]
        draft_id = table.next_id
        table.next_id += 1
        if kind == OpportunityKind.TRAINING:
            training_type, publisher, french, days = TRAINING_SESSIONS[training_title]
            end = start + timedelta(days=days) if start else None
            draft = OpportunityDraft(
                id=draft_id,
                kind=kind,
                title=training_title,
                organisation_id=self.orgs[publisher].pk,
                occupation=occupation,
                employer_id=None,
                contract_type="",
                training_type=training_type,
                hours=Decimal(35 if training_type != TrainingType.WORK_FRENCH else 20),
                commune_id=self._commune_code("35238"),
                start=start,
                end=end,
                min_french=french,
                licence=False,
                seats=rint(rng, 8, 16),
                opened_on=opened_on,
                keep_open=keep_open,
                description=f"Session de {days} jours, à Rennes. Entrées et sorties accompagnées par le référent.",
                prerequisites="Inscription à France Travail. Positionnement linguistique préalable.",
            )
        else:
            assert occupation is not None
            spec, employer = self._employer_for(rng, occupation, contract)
            label = OCCUPATION_TITLES.get(occupation, occupation)
            part_time = occupation in ("proprete", "aide_domicile", "employe_polyvalent") and rng.random() < 0.5
            end = None
            if start and contract in CONTRACT_DAYS:
                end = start + timedelta(days=rint(rng, *CONTRACT_DAYS[contract]))
            title = f"{label} ({ContractType(contract).label})"
            publisher = spec.organisation if kind == OpportunityKind.IAE else rng.choice(("france_travail", "agir"))
            seats = 1 if contract in (ContractType.CDI, ContractType.CDD_LONG) else rint(rng, 1, 4)
            draft = OpportunityDraft(
                id=draft_id,
                kind=kind,
                title=title,
                organisation_id=self.orgs[publisher].pk,
                occupation=occupation,
                employer_id=employer.pk,
                contract_type=contract,
                training_type="",
                hours=Decimal(24 if part_time else 35),
                commune_id=employer.commune_id,
                start=start,
                end=end,
                min_french=MIN_FRENCH.get(occupation, "A1" if rng.random() < 0.6 else ""),
                licence=occupation in LICENCE_NEEDED and rng.random() < 0.8,
                seats=seats,
                opened_on=opened_on,
                keep_open=keep_open,
                description=f"{employer.name} recrute : {label.lower()}, {employer.sector.lower()}.",
                prerequisites="Débutant accepté, formation au poste assurée." if rng.random() < 0.5 else "",
            )
        self.drafts.append(draft)
        self.by_month[self._month(opened_on)].append(draft)
        if keep_open:
            self.open_pool.append(draft)
        return draft

    def _commune_code(self, code: str) -> str | None:
        commune = self.communes.get(code)
        return commune.pk if commune else None

    def _month(self, day: date) -> int:
        return day.year * 12 + day.month

    def _open_draft(self, rng: random.Random) -> OpportunityDraft:
        """An opportunity open today: a job, an IAE position or a training session to come."""
        kind = weighted(rng, [(OpportunityKind.JOB, 60), (OpportunityKind.IAE, 15), (OpportunityKind.TRAINING, 25)])
        opened = self.today - timedelta(days=rint(rng, 0, 75))
        if kind == OpportunityKind.TRAINING:
            title = rng.choice(sorted(TRAINING_SESSIONS))
            start = self.today + timedelta(days=rint(rng, 10, 90))
            return self._new_draft(
                rng,
                kind=kind,
                occupation=SITUATION_OCCUPATION.get(title),
                training_title=title,
                start=start,
                opened_on=opened,
                keep_open=True,
            )
        if kind == OpportunityKind.IAE:
            occupation = rng.choice(sorted({o for s, _e in self.employers if s.iae for o in s.occupations}))
            contract = ContractType.IAE
        else:
            occupation = weighted(rng, SHORTAGE)
            contract = weighted(
                rng,
                [
                    (ContractType.CDI, 20),
                    (ContractType.CDD_LONG, 25),
                    (ContractType.CDD_SHORT, 25),
                    (ContractType.INTERIM, 25),
                    (ContractType.WORK_STUDY, 5),
                ],
            )
        start = self.today + timedelta(days=rint(rng, 7, 60))
        return self._new_draft(
            rng, kind=kind, occupation=occupation, contract=contract, start=start, opened_on=opened, keep_open=True
        )

    def _draft_for_hire(
        self, rng: random.Random, *, status: str, details: str, start: date, proposed: date
    ) -> OpportunityDraft:
        """The opportunity behind a contract or a course of the history (shared when seats remain)."""
        if status in EMPLOYMENT_CONTRACTS:
            contract = EMPLOYMENT_CONTRACTS[status]
            kind = OpportunityKind.IAE if contract == ContractType.IAE else OpportunityKind.JOB
            occupation = SITUATION_OCCUPATION.get(details) or weighted(rng, SHORTAGE)
            key: tuple = (kind, contract, occupation, self._month(start))
            title = ""
        else:
            kind, contract, title = OpportunityKind.TRAINING, "", details
            if title not in TRAINING_SESSIONS:
                title = rng.choice([t for t, spec in TRAINING_SESSIONS.items() if spec[0] == status])
            occupation = SITUATION_OCCUPATION.get(title)
            key = (kind, title, self._month(start) // 3)
        for draft in self.buckets[key]:
            if len(draft.hired) < draft.seats:
                break
        else:
            opened = proposed - timedelta(days=rint(rng, 3, 40))
            draft = self._new_draft(
                rng,
                kind=kind,
                occupation=occupation,
                contract=contract,
                training_title=title,
                start=start,
                opened_on=opened,
            )
            if kind != OpportunityKind.TRAINING:
                draft.seats = 1 if rng.random() < 0.75 else 2
            self.buckets[key].append(draft)
        draft.opened_on = min(draft.opened_on, proposed)
        if draft.start is None or start < draft.start:
            if draft.end is not None and draft.start is not None:
                draft.end = draft.end - (draft.start - start)
            draft.start = start
        return draft

    def _draft_around(self, rng: random.Random, day: date, targets: list[str]) -> OpportunityDraft:
        """An opportunity open around ``day`` for a proposal that did not lead to a hiring."""
        month = self._month(day)
        candidates = [
            d for m in (month - 1, month) for d in self.by_month.get(m, ()) if d.opened_on <= day and not d.keep_open
        ]
        preferred = [d for d in candidates if d.occupation in targets]
        if preferred and rng.random() < 0.8:
            return preferred[int(rng.random() * len(preferred))]
        if candidates and rng.random() < 0.8:
            return candidates[int(rng.random() * len(candidates))]
        occupation = rng.choice(targets) if targets else weighted(rng, SHORTAGE)
        contract = weighted(
            rng, [(ContractType.CDI, 15), (ContractType.CDD_LONG, 25), (ContractType.CDD_SHORT, 30), ("interim", 30)]
        )
        return self._new_draft(
            rng,
            kind=OpportunityKind.JOB,
            occupation=occupation,
            contract=contract,
            start=day + timedelta(days=rint(rng, 10, 40)),
            opened_on=day - timedelta(days=rint(rng, 3, 30)),
        )

    # Persons --------------------------------------------------------------------------------------------

    def person(
        self,
        rng: random.Random,
        *,
        person_id: int,
        origin: str,
        country: str,
        sex: str,
        birth: date,
        decision: date,
        level: str,
        first_level: str,
        children: bool,
        pathway: PathwayContext,
        histories: dict[str, list[Any]],
    ) -> None:
        diagnosed = pathway.reached.get("diagnostic")
        if diagnosed is None or rng.random() < 0.08:
            return
        age = (self.today - birth).days // 365
        created = at(diagnosed, 11)
        targets = self._profile(
            rng,
            person_id,
            origin,
            country,
            sex,
            age,
            decision,
            level,
            first_level,
            children,
            diagnosed,
            histories,
            created,
        )
        if pathway.reached.get("accompaniment") is None:
            return
        self._placements(rng, person_id, pathway, histories, targets)

    def _profile(
        self,
        rng: random.Random,
        person_id: int,
        origin: str,
        country: str,
        sex: str,
        age: int,
        decision: date,
        level: str,
        first_level: str,
        children: bool,
        diagnosed: date,
        histories: dict[str, list[Any]],
        created: datetime,
    ) -> list[str]:
        schooling = weighted(rng, SCHOOLING.get(origin, DEFAULT_SCHOOLING))
        schooling = max(0, schooling + rint(rng, -1, 1)) if schooling else 0
        if first_level == "NL" or schooling == 0:
            literacy = Literacy.NONE if rng.random() < 0.7 else Literacy.PARTIAL
        elif schooling < 5:
            literacy = Literacy.PARTIAL
        elif origin in LATIN_SCRIPT or RANK.get(level, 0) >= RANK["A2"]:
            literacy = Literacy.LATIN
        else:
            literacy = Literacy.OTHER_SCRIPT
        # Driving licence: exchanging a foreign licence must be asked within a year of the first receipt.
        licence_status, licence_country, first_receipt = LicenceStatus.NONE, "", None
        roll = rng.random()
        if roll < 0.3 and age >= 20:
            licence_country = country
            first_receipt = min(self.today, decision + timedelta(days=rint(rng, 7, 50)))
            deadline = first_receipt + timedelta(days=365)
            if deadline >= self.today:
                licence_status = LicenceStatus.TO_EXCHANGE if rng.random() < 0.6 else LicenceStatus.REQUESTED
            else:
                licence_status = weighted(
                    rng,
                    [
                        (LicenceStatus.EXCHANGED, 30),
                        (LicenceStatus.REFUSED, 15),
                        (LicenceStatus.WINDOW_CLOSED, 35),
                        (LicenceStatus.REQUESTED, 10),
                        (LicenceStatus.TO_EXCHANGE, 10),  # the deadline has passed: to be looked at
                    ],
                )
        elif roll < 0.36:
            licence_status = LicenceStatus.FRENCH
        means = [MobilityMeans.PUBLIC_TRANSPORT] if rng.random() < 0.92 else []
        if rng.random() < 0.45:
            means.append(MobilityMeans.WALK)
        if rng.random() < 0.3:
            means.append(MobilityMeans.BIKE)
        if licence_status in (LicenceStatus.FRENCH, LicenceStatus.EXCHANGED) and rng.random() < 0.5:
            means.append(MobilityMeans.CAR)
        childcare = children and rng.random() < (0.55 if sex == "F" else 0.15)
        availability = Availability.FULL_TIME
        if childcare:
            availability = weighted(
                rng, [(Availability.FULL_TIME, 40), (Availability.PART_TIME, 30), (Availability.SCHOOL_HOURS, 30)]
            )
        job_seeker = next((s for s in histories["employment"] if s.status == "job_seeker"), None)
        registered = job_seeker.start if job_seeker is not None else None
        self.w.add(
            EmploymentProfile,
            person_id=person_id,
            schooling_years=schooling,
            literacy=literacy,
            licence_status=licence_status,
            licence_country=licence_country,
            licence_first_receipt_on=first_receipt,
            mobility_radius_km=weighted(rng, [(5, 20), (10, 30), (20, 25), (30, 15), (50, 10)]),
            mobility_means=means,
            availability=availability,
            available_from=None,
            childcare_constraint=childcare,
            health_constraint=rng.random() < 0.08,
            no_night_or_weekend=childcare or rng.random() < 0.1,
            france_travail_registered_on=registered,
            france_travail_id=f"{rint(rng, 1000000, 9999999)}{chr(65 + rint(rng, 0, 25))}" if registered else "",
            rsa=age >= 25 and rng.random() < 0.5,
            created_at=created,
            updated_at=created,
        )
        # Diplomas, some with a comparability request (ENIC-NARIC).
        if schooling >= 12 and rng.random() < 0.55:
            diploma_level = QualificationLevel.LEVEL_4 if schooling < 15 else rng.choice((5, 6, 6, 7))
            year = max(1960, decision.year - rint(rng, 2, 20))
            status = RecognitionStatus.NOT_REQUESTED
            requested = None
            if rng.random() < 0.35:
                requested = min(self.today, diagnosed + timedelta(days=rint(rng, 10, 120)))
                status = RecognitionStatus.REQUESTED
                if (self.today - requested).days > 120:
                    status = weighted(
                        rng,
                        [
                            (RecognitionStatus.OBTAINED, 70),
                            (RecognitionStatus.REFUSED, 10),
                            (RecognitionStatus.REQUESTED, 20),
                        ],
                    )
            title, subject = DIPLOMAS[int(diploma_level)][int(rng.random() * len(DIPLOMAS[int(diploma_level)]))]
            self.w.add(
                Diploma,
                person_id=person_id,
                title=title,
                country=country,
                level=int(diploma_level),
                field=subject,
                year=year,
                recognition_status=status,
                recognition_requested_on=requested,
                recognition_outcome="Attestation de comparabilité délivrée." if status == "obtained" else "",
                created_at=created,
                updated_at=created,
            )
        # Work experience before arrival.
        pool = list(ORIGIN_EXPERIENCE.get(origin, DEFAULT_EXPERIENCE))
        if sex == "F":
            pool = [(key, w * (0.1 if key in MALE_LEANING else 1.5)) for key, w in pool]
        experiences: list[str] = []
        for chance in (0.8 if sex == "M" else 0.55, 0.35, 0.12):
            if rng.random() >= chance:
                break
            key = weighted(rng, pool)
            if key in experiences:
                continue
            experiences.append(key)
            appellation_id, code = self.appellation[key]
            self.w.add(
                WorkExperience,
                person_id=person_id,
                appellation_id=appellation_id,
                rome_code=code,
                country=country,
                years=Decimal(rint(rng, 1, 24)) / 2,
                employer_name="",
                description="",
                created_at=created,
                updated_at=created,
            )
        # Target occupations: the trade already exercised when it is sought here, and a shortage one.
        targets = [key for key in experiences if key in SHORTAGE_KEYS or rng.random() < 0.3][:1]
        shortage = [(key, w * (0.15 if sex == "F" and key in MALE_LEANING else 1)) for key, w in SHORTAGE]
        for _ in range(rint(rng, 1, 2)):
            key = weighted(rng, shortage)
            if key not in targets:
                targets.append(key)
        for key in targets:
            appellation_id, code = self.appellation[key]
            self.w.add(
                TargetOccupation,
                person_id=person_id,
                appellation_id=appellation_id,
                rome_code=code,
                created_at=created,
                updated_at=created,
            )
        return targets

    def _placements(
        self,
        rng: random.Random,
        person_id: int,
        pathway: PathwayContext,
        histories: dict[str, list[Any]],
        targets: list[str],
    ) -> None:
        accompanied = pathway.reached["accompaniment"]
        window_start = max(accompanied, self.platform_start)
        window_end = min(pathway.exit_day or self.today, self.today)
        if window_start >= window_end:
            return
        # Hirings: contracts and courses of the history that started during the accompaniment.
        candidates: list[tuple[Any, list[Any], bool]] = []
        for domain, chance in (("employment", 0.75), ("training", 0.8), ("language", 0.6)):
            segments = histories[domain]
            for segment in segments:
                hireable = (
                    segment.status in EMPLOYMENT_CONTRACTS
                    if domain == "employment"
                    else segment.status in TRAINING_STATUSES
                    if domain == "training"
                    else segment.status == "work_french"
                )
                if hireable and window_start + timedelta(days=10) <= segment.start <= window_end:
                    candidates.append((segment, segments, rng.random() < chance))
        for segment, segments, platform in candidates:
            if platform:
                self._hire(rng, person_id, pathway, segment, segments, window_start)
        # Proposals that did not lead to a hiring.
        span = (window_end - window_start).days
        for _ in range(weighted(rng, [(0, 35), (1, 35), (2, 20), (3, 10)])):
            day = window_start + timedelta(days=rint(rng, 0, max(0, span - 5)))
            draft = self._draft_around(rng, day, targets)
            status = PlacementStatus.NOT_RETAINED if rng.random() < 0.7 else PlacementStatus.WITHDRAWN
            interview = day + timedelta(days=rint(rng, 3, 15)) if rng.random() < 0.6 else None
            decided = min(self.today, (interview or day) + timedelta(days=rint(rng, 1, 15)))
            if interview and interview > decided:
                interview = None
            reason = weighted(rng, NOT_RETAINED) if status == PlacementStatus.NOT_RETAINED else ""
            if reason == NotRetainedReason.NO_SHOW and interview is None:
                reason = NotRetainedReason.PERSON_DECLINED
            self._placement(
                rng,
                person_id,
                pathway,
                draft,
                status=status,
                proposed=day,
                interview=interview,
                decided=decided,
                reason=reason,
                detail="" if status == PlacementStatus.NOT_RETAINED else rng.choice(WITHDRAWN_REASONS),
            )
        # Open proposals on opportunities open today.
        if pathway.is_open and pathway.exit_day is None and self.open_pool and rng.random() < 0.4:
            chosen: set[int] = set()
            for _ in range(rint(rng, 1, 2)):
                preferred = [d for d in self.open_pool if d.occupation in targets and d.id not in chosen]
                pool = preferred if preferred and rng.random() < 0.75 else self.open_pool
                draft = pool[int(rng.random() * len(pool))]
                if draft.id in chosen:
                    continue
                chosen.add(draft.id)
                proposed = max(draft.opened_on, self.today - timedelta(days=rint(rng, 0, 25)), window_start)
                interview = None
                status = PlacementStatus.PROPOSED
                if rng.random() < 0.45:
                    status = PlacementStatus.INTERVIEW
                    interview = proposed + timedelta(days=rint(rng, 2, 21))
                self._placement(rng, person_id, pathway, draft, status=status, proposed=proposed, interview=interview)

    def _hire(
        self,
        rng: random.Random,
        person_id: int,
        pathway: PathwayContext,
        segment: Any,
        segments: list[Any],
        window_start: date,
    ) -> None:
        start = segment.start
        proposed = max(window_start, start - timedelta(days=rint(rng, 10, 45)))
        draft = self._draft_for_hire(
            rng, status=segment.status, details=segment.details, start=start, proposed=proposed
        )
        interview = None
        if rng.random() < 0.75 and (start - proposed).days >= 4:
            interview = proposed + timedelta(days=rint(rng, 1, (start - proposed).days - 2))
        decided = min(start, (interview or proposed) + timedelta(days=rint(rng, 1, 5)))
        if draft.kind == OpportunityKind.TRAINING:
            contract: str = ContractType.QUALIFYING_TRAINING
            contract_end = segment.end
            if contract_end is None:
                contract_end = max(draft.end or start, self.today + timedelta(days=rint(rng, 15, 120)))
        else:
            contract = draft.contract_type
            contract_end = None
            if contract != ContractType.CDI:
                if segment.end is not None:
                    contract_end = segment.end
                else:
                    low, high = CONTRACT_DAYS[contract]
                    contract_end = max(
                        start + timedelta(days=rint(rng, low, high)), self.today + timedelta(days=rint(rng, 15, 120))
                    )
        if contract_end is not None and contract_end < start:
            contract_end = start
        draft.hired.append(decided)
        placement_id = self._placement(
            rng,
            person_id,
            pathway,
            draft,
            status=PlacementStatus.HIRED,
            proposed=proposed,
            interview=interview,
            decided=decided,
            contract=contract,
            contract_start=start,
            contract_end=contract_end,
        )
        # Follow-ups 1, 3, 6 and 12 months after the start; done when due (while the pathway runs).
        followed_until = min(self.today, pathway.exit_day or self.today)
        for month in FOLLOW_UP_MONTHS:
            due = add_months(start, month)
            done_on = None
            still = None
            if due <= followed_until and rng.random() < 0.9:
                done_on = min(followed_until, due + timedelta(days=rint(rng, 0, 12)))
                still = status_on(segments, due) == segment.status and (segment.end is None or segment.end >= due)
            self.w.add(
                FollowUp,
                placement_id=placement_id,
                month=month,
                due_on=due,
                done_on=done_on,
                still_in_post=still,
                note=(FOLLOW_UP_NOTES[bool(still)] if done_on else ""),
                created_at=at(decided, 16),
                updated_at=at(done_on or decided, 16),
            )

    def _placement(
        self,
        rng: random.Random,
        person_id: int,
        pathway: PathwayContext,
        draft: OpportunityDraft,
        *,
        status: str,
        proposed: date,
        interview: date | None = None,
        decided: date | None = None,
        reason: str = "",
        detail: str = "",
        contract: str = "",
        contract_start: date | None = None,
        contract_end: date | None = None,
    ) -> int:
        draft.opened_on = min(draft.opened_on, proposed)
        draft.last_activity = max(filter(None, (draft.last_activity, decided, interview, proposed)))
        score = rint(rng, 55, 95) if status == PlacementStatus.HIRED else rint(rng, 30, 85)
        placement_id = self.w.add(
            Placement,
            person_id=person_id,
            opportunity_id=draft.id,
            pathway_id=pathway.pathway_id,
            organisation_id=pathway.operator_id,
            proposed_by_id=pathway.referent_id,
            status=status,
            proposed_on=proposed,
            interview_on=interview,
            decided_on=decided,
            not_retained_reason=reason,
            not_retained_detail=detail,
            contract_type=contract,
            contract_start=contract_start,
            contract_end=contract_end,
            hours_per_week=draft.hours if status == PlacementStatus.HIRED else None,
            match_score=score,
            match_reasons=[],
            created_at=at(proposed, 10),
            updated_at=at(decided or interview or proposed, 15),
        )
        transitions: list[tuple[str, str, str, date]] = [("propose", "", PlacementStatus.PROPOSED, proposed)]
        if interview is not None:
            transitions.append(("schedule_interview", PlacementStatus.PROPOSED, PlacementStatus.INTERVIEW, proposed))
        if decided is not None:
            name = {"hired": "hire", "not_retained": "not_retained", "withdrawn": "withdraw"}[status]
            transitions.append((name, transitions[-1][2], status, decided))
        for hour, (name, source, target, day) in zip((9, 11, 15), transitions, strict=False):
            self.w.add(
                PlacementTransition,
                placement_id=placement_id,
                name=name,
                from_status=source,
                to_status=target,
                at=at(day, hour),
                by_id=pathway.referent_id,
                reason=detail if name == "withdraw" else "",
            )
        return placement_id

    # Finish ---------------------------------------------------------------------------------------------

    def finish(self, rng: random.Random) -> None:
        """Statuses from the hirings, opportunities kept open up to about 60 %, then every row."""
        closed_or_filled = sum(1 for d in self.drafts if not d.keep_open)
        open_count = sum(1 for d in self.drafts if d.keep_open)
        while open_count < OPEN_SHARE * (open_count + closed_or_filled):
            self._open_draft(rng)
            open_count += 1
        for draft in self.drafts:
            filled_on = closed_on = None
            if draft.keep_open:
                status = OpportunityStatus.OPEN
            elif len(draft.hired) >= draft.seats:
                status, filled_on = OpportunityStatus.FILLED, max(draft.hired)
            else:
                status = OpportunityStatus.CLOSED
                last = max(filter(None, (draft.last_activity, draft.start, draft.opened_on)))
                closed_on = min(self.today, last + timedelta(days=rint(rng, 0, 20)))
            appellation_id = self.appellation[draft.occupation][0] if draft.occupation else None
            stamp = at(draft.opened_on, 9)
            self.w.add(
                Opportunity,
                id=draft.id,
                kind=draft.kind,
                title=draft.title,
                organisation_id=draft.organisation_id,
                employer_id=draft.employer_id,
                appellation_id=appellation_id,
                rome_code=self.appellation[draft.occupation][1] if draft.occupation else "",
                contract_type=draft.contract_type,
                training_type=draft.training_type,
                hours_per_week=draft.hours,
                commune_id=draft.commune_id,
                start_date=draft.start,
                end_date=draft.end,
                min_french_level=draft.min_french,
                licence_required=draft.licence,
                seats=draft.seats,
                prerequisites=draft.prerequisites,
                description=draft.description,
                status=status,
                opened_on=draft.opened_on,
                filled_on=filled_on,
                closed_on=closed_on,
                created_at=stamp,
                updated_at=at(filled_on or closed_on or draft.opened_on, 17),
            )


SHORTAGE_KEYS = frozenset(key for key, _w in SHORTAGE)
OCCUPATION_TITLES = {
    "macon": "Maçon / Maçonne",
    "aide_macon": "Aide-maçon / Aide-maçonne",
    "electricien": "Électricien / Électricienne du bâtiment",
    "peintre": "Peintre en bâtiment",
    "plaquiste": "Plaquiste",
    "carreleur": "Carreleur / Carreleuse",
    "menuisier_alu": "Menuisier / Menuisière aluminium",
    "preparateur": "Préparateur / Préparatrice de commandes",
    "cariste": "Cariste",
    "magasinier": "Magasinier / Magasinière",
    "manutentionnaire": "Manutentionnaire",
    "livreur": "Chauffeur-livreur / Chauffeuse-livreuse",
    "poids_lourd": "Conducteur / Conductrice poids lourd",
    "taxi": "Chauffeur / Chauffeuse de taxi",
    "nettoyage_indus": "Agent / Agente de nettoyage industriel",
    "proprete": "Agent / Agente de propreté et d'hygiène",
    "valoriste": "Valoriste",
    "commis": "Commis / Commise de cuisine",
    "employe_polyvalent": "Employé polyvalent / Employée polyvalente de restauration",
    "plongeur": "Plongeur / Plongeuse en restauration",
    "cuisinier": "Cuisinier / Cuisinière",
    "serveur": "Serveur / Serveuse de restaurant",
    "employe_etage": "Employé / Employée d'étage",
    "aide_soignant": "Aide-soignant / Aide-soignante",
    "ash": "Agent / Agente de service hospitalier",
    "aide_domicile": "Aide à domicile",
    "assistant_vie": "Assistant / Assistante de vie",
    "aes": "Accompagnant éducatif et social / Accompagnante éducative et sociale",
    "horticole": "Ouvrier / Ouvrière horticole",
    "maraicher": "Maraîcher / Maraîchère",
    "ouvrier_agricole": "Ouvrier / Ouvrière agricole",
    "cueilleur": "Cueilleur / Cueilleuse de fruits",
    "espaces_verts": "Ouvrier / Ouvrière des espaces verts",
    "agro_production": "Agent / Agente de production en industrie alimentaire",
    "agro_ligne": "Conducteur / Conductrice de ligne de production alimentaire",
    "conditionnement": "Agent / Agente de conditionnement",
    "assembleur": "Agent / Agente de montage-assemblage mécanique",
    "soudeur": "Soudeur / Soudeuse",
    "couturier": "Couturier / Couturière",
    "epicier": "Vendeur / Vendeuse en alimentation générale",
    "vendeur_fruits": "Vendeur / Vendeuse de fruits et légumes",
    "employe_rayon": "Employé / Employée de rayon",
    "boulanger": "Boulanger / Boulangère",
    "boucher": "Boucher / Bouchère",
    "coiffeur": "Coiffeur / Coiffeuse",
    "mecanicien": "Mécanicien / Mécanicienne automobile",
    "agent_entretien": "Agent / Agente d'entretien du bâtiment",
    "agent_securite": "Agent / Agente de sécurité",
    "enseignant": "Enseignant / Enseignante des écoles",
}
DIPLOMAS: dict[int, tuple[tuple[str, str], ...]] = {
    4: (
        ("Baccalauréat (diplôme de fin d'études secondaires)", "Enseignement général"),
        ("Diplôme technique de fin d'études secondaires", "Électricité"),
    ),
    5: (("Diplôme d'institut technique (2 ans)", "Comptabilité"), ("Diplôme d'infirmier auxiliaire", "Santé")),
    6: (("Licence (Bachelor)", "Économie"), ("Licence (Bachelor)", "Génie civil"), ("Licence (Bachelor)", "Lettres")),
    7: (("Master", "Droit"), ("Diplôme d'ingénieur", "Informatique"), ("Doctorat en médecine", "Médecine")),
}
FOLLOW_UP_NOTES = {
    True: "Toujours en poste ; échange avec le tuteur positif.",
    False: "N'est plus en poste : contrat terminé, reprise de la recherche d'emploi.",
}
