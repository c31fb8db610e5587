"""The demo's territorial integration contract: the Rennes CTAIR (domain.md §1.3), its amendment, about
twenty *fiches action* carried by the demo organisations, their co-funding, targets, calls for projects,
participations and qualitative bilans.

Called once the demo generator has written everything else (``ancrage.demo.generator``): the actions
read the pathways, referrals and directory services back. Deterministic for a seed
(``random.Random(f"ancrage-demo-steering:{seed}")``). A second run finds the contract and only syncs
the participations of the persons added since.

Figures follow the public record where there is one: signed on 9 December 2020 for three years,
€300,000 of State money (programme 104) for 2020; later years between €150,000 and €300,000 of State
money, with the métropole, the city, European funds, the CAF and the ARS as co-funders.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from ancrage.demo.cast import ORGANISATIONS, RENNES
from ancrage.directory.models import Service
from ancrage.organisations.models import Membership, Organisation, Role
from ancrage.pathways.models import Pathway, Programme
from ancrage.persons.models import Person, Situation
from ancrage.steering.models import (
    Action,
    ActionStatus,
    Amendment,
    Application,
    BudgetLine,
    CallForProjects,
    CoFunder,
    Contract,
    ContractYear,
    Decision,
    IndicatorDefinition,
    Participation,
    ParticipationSource,
    PriorityAxis,
    QualitativeReport,
    Target,
)
from ancrage.steering.participation import sync_participations
from ancrage.steering.services import contract_create
from ancrage.territory.models import Territory

D = dt.date
TITLE = "Contrat territorial d'accueil et d'intégration des réfugiés — Rennes Métropole"
SIGNED_ON = D(2020, 12, 9)
ENDS_ON = D(2023, 12, 8)
AMENDMENT_SIGNED_ON = D(2023, 11, 28)
SIGNATORIES = (
    "Le préfet de la région Bretagne, préfet d'Ille-et-Vilaine\n"
    "La présidente de Rennes Métropole\n"
    "La maire de Rennes\n"
    "En présence du délégué interministériel à l'accueil et à l'intégration des réfugiés (DIAIR)"
)
STATE_2020 = 300_000
FIRST_WAVE = D(2021, 1, 4)
RUNNING, DONE = ActionStatus.RUNNING, ActionStatus.DONE
ABANDONED, DRAFT = ActionStatus.ABANDONED, ActionStatus.DRAFT


@dataclass(frozen=True)
class ActionSpec:
    axis: int
    carrier: str  # organisation key (ancrage.demo.cast)
    title: str
    description: str
    objectives: str
    theme: str  # bilans and targets: coordination, professionals, rights, language, employment, housing, health, social
    start: dt.date | None
    end: dt.date | None = None
    status: str = RUNNING
    programmes: tuple[str, ...] = ()
    services: bool = False  # the carrier's directory services feed the action (referrals)
    recorded: str = ""  # carrier-recorded participations: "agir", "rennes", "iml", "any"
    state: int = 0  # State money (P104) a year from 2021, before the yearly envelope is applied
    state_2020: int = 0  # the 2020 envelope (first wave)
    cofunders: tuple[tuple[str, float], ...] = ()  # (co-funder, share of the State amount)


ACTIONS: tuple[ActionSpec, ...] = (
    # 1. Steering the integration policy locally
    ActionSpec(
        1,
        "metropole",
        "Coordination du contrat et animation du réseau des acteurs de l'intégration",
        "Une chargée de mission intégration de Rennes Métropole coordonne le contrat : comités de pilotage "
        "avec la préfecture et la Ville de Rennes, comités techniques avec les porteurs, suivi des indicateurs, "
        "actualisation du diagnostic partagé.",
        "Réunir le comité technique chaque trimestre ; produire le bilan annuel ; tenir à jour l'annuaire "
        "des acteurs de l'accueil et de l'intégration.",
        "coordination",
        SIGNED_ON,
        state=30_000,
        state_2020=45_000,
        cofunders=(("metropole", 1.0),),
    ),
    ActionSpec(
        1,
        "cimade",
        "Formation des professionnels et bénévoles au droit des étrangers",
        "Sessions de formation pour les travailleurs sociaux, les agents d'accueil des communes et les bénévoles : "
        "statuts de protection, titres de séjour, réunification familiale, ouverture des droits.",
        "Former 150 professionnels et bénévoles sur deux ans ; diffuser un guide pratique des démarches.",
        "professionals",
        FIRST_WAVE,
        D(2022, 12, 31),
        status=DONE,
        state=10_000,
        state_2020=12_000,
        cofunders=(("metropole", 0.3),),
    ),
    ActionSpec(
        1,
        "ville",
        "Conseil de l'hospitalité : participation des personnes réfugiées à la politique d'accueil",
        "Projet d'instance consultative réunissant des habitants, des personnes réfugiées et des associations "
        "pour donner un avis sur les actions d'accueil de la ville.",
        "Installer le conseil et tenir trois séances par an.",
        "coordination",
        None,
        status=DRAFT,
    ),
    # 2. Engaging every refugee in an integration pathway
    ActionSpec(
        2,
        "agir",
        "Articulation AGIR – CTAIR : parcours d'intégration des réfugiés accompagnés par AGIR 35",
        "La plateforme AGIR 35 accompagne les bénéficiaires de la protection internationale pendant 24 mois "
        "(droits, logement, emploi) ; le contrat finance la coordination avec les actions du territoire et "
        "les orientations vers les porteurs.",
        "Premier entretien dans le mois qui suit la signature du CIR ; 80 % de sorties vers un logement durable "
        "et 60 % vers l'emploi ou la formation.",
        "rights",
        D(2022, 5, 2),
        programmes=(Programme.AGIR,),
        state=40_000,
        cofunders=(("metropole", 0.25), ("eu_funds", 0.5)),
    ),
    ActionSpec(
        2,
        "cimade",
        "Accès aux droits et accompagnement juridique des bénéficiaires de la protection internationale",
        "Permanences hebdomadaires d'accès aux droits : titres de séjour, documents d'état civil de l'OFPRA, "
        "réunification familiale, ouverture des droits CAF et assurance maladie.",
        "Tenir deux permanences par semaine à Rennes ; réduire les ruptures de droits au renouvellement des titres.",
        "rights",
        FIRST_WAVE,
        programmes=(Programme.CTAIR,),
        state=25_000,
        state_2020=30_000,
        cofunders=(("metropole", 0.3), ("caf", 0.2)),
    ),
    ActionSpec(
        2,
        "secours_populaire",
        "Parcours d'intégration et lien social des familles réfugiées",
        "Accompagnement des familles dans leur installation (démarches, école, vie de quartier) et ateliers "
        "sociolinguistiques dans les quartiers, avec garde d'enfants.",
        "Accueillir 80 familles par an ; proposer un atelier sociolinguistique dans chaque quartier prioritaire.",
        "social",
        FIRST_WAVE,
        programmes=(Programme.CTAIR,),
        services=True,
        state=22_000,
        state_2020=25_000,
        cofunders=(("city", 0.4), ("caf", 0.3)),
    ),
    ActionSpec(
        2,
        "mission_locale",
        "Jeunes réfugiés de moins de 26 ans : accompagnement renforcé vers l'autonomie",
        "Accompagnement des jeunes bénéficiaires de la protection internationale vers le contrat d'engagement "
        "jeune, la formation et le logement, avec un conseiller dédié.",
        "Accompagner 60 jeunes par an ; 50 % en emploi ou en formation à la sortie.",
        "employment",
        D(2021, 9, 1),
        programmes=(Programme.OTHER,),
        state=18_000,
        cofunders=(("metropole", 0.4), ("eu_funds", 0.4)),
    ),
    ActionSpec(
        2,
        "paul_bert",
        "Accès au sport et à la culture des personnes réfugiées",
        "Licences sportives, sorties culturelles et ateliers artistiques avec les clubs et équipements de la "
        "ville ; accueil des familles le mercredi et pendant les vacances scolaires.",
        "Permettre à 100 personnes par an de pratiquer une activité sportive ou culturelle régulière.",
        "social",
        D(2021, 6, 1),
        recorded="rennes",
        state=12_000,
        cofunders=(("city", 0.8),),
    ),
    ActionSpec(
        2,
        "paul_bert",
        "Mobilité : atelier vélo, transports en commun et préparation au permis",
        "Apprentissage du vélo, découverte du réseau STAR, préparation au code de la route et aide à l'échange "
        "des permis étrangers, pour se rendre en formation et en emploi.",
        "Rendre 50 personnes par an autonomes dans leurs déplacements sur la métropole.",
        "mobility",
        D(2022, 6, 1),
        recorded="agir",
        state=10_000,
        cofunders=(("metropole", 0.5),),
    ),
    ActionSpec(
        2,
        "utopia",
        "Ateliers numériques itinérants",
        "Ateliers d'initiation au numérique (messagerie, espace CAF, ANEF) dans les lieux d'hébergement.",
        "Tenir un atelier par semaine dans trois lieux d'hébergement.",
        "social",
        D(2021, 6, 1),
        D(2021, 12, 17),
        status=ABANDONED,
        recorded="any",
        state=8_000,
    ),
    # 3. Language and vocational training, employment
    ActionSpec(
        3,
        "langue_communication",
        "Cours de français langue étrangère dans les communes de la métropole",
        "Cours de français du niveau A1 au B1 après un test de positionnement, au plus près des lieux de vie, "
        "en complément de la formation linguistique du CIR.",
        "Ouvrir 12 groupes par an ; 70 % des stagiaires progressent d'un niveau du CECRL.",
        "language",
        FIRST_WAVE,
        programmes=(Programme.CTAIR,),
        services=True,
        state=40_000,
        state_2020=45_000,
        cofunders=(("metropole", 0.3), ("eu_funds", 0.5)),
    ),
    ActionSpec(
        3,
        "clps",
        "Parcours linguistique vers l'emploi",
        "Français à visée professionnelle, découverte des métiers en tension et immersions en entreprise, "
        "avec un suivi individuel des stagiaires.",
        "Accueillir 60 stagiaires par an ; 40 % en emploi ou en formation qualifiante six mois après.",
        "language",
        FIRST_WAVE,
        ENDS_ON,
        status=DONE,
        programmes=(Programme.CTAIR,),
        state=30_000,
        state_2020=35_000,
        cofunders=(("eu_funds", 0.6),),
    ),
    ActionSpec(
        3,
        "greta",
        "Français à visée professionnelle — vers les niveaux A2 et B1",
        "Formation intensive de français orientée vers l'emploi : vocabulaire des métiers, entretien "
        "d'embauche, consignes de sécurité, stage de deux semaines en entreprise.",
        "Former 40 stagiaires par an ; 60 % valident le niveau visé.",
        "language",
        D(2022, 9, 5),
        programmes=(Programme.CTAIR,),
        services=True,
        state=20_000,
        cofunders=(("eu_funds", 0.8), ("metropole", 0.2)),
    ),
    ActionSpec(
        3,
        "espero",
        "Atelier d'insertion textile et français en situation de travail",
        "Contrats à durée déterminée d'insertion dans l'atelier textile, avec des cours de français pendant "
        "le temps de travail et un accompagnement socio-professionnel.",
        "Accueillir 15 salariés en insertion par an ; 50 % de sorties dynamiques.",
        "employment",
        D(2021, 6, 1),
        programmes=(Programme.CTAIR,),
        state=15_000,
        cofunders=(("metropole", 0.4), ("eu_funds", 0.6)),
    ),
    ActionSpec(
        3,
        "afpa",
        "Parcours HOPE : hébergement, formation qualifiante et emploi",
        "Parcours intensif de l'AFPA avec hébergement : remise à niveau en français, formation qualifiante "
        "dans les métiers du bâtiment et de la logistique, accompagnement vers l'emploi avec les GEIQ.",
        "Ouvrir deux groupes HOPE par an ; 70 % de qualifications obtenues.",
        "employment",
        D(2021, 9, 1),
        programmes=(Programme.OTHER,),
        state=15_000,
        cofunders=(("eu_funds", 0.5),),
    ),
    ActionSpec(
        3,
        "france_travail",
        "Accompagnement renforcé vers l'emploi des réfugiés",
        "Conseillers référents pour les bénéficiaires de la protection internationale orientés par les "
        "accompagnateurs : inscription, diagnostic, prescriptions de formation et mises en relation.",
        "Premier rendez-vous sous 15 jours après l'orientation ; 50 % d'accès à l'emploi ou à la formation.",
        "employment",
        D(2021, 6, 1),
        services=True,
        state=12_000,
        cofunders=(("eu_funds", 0.5),),
    ),
    # 4. Housing
    ActionSpec(
        4,
        "archipel",
        "Accès au logement social des ménages réfugiés",
        "Contingent de logements réservé aux ménages orientés par les accompagnateurs, préparation des dossiers "
        "et des commissions d'attribution, visite et accompagnement à l'entrée dans les lieux.",
        "Attribuer 40 logements par an à des ménages réfugiés.",
        "housing",
        D(2021, 6, 1),
        services=True,
        state=15_000,
        cofunders=(("metropole", 0.8),),
    ),
    ActionSpec(
        4,
        "ftda",
        "Sortie de CPH vers le logement durable",
        "Accompagnement renforcé des personnes hébergées en centre provisoire d'hébergement vers un logement "
        "durable : demande de logement social, ouverture des droits, installation.",
        "80 % des sorties de CPH vers un logement durable.",
        "housing",
        FIRST_WAVE,
        programmes=(Programme.CPH,),
        state=25_000,
        state_2020=28_000,
        cofunders=(("metropole", 0.3), ("caf", 0.2)),
    ),
    ActionSpec(
        4,
        "adoma",
        "Intermédiation locative : captation de logements privés",
        "Prise à bail de logements du parc privé et sous-location accompagnée aux ménages réfugiés, avec un "
        "glissement du bail au bout de 18 mois.",
        "Capter 30 logements ; 50 % de baux glissés.",
        "housing",
        FIRST_WAVE,
        D(2022, 12, 31),
        status=DONE,
        recorded="iml",
        state=35_000,
        state_2020=40_000,
        cofunders=(("metropole", 0.5),),
    ),
    ActionSpec(
        4,
        "sbl",
        "Colocations accompagnées pour les jeunes réfugiés isolés",
        "Colocations dans le parc social avec un accompagnement éducatif, pour des jeunes de 18 à 25 ans "
        "sans ressources suffisantes pour un logement autonome.",
        "Loger 25 jeunes par an ; 60 % accèdent ensuite à un logement autonome.",
        "housing",
        D(2021, 6, 1),
        programmes=(Programme.CTAIR,),
        state=18_000,
        cofunders=(("metropole", 0.5), ("caf", 0.2)),
    ),
    ActionSpec(
        4,
        "ccas",
        "Installation dans le logement : aides et accès aux droits",
        "Aides facultatives à l'équipement du premier logement et accompagnement des démarches d'installation "
        "(énergie, assurance, aides au logement).",
        "Aider 100 ménages par an à leur entrée dans un logement.",
        "housing",
        D(2022, 6, 1),
        services=True,
        state=10_000,
        cofunders=(("city", 1.0),),
    ),
    # 5. Healthcare
    ActionSpec(
        5,
        "louis_guilloux",
        "Accès aux soins et interprétariat médical",
        "Consultations de premier recours avec interprètes professionnels, bilans de santé à l'arrivée et "
        "appui à l'ouverture des droits (PUMa, complémentaire santé solidaire).",
        "Ouvrir les droits à l'assurance maladie dans les trois mois ; 3 000 heures d'interprétariat par an.",
        "health",
        FIRST_WAVE,
        services=True,
        state=35_000,
        state_2020=40_000,
        cofunders=(("ars", 0.8), ("metropole", 0.2)),
    ),
    ActionSpec(
        5,
        "empp",
        "Santé mentale des personnes exilées : appui aux professionnels",
        "L'équipe mobile appuie les travailleurs sociaux et les accompagnateurs : analyse de pratiques, "
        "temps d'échange avec les lieux d'hébergement, facilitation des orientations vers le soin.",
        "Tenir dix séances d'analyse de pratiques par an ; former 80 professionnels.",
        "professionals",
        D(2021, 9, 1),
        state=15_000,
        cofunders=(("ars", 1.0),),
    ),
)
assert sum(spec.state_2020 for spec in ACTIONS) == STATE_2020  # the public 2020 figure

# Applications that were not selected, or are still being examined: (organisation key, title).
OTHER_PROJECTS = (
    ("un_toit", "Hébergement solidaire chez l'habitant"),
    ("utopia", "Maraudes et mise à l'abri des personnes à la rue"),
    ("neotoa", "Logements passerelles en sortie de CADA"),
    ("secours_populaire", "Épicerie solidaire et accès à l'alimentation"),
    ("langue_communication", "Plateforme de cours de français en ligne"),
    ("aiguillon", "Résidence sociale pour jeunes actifs réfugiés"),
    ("espero", "Second atelier d'insertion en couture"),
    ("cimade", "Permanence juridique itinérante dans les communes de la métropole"),
    ("paul_bert", "Jardins partagés et lien social"),
    ("afpa", "Préparation aux métiers du soin pour les femmes réfugiées"),
)

# --- bilans -----------------------------------------------------------------------------------------------

OPENINGS = (
    "En {year}, l'action a accompagné {n} personnes, en majorité orientées par la plateforme AGIR et les CPH.",
    "Sur l'année {year}, {n} personnes ont participé à l'action, un niveau proche de nos prévisions.",
    "L'année {year} a été marquée par une hausse des orientations : {n} personnes ont été accueillies.",
    "En {year}, {n} personnes ont bénéficié de l'action, avec des entrées régulières tout au long de l'année.",
)
OPENING_FEW = (
    "En {year}, l'action n'a touché qu'un petit nombre de personnes ; les orientations se sont faites attendre."
)
THEMES: dict[str, tuple[str, ...]] = {
    "language": (
        "Les groupes de niveau A1 et A2 ont été dédoublés pour réduire la liste d'attente, et un créneau du soir "
        "a été ouvert pour les personnes en emploi.",
        "La plupart des stagiaires ont progressé d'au moins un niveau du CECRL ; le test de positionnement est "
        "désormais fait dès l'inscription.",
        "La garde d'enfants pendant les cours a nettement facilité la participation des mères de famille.",
    ),
    "employment": (
        "Le partenariat avec les employeurs du bâtiment et de la logistique a permis plusieurs embauches en CDI "
        "et en alternance.",
        "Les immersions en entreprise ont été appréciées, mais la reconnaissance des diplômes étrangers reste un "
        "frein important.",
        "La coordination avec France Travail s'est améliorée grâce à des points mensuels entre conseillers.",
    ),
    "housing": (
        "La tension sur le parc social de la métropole allonge les délais d'attribution, surtout pour les "
        "personnes seules.",
        "Plusieurs ménages ont accédé à un logement durable, avec un accompagnement à l'installation.",
        "Le travail avec les bailleurs sociaux a permis de mieux préparer les commissions d'attribution.",
    ),
    "health": (
        "Les consultations avec interprète ont permis d'ouvrir les droits à l'assurance maladie plus rapidement.",
        "Le recours à des interprètes professionnels reste la clé de l'accès aux soins ; le budget prévu a été "
        "entièrement consommé.",
        "Les professionnels de santé du territoire ont été sensibilisés à l'accueil des publics exilés.",
    ),
    "rights": (
        "Les permanences ont permis de débloquer de nombreuses situations (CAF, titres de séjour, "
        "réunification familiale).",
        "La dématérialisation des démarches a fortement augmenté les besoins d'accompagnement numérique.",
        "Le travail en réseau avec la CAF et la préfecture a réduit les ruptures de droits au renouvellement "
        "des titres.",
    ),
    "social": (
        "Les sorties culturelles et sportives ont favorisé les rencontres avec les habitants des quartiers.",
        "Les bénévoles se sont fortement mobilisés et un parrainage a été proposé à plusieurs familles.",
        "Les activités ont été adaptées aux horaires des familles, le mercredi et pendant les vacances scolaires.",
    ),
    "mobility": (
        "L'atelier vélo a permis à de nombreux participants de se rendre seuls en formation ou au travail.",
        "La préparation au code de la route a été renforcée, avec des séances en petits groupes.",
        "Les démarches d'échange de permis étrangers restent longues et freinent l'accès à certains emplois.",
    ),
    "coordination": (
        "Le comité technique s'est réuni chaque trimestre avec les porteurs, la DDETS et les services de la métropole.",
        "L'annuaire des acteurs de l'accueil et de l'intégration a été mis à jour et diffusé aux professionnels.",
        "Le diagnostic partagé a été actualisé avec les données de la plateforme AGIR et des CPH.",
    ),
    "professionals": (
        "Les sessions ont réuni des travailleurs sociaux, des agents d'accueil des communes et des bénévoles.",
        "Les participants soulignent l'intérêt des échanges de pratiques entre structures.",
        "Des temps d'échange avec les lieux d'hébergement ont facilité les orientations vers les bons interlocuteurs.",
    ),
}
CLOSINGS = (
    "Pour l'année suivante, nous souhaitons renforcer les liens avec les autres porteurs du contrat.",
    "La principale difficulté reste le manque de places au regard des demandes.",
    "Le financement a été consommé conformément au budget prévisionnel.",
    "Un point de vigilance demeure sur la mobilité des personnes hébergées hors de Rennes.",
)
CLOSING_DONE = "L'action s'est achevée comme prévu ; ses enseignements nourrissent les actions reconduites."
CLOSING_ABANDONED = (
    "L'action a été interrompue en cours d'année faute de locaux adaptés et de bénévoles en nombre suffisant ; "
    "les participants ont été réorientés vers d'autres ateliers."
)
# Rate targets per theme: (indicator code, low %, high %).
RATE_TARGETS: dict[str, tuple[str, int, int]] = {
    "housing": ("durable_housing_rate", 40, 65),
    "employment": ("employment_or_training_rate", 35, 60),
    "language": ("cefr_progression_rate", 55, 80),
    "health": ("puma_open_rate", 80, 95),
    "rights": ("caf_rights_rate", 70, 90),
}


def _money(value: float) -> Decimal:
    """Rounded to the hundred euros, as in a grant decision."""
    return Decimal(round(value / 100.0) * 100)


def _call_dates(year: int) -> tuple[dt.date, dt.date, dt.date]:
    """Opening, closing and decision dates of the year's call for projects."""
    if year == 2020:
        return D(2020, 9, 14), D(2020, 11, 6), D(2020, 11, 27)
    return D(year, 1, 11), D(year, 3, 15), D(year, 4, 20)


class ContractSeeder:
    def __init__(self, *, seed: int, today: dt.date, log: Callable[[str], None]) -> None:
        self.rng = random.Random(f"ancrage-demo-steering:{seed}")
        self.today = today
        self.log = log
        self.counts: dict[str, int] = defaultdict(int)

    # The contract ------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        territory = (
            Territory.objects.filter(communes__insee_code=RENNES).first() or Territory.objects.order_by("pk").first()
        )
        if territory is None:
            return {}
        with transaction.atomic():
            contract = Contract.objects.filter(territory=territory, title=TITLE).first()
            if contract is None:
                contract = self._contract(territory)
                self._content(contract)
            else:
                report = sync_participations(contract=contract, today=self.today)
                self.counts["steering.Participation"] += report.created
        return dict(self.counts)

    def _contract(self, territory: Territory) -> Contract:
        contract = contract_create(
            territory=territory,
            title=TITLE,
            signed_on=SIGNED_ON,
            starts_on=SIGNED_ON,
            ends_on=ENDS_ON,
            signatories=SIGNATORIES,
        )
        self.end = D(max(self.today.year, ENDS_ON.year + 1), 12, 31)
        Amendment.objects.create(
            contract=contract,
            number=1,
            signed_on=AMENDMENT_SIGNED_ON,
            new_end_on=self.end,
            summary=(
                f"Prolongation du contrat jusqu'au 31 décembre {self.end.year}. Renforcement du volet logement "
                "(accès au logement durable, intermédiation locative, sorties de CPH), désormais obligatoire. "
                "Ouverture des actions aux primo-arrivants en situation régulière, au-delà des seuls "
                "bénéficiaires de la protection internationale. Articulation des actions avec la plateforme AGIR 35."
            ),
        )
        years = set(contract.years.values_list("year", flat=True))
        ContractYear.objects.bulk_create(
            [
                ContractYear(contract=contract, year=year)
                for year in range(SIGNED_ON.year, self.end.year + 1)
                if year not in years
            ]
        )
        self.counts["steering.Contract"] += 1
        self.counts["steering.Amendment"] += 1
        return contract

    def _content(self, contract: Contract) -> None:
        names = {spec.key: spec.name for spec in ORGANISATIONS}
        by_name = {o.name: o for o in Organisation.objects.filter(name__in=names.values())}
        self.orgs = {key: by_name[name] for key, name in names.items() if name in by_name}
        specs = [
            spec for spec in ACTIONS if spec.carrier in self.orgs and (spec.start is None or spec.start <= self.today)
        ]
        actions = self._actions(contract, specs)
        self._services(actions)
        self._recorded(actions)
        report = sync_participations(contract=contract, today=self.today)
        self.counts["steering.Participation"] += report.created
        reached = self._reached(actions)
        self._budget(actions)
        self._targets(actions, reached)
        self._calls(contract, actions)
        self._bilans(actions, reached)
        self.log(
            f"  Contrat territorial : {len(actions)} fiches action, "
            f"{self.counts['steering.Participation']} participations."
        )

    # Actions -----------------------------------------------------------------------------------------

    def _actions(self, contract: Contract, specs: list[ActionSpec]) -> list[tuple[ActionSpec, Action]]:
        axes = {axis.number: axis for axis in PriorityAxis.objects.filter(contract=contract)}
        made = []
        for spec in specs:
            carrier = self.orgs[spec.carrier]
            action = Action(
                contract=contract,
                axis=axes[spec.axis],
                title=spec.title,
                carrier=carrier,
                carrier_siret=carrier.siret,
                description=spec.description,
                objectives=spec.objectives,
                starts_on=spec.start,
                ends_on=spec.end,
                status=spec.status,
                programmes=[str(p) for p in spec.programmes],
            )
            action.full_clean()
            made.append((spec, action))
        # Written without signals: the participations are synced once, below.
        created = bulk_create_with_history([action for _spec, action in made], Action)
        if any(action.pk is None for action in created):
            by_title = {a.title: a for a in Action.objects.filter(contract=contract)}
            created = [by_title[action.title] for action in created]
        self.counts["steering.Action"] += len(created)
        return [(spec, action) for (spec, _unsaved), action in zip(made, created, strict=True)]

    def _services(self, actions: list[tuple[ActionSpec, Action]]) -> None:
        carriers = {action.carrier_id for spec, action in actions if spec.services}
        services: dict[int, list[int]] = defaultdict(list)
        for pk, organisation_id in (
            Service.objects.filter(is_active=True, structure__organisation_id__in=carriers)
            .order_by("pk")
            .values_list("pk", "structure__organisation_id")
        ):
            services[organisation_id].append(pk)
        through = Action.services.through
        through.objects.bulk_create(
            [
                through(action_id=action.pk, service_id=service_id)
                for spec, action in actions
                if spec.services
                for service_id in services.get(action.carrier_id, [])
            ]
        )

    def _window(self, spec: ActionSpec) -> tuple[dt.date, dt.date] | None:
        if spec.start is None:
            return None
        return spec.start, min(spec.end or self.end, self.today)

    def _recorded(self, actions: list[tuple[ActionSpec, Action]]) -> None:
        """Participations the carrier records itself (actions fed by no pathway and no referral)."""
        persons = Person.objects.count()
        rows: list[Participation] = []
        for spec, action in actions:
            window = self._window(spec)
            if not spec.recorded or window is None:
                continue
            start, end = window
            action_end = spec.end or self.end
            cap = max(6, persons // 40) if spec.status != ABANDONED else max(5, persons // 200)
            made = 0
            for person_id, first_day, last_day in self._candidates(spec.recorded, start, end, cap * 3):
                if made >= cap:
                    break
                ends_on: dt.date | None
                if spec.recorded == "iml":
                    starts_on, ends_on = max(first_day, start), last_day
                else:
                    starts_on = max(start, first_day + dt.timedelta(days=self.rng.randint(14, 150)))
                    ends_on = starts_on + dt.timedelta(days=self.rng.randint(60, 240))
                if starts_on > end:
                    continue
                if ends_on is not None and ends_on > action_end:
                    ends_on = action_end
                if ends_on is not None and ends_on > self.today:
                    ends_on = None  # still taking part
                if ends_on is None and action_end < self.today:
                    ends_on = action_end
                made += 1
                rows.append(
                    Participation(
                        person_id=person_id,
                        action_id=action.pk,
                        starts_on=starts_on,
                        ends_on=ends_on,
                        source=ParticipationSource.CARRIER,
                        recorded_by_organisation_id=action.carrier_id,
                    )
                )
        Participation.objects.bulk_create(rows, batch_size=2000)
        self.counts["steering.Participation"] += len(rows)

    def _candidates(
        self, kind: str, start: dt.date, end: dt.date, limit: int
    ) -> list[tuple[int, dt.date, dt.date | None]]:
        """Plausible participants: persons on the territory during the window, one row each, in a stable
        random order (one query)."""
        rows: Iterable[tuple[int, dt.date, dt.date | None]]
        if kind == "iml":
            rows = (
                Situation.objects.filter(domain="housing", status="iml", start_date__lte=end)
                .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
                .order_by("person_id", "start_date")
                .values_list("person_id", "start_date", "end_date")[: limit * 2]
            )
        else:
            pathways = Pathway.objects.filter(entry_date__lte=end).filter(
                Q(exit_date__isnull=True) | Q(exit_date__gte=start)
            )
            if kind == "agir":
                pathways = pathways.filter(programme=Programme.AGIR)
            elif kind == "rennes":
                pathways = pathways.filter(person__commune_id=RENNES)
            rows = pathways.order_by("person_id", "entry_date").values_list("person_id", "entry_date", "exit_date")[
                : limit * 2
            ]
        seen: dict[int, tuple[int, dt.date, dt.date | None]] = {}
        for person_id, first_day, last_day in rows:
            seen.setdefault(person_id, (person_id, first_day, last_day))
        found = list(seen.values())
        self.rng.shuffle(found)
        return found[:limit]

    def _reached(self, actions: list[tuple[ActionSpec, Action]]) -> dict[tuple[int, int], int]:
        """Distinct persons per action and year (one query over the contract's participations)."""
        persons: dict[tuple[int, int], set[int]] = defaultdict(set)
        last = self.today.year
        for action_id, person_id, starts_on, ends_on in Participation.objects.filter(
            action_id__in=[action.pk for _spec, action in actions]
        ).values_list("action_id", "person_id", "starts_on", "ends_on"):
            for year in range(starts_on.year, min((ends_on.year if ends_on else last), last) + 1):
                persons[(action_id, year)].add(person_id)
        return {key: len(value) for key, value in persons.items()}

    # Money -------------------------------------------------------------------------------------------

    def _years(self, spec: ActionSpec) -> list[int]:
        if spec.start is None:
            return []
        first = SIGNED_ON.year if spec.state_2020 else spec.start.year
        last = min((spec.end or self.end).year, self.today.year)
        return list(range(first, last + 1))

    def _budget(self, actions: list[tuple[ActionSpec, Action]]) -> None:
        raw: dict[int, float] = defaultdict(float)
        for spec, _action in actions:
            for year in self._years(spec):
                if year > SIGNED_ON.year:
                    raw[year] += spec.state
        envelope = {year: self.rng.randrange(220, 296) * 1000 for year in sorted(raw)}
        lines: list[BudgetLine] = []
        for spec, action in actions:
            for year in self._years(spec):
                if year == SIGNED_ON.year:
                    amounts: list[tuple[str, Decimal]] = [(CoFunder.STATE_P104, Decimal(spec.state_2020))]
                else:
                    state = float(_money(spec.state * envelope[year] / raw[year]))
                    amounts = [(CoFunder.STATE_P104, Decimal(state))] + [
                        (funder, _money(state * share * self.rng.uniform(0.85, 1.15)))
                        for funder, share in spec.cofunders
                    ]
                for funder, granted in amounts:
                    lines.append(self._line(spec, action, year, funder, granted))
        bulk_create_with_history(lines, BudgetLine, batch_size=1000)
        self.counts["steering.BudgetLine"] += len(lines)

    def _line(self, spec: ActionSpec, action: Action, year: int, funder: str, granted: Decimal) -> BudgetLine:
        """requested ≥ granted ≥ committed ≥ paid: past years paid (the balance of last year sometimes
        still due), the current year's advance only."""
        ask = self.rng.choice((1.0, 1.0, 1.0, 1.05, 1.1, 1.2))
        requested = granted if ask == 1.0 else max(granted, _money(float(granted) * ask))
        committed = granted
        if year == self.today.year and funder == CoFunder.EU_FUNDS and self.rng.random() < 0.4:
            committed = Decimal(0)  # the European funds' agreement is not signed yet
        if spec.status == ABANDONED:
            paid = _money(float(committed) * 0.5)
        elif year < self.today.year - 1:
            paid = committed
        elif year == self.today.year - 1:
            paid = committed if self.rng.random() < 0.7 else _money(float(committed) * 0.8)
        else:
            paid = _money(float(committed) * self.rng.choice((0.5, 0.6, 0.7)))
        line = BudgetLine(
            action=action, year=year, co_funder=funder, requested=requested, granted=granted, committed=committed
        )
        line.paid = min(paid, committed)
        return line

    def _targets(self, actions: list[tuple[ActionSpec, Action]], reached: dict[tuple[int, int], int]) -> None:
        indicators = {i.code: i for i in IndicatorDefinition.objects.filter(is_active=True)}
        targets: list[Target] = []
        for spec, action in actions:
            if spec.status == DRAFT:
                continue
            for year in self._years(spec):
                if year == SIGNED_ON.year:
                    continue
                has_persons = spec.programmes or spec.services or spec.recorded
                if has_persons and "persons_reached" in indicators:
                    actual = reached.get((action.pk, year), 0)
                    value = max(5, round(actual * self.rng.uniform(0.9, 1.3) / 5) * 5)
                    targets.append(
                        Target(action=action, indicator=indicators["persons_reached"], year=year, value=value)
                    )
                rate = RATE_TARGETS.get(spec.theme)
                if has_persons and rate and rate[0] in indicators:
                    value = self.rng.randrange(rate[1], rate[2] + 1, 5)
                    targets.append(Target(action=action, indicator=indicators[rate[0]], year=year, value=value))
        Target.objects.bulk_create(targets)
        self.counts["steering.Target"] += len(targets)

    # Calls for projects ------------------------------------------------------------------------------

    def _calls(self, contract: Contract, actions: list[tuple[ActionSpec, Action]]) -> None:
        calls: dict[int, CallForProjects] = {}
        for year in range(SIGNED_ON.year, self.today.year + 1):
            opens, closes, _decided = _call_dates(year)
            calls[year] = CallForProjects.objects.create(
                contract=contract,
                year=year,
                title=f"Appel à projets {year} — accueil et intégration des réfugiés",
                opens_on=min(opens, self.today),
                closes_on=max(closes, min(opens, self.today)),
            )
        self.counts["steering.CallForProjects"] += len(calls)
        requested: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        for action_id, year, amount in BudgetLine.objects.filter(
            action_id__in=[action.pk for _spec, action in actions]
        ).values_list("action_id", "year", "requested"):
            requested[(action_id, year)] += amount
        applications: list[Application] = []
        for spec, action in actions:
            if spec.start is None or spec.carrier in ("metropole", "ville"):
                continue  # the collectivity's own actions answer no call
            year = SIGNED_ON.year if spec.start <= FIRST_WAVE else spec.start.year
            call = calls[year]
            received = call.opens_on + dt.timedelta(days=self.rng.randint(5, (call.closes_on - call.opens_on).days))
            decided = max(received, min(_call_dates(year)[2], spec.start - dt.timedelta(days=10)))
            applications.append(
                Application(
                    call=call,
                    organisation_id=action.carrier_id,
                    title=action.title,
                    requested_amount=requested.get((action.pk, year), Decimal(0)),
                    received_on=received,
                    decision=Decision.SELECTED,
                    decided_on=decided,
                    action=action,
                )
            )
        pool = [(key, title) for key, title in OTHER_PROJECTS if key in self.orgs]
        self.rng.shuffle(pool)
        for year, call in calls.items():
            current = year == self.today.year
            decided_on = _call_dates(year)[2]
            count = 3 if current else self.rng.randint(1, 2)
            for index in range(count):
                if not pool:
                    break
                key, title = pool[(year + index) % len(pool)]
                span = max(0, (min(call.closes_on, self.today) - call.opens_on).days)
                received = call.opens_on + dt.timedelta(days=self.rng.randint(0, span))
                pending = current and (index > 0 or self.today < decided_on)
                applications.append(
                    Application(
                        call=call,
                        organisation=self.orgs[key],
                        title=title,
                        requested_amount=_money(self.rng.randint(8, 40) * 1000),
                        received_on=received,
                        decision=Decision.PENDING if pending else Decision.REJECTED,
                        decided_on=None if pending else max(received, decided_on),
                    )
                )
        for application in applications:
            application.full_clean(exclude=["action"])
        Application.objects.bulk_create(applications)
        self.counts["steering.Application"] += len(applications)

    # Bilans ------------------------------------------------------------------------------------------

    def _bilans(self, actions: list[tuple[ActionSpec, Action]], reached: dict[tuple[int, int], int]) -> None:
        writers: dict[int, list[int]] = defaultdict(list)
        for organisation_id, user_id in (
            Membership.objects.active()
            .filter(
                organisation_id__in={action.carrier_id for _spec, action in actions},
                role__in=[Role.REFERENT, Role.ORG_ADMIN],
            )
            .order_by("user__email")
            .values_list("organisation_id", "user_id")
        ):
            writers[organisation_id].append(user_id)
        reports: list[QualitativeReport] = []
        for spec, action in actions:
            if spec.status == DRAFT or not writers.get(action.carrier_id):
                continue
            for year in self._years(spec):
                if year == SIGNED_ON.year or year >= self.today.year or self.rng.random() < 0.12:
                    continue
                reports.append(
                    QualitativeReport(
                        action=action,
                        year=year,
                        text=self._text(spec, year, reached.get((action.pk, year), 0)),
                        written_by_id=self.rng.choice(writers[action.carrier_id]),
                    )
                )
        QualitativeReport.objects.bulk_create(reports)
        self.counts["steering.QualitativeReport"] += len(reports)

    def _text(self, spec: ActionSpec, year: int, persons: int) -> str:
        sentences: list[str] = []
        if spec.theme not in ("coordination", "professionals"):
            opening = self.rng.choice(OPENINGS) if persons >= 5 else OPENING_FEW
            sentences.append(opening.format(year=year, n=persons))
        sentences += self.rng.sample(THEMES[spec.theme], self.rng.randint(1, 2))
        last_year = spec.end is not None and year == spec.end.year
        if spec.status == ABANDONED and last_year:
            sentences.append(CLOSING_ABANDONED)
        elif spec.status == DONE and last_year:
            sentences.append(CLOSING_DONE)
        elif len(sentences) < 3 or self.rng.random() < 0.5:
            sentences.append(self.rng.choice(CLOSINGS))
        return " ".join(sentences[:4])


def seed_contract(*, seed: int, today: dt.date, log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """The Rennes contract of the demo; rows written per model (``steering.<Model>``)."""
    return ContractSeeder(seed=seed, today=today, log=log or (lambda message: None)).run()
