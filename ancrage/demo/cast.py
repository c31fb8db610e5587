"""The demo territory's organisations and named accounts (product.md, "the demo cast").

Organisation names are those of real Rennes actors so the demo feels familiar; every SIRET,
address detail, e-mail and telephone number is synthetic (telephone numbers are taken from the
ranges ARCEP reserves for fiction).
"""

from dataclasses import dataclass

from django.conf import settings

from ancrage.organisations.models import OrganisationKind, Role

DEMO_PASSWORD = "demo-ancrage"  # noqa: S105 - the published password of the demo accounts
DEMO_EMAIL_DOMAIN: str = settings.DEMO_EMAIL_DOMAIN  # owned by the settings, read by two_factor too

RENNES = "35238"
# Communes around Rennes served by most urban associations (first ring).
FIRST_RING = (
    RENNES,
    "35281",
    "35051",
    "35055",
    "35047",
    "35278",
    "35024",
    "35210",
    "35240",
    "35352",
    "35334",
    "35066",
    "35353",
)


@dataclass(frozen=True)
class OrganisationSpec:
    key: str
    name: str
    kind: str
    short_name: str = ""
    seat: str = RENNES
    coverage: str | tuple[str, ...] = "all"  # "all", or INSEE codes
    address: str = ""
    siren_of: str = ""  # key of another establishment of the same legal entity (same SIREN)


ORGANISATIONS: tuple[OrganisationSpec, ...] = (
    # State
    OrganisationSpec(
        "prefecture",
        "Préfecture d'Ille-et-Vilaine",
        OrganisationKind.STATE,
        "Préfecture 35",
        address="3 avenue de la Préfecture, 35000 Rennes",
    ),
    OrganisationSpec(
        "ddets",
        "DDETS d'Ille-et-Vilaine",
        OrganisationKind.STATE,
        "DDETS 35",
        address="Immeuble Le Sévigné, 35000 Rennes",
    ),
    OrganisationSpec(
        "ofii",
        "OFII — direction territoriale de Rennes",
        OrganisationKind.STATE,
        "OFII Rennes",
        address="Boulevard de la Tour d'Auvergne, 35000 Rennes",
    ),
    OrganisationSpec(
        "caf", "CAF d'Ille-et-Vilaine", OrganisationKind.STATE, "CAF 35", address="Cours des Alliés, 35000 Rennes"
    ),
    OrganisationSpec(
        "cpam", "CPAM d'Ille-et-Vilaine", OrganisationKind.STATE, "CPAM 35", address="Cours des Alliés, 35000 Rennes"
    ),
    # Collectivities
    OrganisationSpec(
        "metropole", "Rennes Métropole", OrganisationKind.COLLECTIVITY, address="4 avenue Henri Fréville, 35000 Rennes"
    ),
    OrganisationSpec(
        "ville",
        "Ville de Rennes",
        OrganisationKind.COLLECTIVITY,
        coverage=(RENNES,),
        address="Hôtel de ville, place de la Mairie, 35000 Rennes",
    ),
    OrganisationSpec(
        "ccas",
        "CCAS de Rennes",
        OrganisationKind.COLLECTIVITY,
        coverage=(RENNES,),
        address="Place de la Mairie, 35000 Rennes",
    ),
    # Employment
    OrganisationSpec(
        "france_travail",
        "France Travail Rennes",
        OrganisationKind.EMPLOYMENT,
        coverage=FIRST_RING,
        address="Rue de Saint-Malo, 35000 Rennes",
    ),
    OrganisationSpec(
        "mission_locale",
        "Mission locale du bassin d'emploi de Rennes",
        OrganisationKind.EMPLOYMENT,
        "Mission locale",
        address="Rue de Saint-Hélier, 35000 Rennes",
    ),
    # Social landlords
    OrganisationSpec(
        "archipel",
        "Archipel Habitat",
        OrganisationKind.SOCIAL_LANDLORD,
        coverage=FIRST_RING,
        address="Boulevard de la Liberté, 35000 Rennes",
    ),
    OrganisationSpec("neotoa", "Néotoa", OrganisationKind.SOCIAL_LANDLORD, address="Rue de Paris, 35000 Rennes"),
    OrganisationSpec(
        "aiguillon", "Aiguillon construction", OrganisationKind.SOCIAL_LANDLORD, address="Rue du Bignon, 35000 Rennes"
    ),
    # Health
    OrganisationSpec(
        "louis_guilloux",
        "Réseau Louis Guilloux",
        OrganisationKind.HEALTH,
        coverage=FIRST_RING,
        address="Avenue de Pologne, 35200 Rennes",
    ),
    OrganisationSpec(
        "empp",
        "Équipe mobile psychiatrie précarité (EMPP 35)",
        OrganisationKind.HEALTH,
        "EMPP 35",
        address="Rue du Moulin de Joué, 35700 Rennes",
    ),
    # Reception and accompaniment operators
    OrganisationSpec(
        "agir",
        "Coallia — plateforme AGIR 35",
        OrganisationKind.ASSOCIATION,
        "AGIR 35",
        address="Rue de l'Alma, 35000 Rennes",
    ),
    OrganisationSpec(
        "coallia_cph",
        "Coallia — CADA et CPH de Rennes",
        OrganisationKind.ASSOCIATION,
        "Coallia Rennes",
        coverage=FIRST_RING,
        address="Boulevard de Verdun, 35000 Rennes",
        siren_of="agir",
    ),
    OrganisationSpec(
        "adoma",
        "Adoma — CADA et CPH d'Ille-et-Vilaine",
        OrganisationKind.ASSOCIATION,
        "Adoma 35",
        coverage=FIRST_RING,
        address="Rue de Lorient, 35000 Rennes",
    ),
    OrganisationSpec(
        "ftda",
        "France terre d'asile — CPH de Rennes",
        OrganisationKind.ASSOCIATION,
        "FTDA Rennes",
        coverage=FIRST_RING,
        address="Rue de Châtillon, 35000 Rennes",
    ),
    OrganisationSpec(
        "sbl",
        "Association Saint-Benoît Labre",
        OrganisationKind.ASSOCIATION,
        "ASBL",
        coverage=FIRST_RING,
        address="Rue de Fougères, 35700 Rennes",
    ),
    # Language and training
    OrganisationSpec("afpa", "AFPA Rennes", OrganisationKind.TRAINING, address="Rue du Bignon, 35000 Rennes"),
    OrganisationSpec(
        "clps", "CLPS Rennes", OrganisationKind.TRAINING, "CLPS", address="Rue de la Donelière, 35000 Rennes"
    ),
    OrganisationSpec(
        "langue_communication",
        "Langue et Communication",
        OrganisationKind.TRAINING,
        coverage=FIRST_RING,
        address="Rue de Dinan, 35000 Rennes",
    ),
    OrganisationSpec(
        "greta",
        "GRETA-CFA Est Bretagne",
        OrganisationKind.TRAINING,
        "GRETA Est Bretagne",
        address="Rue Maréchal Joffre, 35000 Rennes",
    ),
    # Associations
    OrganisationSpec(
        "cimade",
        "La Cimade Rennes",
        OrganisationKind.ASSOCIATION,
        coverage=FIRST_RING,
        address="Rue d'Antrain, 35000 Rennes",
    ),
    OrganisationSpec(
        "secours_populaire",
        "Secours populaire — fédération d'Ille-et-Vilaine",
        OrganisationKind.ASSOCIATION,
        "Secours populaire 35",
        address="Rue de Vern, 35200 Rennes",
    ),
    OrganisationSpec(
        "utopia",
        "Utopia 56 Rennes",
        OrganisationKind.ASSOCIATION,
        coverage=(RENNES,),
        address="Rue de Redon, 35000 Rennes",
    ),
    OrganisationSpec(
        "espero",
        "Espero — atelier d'insertion",
        OrganisationKind.ASSOCIATION,
        "Espero",
        coverage=FIRST_RING,
        address="Boulevard de Cleunay, 35000 Rennes",
    ),
    OrganisationSpec(
        "paul_bert",
        "Cercle Paul Bert",
        OrganisationKind.ASSOCIATION,
        coverage=(RENNES,),
        address="Rue Paul Bert, 35000 Rennes",
    ),
    OrganisationSpec(
        "un_toit",
        "Un toit c'est un droit",
        OrganisationKind.ASSOCIATION,
        coverage=(RENNES,),
        address="Rue de Nantes, 35000 Rennes",
    ),
)

AGIR = "agir"
CPH_OPERATORS = ("coallia_cph", "adoma", "ftda")
# Carriers of CTAIR actions (fiches action), with a weight.
CTAIR_OPERATORS = (
    ("langue_communication", 5),
    ("cimade", 3),
    ("secours_populaire", 3),
    ("clps", 3),
    ("paul_bert", 2),
    ("espero", 1),
    ("sbl", 2),
    ("greta", 1),
)


@dataclass(frozen=True)
class AccountSpec:
    email: str
    first_name: str
    last_name: str
    memberships: tuple[tuple[str, str], ...] = ()  # (organisation key, role)
    is_staff: bool = False
    health: bool = False
    headline: bool = False  # listed first by ``demo_accounts``
    label: str = ""


def _email(local: str) -> str:
    return f"{local}@{DEMO_EMAIL_DOMAIN}"


ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec(_email("amina.referente"), "Amina", "Benali", ((AGIR, Role.REFERENT),), health=True, headline=True),
    AccountSpec(_email("marc.conseiller"), "Marc", "Le Bris", (("france_travail", Role.PARTNER_AGENT),), headline=True),
    AccountSpec(_email("claire.coordination"), "Claire", "Morel", (("metropole", Role.COORDINATOR),), headline=True),
    AccountSpec(_email("yves.etat"), "Yves", "Tanguy", (("ddets", Role.COORDINATOR),), headline=True),
    AccountSpec(
        _email("sofia.admin"), "Sofia", "Durand", is_staff=True, headline=True, label="Administratrice de la plateforme"
    ),
    AccountSpec(_email("olivier.admin"), "Olivier", "Le Goff", ((AGIR, Role.ORG_ADMIN),), headline=True),
    AccountSpec(
        _email("nadia.multi"),
        "Nadia",
        "Haddad",
        (("cimade", Role.REFERENT), ("secours_populaire", Role.REFERENT)),
        headline=True,
    ),
    # Other referents
    AccountSpec(_email("fatou.ndiaye"), "Fatou", "Ndiaye", ((AGIR, Role.REFERENT),)),
    AccountSpec(_email("thomas.guillou"), "Thomas", "Guillou", ((AGIR, Role.REFERENT),)),
    AccountSpec(_email("lea.garnier"), "Léa", "Garnier", (("coallia_cph", Role.REFERENT),)),
    AccountSpec(_email("karim.mansouri"), "Karim", "Mansouri", (("adoma", Role.REFERENT),)),
    AccountSpec(_email("julie.rolland"), "Julie", "Rolland", (("ftda", Role.REFERENT),)),
    AccountSpec(_email("yannick.legall"), "Yannick", "Le Gall", (("sbl", Role.REFERENT),)),
    AccountSpec(_email("ines.ferreira"), "Inès", "Ferreira", (("cimade", Role.REFERENT),)),
    AccountSpec(_email("pierre.hamon"), "Pierre", "Hamon", (("secours_populaire", Role.REFERENT),)),
    AccountSpec(_email("sarah.lemoine"), "Sarah", "Lemoine", (("langue_communication", Role.REFERENT),)),
    AccountSpec(_email("maelle.rault"), "Maëlle", "Rault", (("utopia", Role.REFERENT),)),
    # Partner agents
    AccountSpec(_email("celine.jouan"), "Céline", "Jouan", (("ccas", Role.PARTNER_AGENT),)),
    AccountSpec(_email("bruno.lefeuvre"), "Bruno", "Lefeuvre", (("archipel", Role.PARTNER_AGENT),)),
    AccountSpec(_email("elodie.perrin"), "Élodie", "Perrin", (("louis_guilloux", Role.PARTNER_AGENT),), health=True),
)

# Generated referents (``referent.<org>.<n>@...``) keep caseloads near this many open pathways.
CASELOAD = 60
# Amina's own caseload, whatever the size of the demo.
AMINA_OPEN_CASELOAD = 60
AMINA_EXITED = 20
