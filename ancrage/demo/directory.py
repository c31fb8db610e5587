"""About 150 services of the demo territory, built from realistic Rennes offers. Deterministic.

Structures are attached to the demo organisations (``ancrage.demo.cast``) when they exist; the
others (a CCAS of another commune, an association without an account) are maintained by nobody.
Run it again and it updates the same rows (keyed by ``di_source`` / ``di_id``).
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ancrage.demo.cast import ORGANISATIONS
from ancrage.directory.models import Service, Structure
from ancrage.organisations.models import Organisation
from ancrage.territory.models import Commune

DEMO_SOURCE = "ancrage-demo"
RENNES = "35238"
EXILES = "personnes-exilees"
# Rennes neighbourhoods (all in the commune of Rennes) and the larger communes of the métropole.
QUARTIERS = ("Maurepas", "Villejean", "Le Blosne", "Bréquigny", "Cleunay", "Les Champs-Manceaux", "Centre")
COMMUNES = {
    "35281": "Saint-Jacques-de-la-Lande",
    "35047": "Bruz",
    "35051": "Cesson-Sévigné",
    "35055": "Chantepie",
    "35210": "Pacé",
    "35024": "Betton",
    "35353": "Vezin-le-Coquet",
    "35278": "Saint-Grégoire",
    "35240": "Le Rheu",
    "35066": "Chartres-de-Bretagne",
    "35352": "Vern-sur-Seiche",
    "35334": "Thorigné-Fouillard",
}
LANGS_EXILE = ("ara", "prs", "pus", "tir", "eng", "rus", "ukr", "kur", "som", "fas")


@dataclass
class Spec:
    key: str
    org: str | None  # organisation key in ancrage.demo.cast, or None
    structure: str
    name: str
    description: str
    thematiques: tuple[str, ...]
    types: tuple[str, ...] = ("accompagnement",)
    publics: tuple[str, ...] = (EXILES,)
    commune: str = RENNES
    address: str = ""
    languages: tuple[str, ...] = ()
    interpreting: bool = False
    min_french: str = ""
    protections: tuple[str, ...] = ()
    documents: str = ""
    hours: str = "Du lundi au vendredi, 9 h – 12 h 30 et 14 h – 17 h"
    zone: str | tuple[str, ...] = ""  # "all" (the métropole), "" (no condition), or INSEE codes
    mobilisation: tuple[str, ...] = ("envoyer-un-courriel", "telephoner")
    frais: str = "gratuit"
    capacity: tuple[int, int] | None = None
    extra: dict = field(default_factory=dict)


def _specs() -> list[Spec]:
    specs: list[Spec] = []
    fle = ("lecture-ecriture-calcul--maitriser-le-francais",)
    # French courses: ateliers sociolinguistiques (ASL) in the neighbourhoods, FLE and OFII courses.
    for i, quartier in enumerate(QUARTIERS):
        specs.append(
            Spec(
                f"asl-{i}",
                "paul_bert" if i % 2 else "secours_populaire",
                "Cercle Paul Bert" if i % 2 else "Secours populaire — antenne de Rennes",
                f"Atelier sociolinguistique (ASL) — {quartier}",
                "Atelier de français pour la vie quotidienne : se présenter, prendre un rendez-vous médical, "
                "comprendre un courrier, utiliser les transports. Deux séances de deux heures par semaine, "
                "en petits groupes, avec garde d'enfants possible.",
                fle + ("remobilisation--lien-social",),
                types=("atelier",),
                publics=(EXILES, "femmes", "familles"),
                address=f"Maison de quartier, {quartier}",
                languages=("ara",) if i % 3 == 0 else (),
                capacity=(12, 18),
            )
        )
    for code, name in COMMUNES.items():
        specs.append(
            Spec(
                f"fle-{code}",
                "langue_communication" if int(code) % 2 else "clps",
                "Langue et Communication" if int(code) % 2 else "CLPS Rennes",
                f"Cours de français langue étrangère (FLE) — {name}",
                "Cours de français langue étrangère du niveau A1 au B1, après un test de positionnement. "
                "Douze heures par semaine pendant trois mois, avec une attestation de niveau en fin de parcours.",
                fle,
                types=("formation",),
                commune=code,
                address=f"Centre social, {name}",
                documents="Titre de séjour ou récépissé ; attestation d'inscription à France Travail si inscrit.",
                capacity=(14, 20),
            )
        )
    for level, label in (("A1", "A2"), ("A2", "B1"), ("B1", "B2")):
        specs.append(
            Spec(
                f"fle-pro-{level}",
                "greta",
                "GRETA-CFA Est Bretagne",
                f"Français à visée professionnelle — vers le niveau {label}",
                "Formation intensive de français orientée vers l'emploi : vocabulaire des métiers, "
                "entretien d'embauche, consignes de sécurité. Stage en entreprise de deux semaines.",
                fle + ("se-former--monter-son-dossier-de-formation",),
                types=("formation",),
                publics=(EXILES, "demandeurs-emploi"),
                min_french=level,
                protections=("refugee", "subsidiary", "stateless", "temporary"),
                capacity=(12, 16),
            )
        )
    specs.append(
        Spec(
            "ofii-cir",
            "ofii",
            "OFII — direction territoriale de Rennes",
            "Formation linguistique du contrat d'intégration républicaine (CIR)",
            "Parcours de 100, 200 ou 400 heures de français prescrit par l'OFII lors de la signature du CIR, "
            "pour atteindre le niveau A1, puis A2 et B1.",
            fle + ("difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-a-la-citoyennete",),
            types=("formation",),
            protections=("refugee", "subsidiary", "stateless"),
            documents="Contrat d'intégration républicaine signé.",
            interpreting=True,
            zone="all",
        )
    )
    # Employment: HOPE at AFPA, CEJ at the Mission locale, France Travail.
    for trade in ("Agent de propreté et d'hygiène", "Préparateur de commandes", "Maçon", "Agent de restauration"):
        specs.append(
            Spec(
                f"hope-{trade[:12]}",
                "afpa",
                "AFPA Rennes",
                f"HOPE — {trade}",
                "Hébergement, orientation, parcours vers l'emploi (HOPE) : huit mois de formation "
                "linguistique et professionnelle en alternance, avec hébergement et restauration, "
                "pour les bénéficiaires d'une protection internationale inscrits à France Travail.",
                (
                    "se-former--monter-son-dossier-de-formation",
                    "lecture-ecriture-calcul--maitriser-le-francais",
                    "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
                ),
                types=("formation",),
                publics=(EXILES, "demandeurs-emploi"),
                min_french="A1",
                protections=("refugee", "subsidiary"),
                documents="Inscription à France Travail ; titre de séjour en cours de validité.",
                capacity=(12, 15),
                zone="all",
            )
        )
    for i, (site, code) in enumerate(
        (("Rennes centre", RENNES), ("Rennes Le Blosne", RENNES), ("Bruz", "35047"), ("Saint-Jacques", "35281"))
    ):
        specs.append(
            Spec(
                f"cej-{i}",
                "mission_locale",
                "Mission locale du bassin d'emploi de Rennes",
                f"Contrat d'engagement jeune (CEJ) — {site}",
                "Accompagnement intensif de 6 à 12 mois pour les 16–25 ans : 15 à 20 heures d'activités par "
                "semaine, allocation jusqu'à 545 euros par mois, un conseiller dédié.",
                (
                    "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
                    "choisir-un-metier--identifier-ses-points-forts-et-ses-competences",
                ),
                publics=("jeunes", EXILES),
                commune=code,
                min_french="A1",
                capacity=(30, 60),
            )
        )
    for i, (label, thematique) in enumerate(
        (
            (
                "Inscription et premier entretien",
                "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
            ),
            (
                "Atelier CV et lettre de motivation",
                "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation",
            ),
            (
                "Reconnaissance des diplômes étrangers (ENIC-NARIC)",
                "preparer-sa-candidature--valoriser-ses-competences",
            ),
            ("Découverte des métiers qui recrutent", "choisir-un-metier--connaitre-les-opportunites-demploi"),
            ("Immersion professionnelle (PMSMP)", "choisir-un-metier--confirmer-son-choix-de-metier"),
            ("Aide à la création d'entreprise", "creer-une-entreprise--definir-son-projet-de-creation-dentreprise"),
        )
    ):
        specs.append(
            Spec(
                f"ft-{i}",
                "france_travail",
                "France Travail Rennes",
                f"France Travail — {label}",
                f"{label} avec un conseiller de France Travail, sur rendez-vous. Interprétariat par téléphone "
                "possible pour le premier entretien.",
                (thematique,),
                publics=("demandeurs-emploi", EXILES),
                types=("atelier",) if "Atelier" in label else ("accompagnement",),
                interpreting=i == 0,
                min_french="" if i == 0 else "A2",
            )
        )
    for i, name in enumerate(("Espero — chantier d'insertion bâtiment", "Espero — atelier couture et retouches")):
        specs.append(
            Spec(
                f"iae-{i}",
                "espero",
                "Espero — atelier d'insertion",
                name,
                "Contrat à durée déterminée d'insertion de 26 heures par semaine, avec un accompagnement "
                "socio-professionnel et des cours de français sur le temps de travail.",
                ("preparer-sa-candidature--valoriser-ses-competences", "remobilisation--bien-etre-confiance-en-soi"),
                publics=(EXILES, "beneficiaires-des-minimas-sociaux"),
                capacity=(8, 14),
            )
        )
    # CCAS and rights.
    for i, (label, thematique) in enumerate(
        (
            (
                "Domiciliation administrative",
                "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
            ),
            ("Aide alimentaire d'urgence", "equipement-et-alimentation--alimentation"),
            ("Point conseil budget", "difficultes-financieres--ameliorer-sa-gestion-budgetaire"),
            (
                "Accès aux droits (RSA, CAF, CSS)",
                "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
            ),
            (
                "Aides financières facultatives",
                "difficultes-financieres--prevenir-une-degradation-de-la-situation-financiere",
            ),
            (
                "Ouverture d'un compte bancaire et droit au compte",
                "difficultes-financieres--acquerir-une-autonomie-budgetaire",
            ),
        )
    ):
        specs.append(
            Spec(
                f"ccas-{i}",
                "ccas",
                "CCAS de Rennes",
                f"CCAS de Rennes — {label}",
                f"{label} pour les habitants de Rennes, sur rendez-vous au pôle solidarité de votre quartier.",
                (thematique,),
                types=("aide-financiere",) if "financi" in label else ("accompagnement",),
                publics=("tous-publics",),
                zone=(RENNES,),
                address="Place de la Mairie",
                interpreting=i in (0, 3),
            )
        )
    for code, name in list(COMMUNES.items())[:9]:
        specs.append(
            Spec(
                f"ccas-{code}",
                None,
                f"CCAS de {name}",
                f"CCAS de {name} — accueil social et aides",
                "Accueil, information et orientation ; aides facultatives ; domiciliation ; instruction des "
                "demandes d'aide sociale pour les habitants de la commune.",
                (
                    "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
                    "difficultes-financieres--prevenir-une-degradation-de-la-situation-financiere",
                ),
                publics=("tous-publics",),
                commune=code,
                zone=(code,),
                address="Mairie",
            )
        )
    specs += [
        Spec(
            "caf-droits",
            "caf",
            "CAF d'Ille-et-Vilaine",
            "CAF — rendez-vous droits des bénéficiaires d'une protection",
            "Ouverture des droits aux prestations familiales, aux aides au logement et au RSA après "
            "l'obtention de la protection ; calcul des droits rétroactifs.",
            ("difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",),
            types=("information",),
            protections=("refugee", "subsidiary", "stateless", "temporary"),
            documents="Décision de l'OFPRA ou de la CNDA ; récépissé ou titre de séjour ; RIB.",
            interpreting=True,
            zone="all",
        ),
        Spec(
            "cpam-puma",
            "cpam",
            "CPAM d'Ille-et-Vilaine",
            "CPAM — affiliation PUMa et complémentaire santé solidaire",
            "Affiliation à l'assurance maladie, demande de complémentaire santé solidaire (CSS), "
            "carte Vitale, choix du médecin traitant. Rendez-vous dédiés aux personnes réfugiées.",
            (
                "sante--acces-aux-soins",
                "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
            ),
            types=("accompagnement",),
            zone="all",
            interpreting=True,
            documents="Titre de séjour ou récépissé ; acte d'état civil OFPRA si disponible.",
        ),
    ]
    # Legal aid: La Cimade.
    for i, (label, thematique) in enumerate(
        (
            (
                "Permanence juridique droit au séjour",
                "difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire",
            ),
            ("Réunification familiale : constitution du dossier", "famille--soutien-a-la-parentalite-et-a-leducation"),
            (
                "Accès aux droits et lutte contre les discriminations",
                "difficultes-administratives-ou-juridiques--connaitre-ses-droits-face-a-une-discrimination",
            ),
            (
                "Naturalisation : information et préparation",
                "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-a-la-citoyennete",
            ),
        )
    ):
        specs.append(
            Spec(
                f"cimade-{i}",
                "cimade",
                "La Cimade Rennes",
                f"La Cimade — {label}",
                f"{label}. Permanence sans rendez-vous, bénévoles formés au droit des étrangers.",
                (thematique,),
                types=("information", "accompagnement"),
                publics=(EXILES, "personnes-en-situation-juridique-specifique"),
                languages=("eng", "ara", "fas"),
                hours="Mardi et jeudi, 14 h – 17 h",
                mobilisation=("se-presenter",),
                zone="",
            )
        )
    # Housing: social landlords' desks and the SIAO.
    for landlord, org, agencies in (
        ("Archipel Habitat", "archipel", ("Rennes Nord", "Rennes Sud", "Rennes Est", "Rennes Ouest", "Rennes Centre")),
        ("Néotoa", "neotoa", ("Rennes", "Bruz", "Cesson-Sévigné", "Saint-Jacques-de-la-Lande")),
        ("Aiguillon construction", "aiguillon", ("Rennes", "Pacé", "Chantepie")),
    ):
        for agency in agencies:
            code = next((c for c, n in COMMUNES.items() if n == agency), RENNES)
            specs.append(
                Spec(
                    f"hlm-{org}-{agency}",
                    org,
                    landlord,
                    f"{landlord} — accueil demandeurs de logement, agence {agency}",
                    "Information sur la demande de logement social (numéro unique SNE), suivi du dossier, "
                    "préparation de la commission d'attribution, visite du logement proposé.",
                    (
                        "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
                        "logement-hebergement--louer-un-logement",
                    ),
                    types=("information",),
                    publics=("tous-publics",),
                    commune=code,
                    min_french="A1",
                    documents="Numéro unique de demande de logement social ; avis d'imposition ; titre de séjour.",
                )
            )
    for i, (label, thematique) in enumerate(
        (
            ("Accompagnement vers et dans le logement (AVDL)", "logement-hebergement--se-maintenir-dans-le-logement"),
            ("Intermédiation locative (IML)", "logement-hebergement--louer-un-logement"),
            ("Aide à l'installation : mobilier et équipement", "equipement-et-alimentation--electromenager"),
        )
    ):
        specs.append(
            Spec(
                f"log-{i}",
                "agir" if i != 1 else "coallia_cph",
                "Coallia — plateforme AGIR 35" if i != 1 else "Coallia — CADA et CPH de Rennes",
                label,
                f"{label} pour les bénéficiaires d'une protection internationale accompagnés sur le territoire.",
                (thematique,),
                protections=("refugee", "subsidiary", "stateless"),
                interpreting=True,
                capacity=(20, 40),
            )
        )
    # Health: Réseau Louis Guilloux, EMPP, psychotrauma.
    specs += [
        Spec(
            "lg-centre",
            "louis_guilloux",
            "Réseau Louis Guilloux",
            "Centre médical Louis Guilloux — consultations avec interprète",
            "Consultations de médecine générale et bilan de santé pour les personnes primo-arrivantes, avec "
            "un interprète professionnel présent ou par téléphone.",
            ("sante--acces-aux-soins",),
            languages=LANGS_EXILE[:6],
            interpreting=True,
            address="12 ter avenue de Pologne",
            zone="",
        ),
        Spec(
            "lg-interpretariat",
            "louis_guilloux",
            "Réseau Louis Guilloux",
            "Interprétariat médical et social (ISM) — Louis Guilloux",
            "Interprètes professionnels en 30 langues pour les rendez-vous médicaux et sociaux, "
            "sur réservation par les professionnels.",
            ("sante--acces-aux-soins",),
            types=("aide-materielle",),
            publics=("tous-publics",),
            languages=LANGS_EXILE,
            interpreting=True,
            zone="",
        ),
        Spec(
            "lg-pass",
            "louis_guilloux",
            "Réseau Louis Guilloux",
            "Santé des femmes exilées — suivi de grossesse et santé sexuelle",
            "Consultations de sage-femme, contraception, dépistage, accompagnement des femmes victimes de "
            "violences, avec interprète.",
            ("sante--sante-sexuelle", "famille--surmonter-conflits-separation-violence"),
            publics=("femmes", EXILES),
            interpreting=True,
            languages=("ara", "tir", "som"),
        ),
        Spec(
            "empp-psy",
            "empp",
            "Équipe mobile psychiatrie précarité (EMPP 35)",
            "Consultations de psychotraumatologie transculturelle",
            "Évaluation et prise en charge du psychotraumatisme lié à l'exil, en consultation ou en équipe "
            "mobile, avec interprète ; orientation vers le centre régional du psychotraumatisme.",
            ("sante--sante-mentale",),
            interpreting=True,
            capacity=(10, 20),
        ),
        Spec(
            "empp-groupe",
            "empp",
            "Équipe mobile psychiatrie précarité (EMPP 35)",
            "Groupe de parole pour personnes exilées",
            "Groupe de parole mensuel animé par un psychologue et un médiateur, en arabe et en dari.",
            ("sante--sante-mentale", "remobilisation--bien-etre-confiance-en-soi"),
            types=("atelier",),
            languages=("ara", "prs"),
        ),
        Spec(
            "crp-psy",
            None,
            "Centre régional du psychotraumatisme Bretagne",
            "Centre régional du psychotraumatisme — consultations spécialisées",
            "Prise en charge spécialisée des troubles de stress post-traumatique, sur orientation médicale.",
            ("sante--sante-mentale",),
            mobilisation=("envoyer-un-courriel",),
            interpreting=True,
            zone="",
        ),
    ]
    # Mobility: driving-licence exchange, social driving school, solidarity fares.
    specs += [
        Spec(
            "permis-echange",
            "agir",
            "Coallia — plateforme AGIR 35",
            "Aide à l'échange du permis de conduire étranger",
            "Vérification de l'éligibilité à l'échange (délai d'un an pour les réfugiés à compter du titre), "
            "constitution du dossier ANTS, traduction officielle du permis.",
            (
                "mobilite--preparer-un-permis",
                "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
            ),
            protections=("refugee", "subsidiary", "stateless"),
            documents="Permis étranger original ; titre de séjour ; justificatif de domicile.",
            interpreting=True,
        ),
        Spec(
            "auto-ecole-sociale",
            None,
            "Auto-école sociale Rennes Mobilité",
            "Auto-école sociale — code et conduite adaptés",
            "Préparation au code et à la conduite avec une pédagogie adaptée aux personnes qui apprennent le "
            "français ; tarif solidaire.",
            ("mobilite--preparer-un-permis",),
            types=("formation",),
            frais="payant",
            min_french="A2",
            capacity=(10, 20),
        ),
        Spec(
            "star-solidaire",
            "metropole",
            "Rennes Métropole",
            "Tarification solidaire des transports STAR",
            "Réduction de 50 à 100 % sur l'abonnement bus et métro selon le quotient familial.",
            ("mobilite--financer-ma-mobilite",),
            types=("aide-financiere",),
            publics=("tous-publics",),
            zone="all",
        ),
        Spec(
            "velo-solidaire",
            "utopia",
            "Utopia 56 Rennes",
            "Vélos solidaires et apprentissage du vélo",
            "Prêt de vélos et ateliers d'apprentissage du vélo en ville pour les personnes exilées.",
            ("mobilite--mobilite-douce-partagee-collective",),
            types=("aide-materielle", "atelier"),
        ),
    ]
    # Digital inclusion and social life in several communes.
    for code, name in list(COMMUNES.items())[:8]:
        specs.append(
            Spec(
                f"num-{code}",
                None,
                f"Espace public numérique de {name}",
                f"Espace numérique — aide aux démarches en ligne, {name}",
                "Accès libre à des ordinateurs, aide pour créer une adresse électronique, un compte ameli, "
                "CAF ou France Travail, et pour prendre un rendez-vous en préfecture.",
                ("numerique--acceder-a-des-services-en-ligne", "numerique--maitriser-les-fondamentaux-du-numerique"),
                types=("atelier",),
                publics=("tous-publics",),
                commune=code,
                zone="",
            )
        )
    for i, quartier in enumerate(QUARTIERS[:6]):
        specs.append(
            Spec(
                f"sp-alim-{i}",
                "secours_populaire",
                "Secours populaire — antenne de Rennes",
                f"Libre-service solidaire — {quartier}",
                "Aide alimentaire et vestiaire sur orientation d'un travailleur social ; accueil des familles.",
                ("equipement-et-alimentation--alimentation", "equipement-et-alimentation--habillement"),
                types=("aide-materielle",),
                publics=("tous-publics",),
                address=f"{quartier}",
            )
        )
    for i, (label, thematique) in enumerate(
        (
            ("Parrainage citoyen de personnes réfugiées", "remobilisation--lien-social"),
            ("Sorties culturelles et sportives", "remobilisation--activites-sportives-et-culturelles"),
            ("Bénévolat et engagement associatif", "remobilisation--benevolat-action-citoyenne"),
        )
    ):
        specs.append(
            Spec(
                f"social-{i}",
                "paul_bert" if i else "sbl",
                "Cercle Paul Bert" if i else "Association Saint-Benoît Labre",
                label,
                f"{label} : rencontres entre habitants et personnes réfugiées, tout au long de l'année.",
                (thematique,),
                types=("atelier",),
            )
        )
    for i, (label, thematique) in enumerate(
        (
            ("Accueil des enfants en crèche — places réservées", "famille--garde-denfants"),
            ("Inscription scolaire et périscolaire", "famille--soutien-a-la-parentalite-et-a-leducation"),
            ("Lieu d'accueil enfants-parents (LAEP)", "famille--soutien-a-la-parentalite-et-a-leducation"),
        )
    ):
        specs.append(
            Spec(
                f"ville-{i}",
                "ville",
                "Ville de Rennes",
                f"Ville de Rennes — {label}",
                f"{label}, pour les familles installées à Rennes ; accompagnement des démarches en mairie de quartier.",
                (thematique,),
                publics=("familles",),
                zone=(RENNES,),
            )
        )
    # Neighbourhood desks: access to rights, health mediation, digital French.
    for i, quartier in enumerate(QUARTIERS):
        specs.append(
            Spec(
                f"pad-{i}",
                None,
                "Point justice de Rennes",
                f"Point justice — permanence d'accès au droit, {quartier}",
                "Consultations juridiques gratuites et confidentielles avec un avocat ou un juriste : famille, "
                "logement, travail, droit des étrangers.",
                ("difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire",),
                types=("information",),
                publics=("tous-publics",),
                address=f"Maison de quartier, {quartier}",
                mobilisation=("telephoner",),
                zone="",
            )
        )
        specs.append(
            Spec(
                f"mediation-{i}",
                "louis_guilloux",
                "Réseau Louis Guilloux",
                f"Médiation en santé — {quartier}",
                "Une médiatrice en santé accompagne vers les soins : ouverture des droits, prise de rendez-vous, "
                "accompagnement physique chez le médecin, avec interprétariat.",
                ("sante--acces-aux-soins",),
                interpreting=True,
                languages=("ara", "prs", "pus") if i % 2 else ("tir", "som", "eng"),
                address=f"{quartier}",
            )
        )
        specs.append(
            Spec(
                f"num-fle-{i}",
                "langue_communication",
                "Langue et Communication",
                f"Numérique et français — {quartier}",
                "Apprendre à utiliser un smartphone et un ordinateur tout en pratiquant le français : "
                "messagerie, démarches en ligne, sécurité.",
                (
                    "numerique--maitriser-les-fondamentaux-du-numerique",
                    "lecture-ecriture-calcul--maitriser-le-francais",
                ),
                types=("atelier",),
                address=f"{quartier}",
                capacity=(8, 12),
            )
        )
    for code, name in list(COMMUNES.items())[:8]:
        specs.append(
            Spec(
                f"epicerie-{code}",
                None,
                f"Épicerie sociale de {name}",
                f"Épicerie sociale — {name}",
                "Produits alimentaires et d'hygiène à 10 à 30 % de leur prix, sur orientation du CCAS, "
                "avec des ateliers cuisine et budget.",
                (
                    "equipement-et-alimentation--alimentation",
                    "difficultes-financieres--ameliorer-sa-gestion-budgetaire",
                ),
                types=("aide-materielle",),
                publics=("tous-publics",),
                commune=code,
                zone=(code,),
                frais="payant",
            )
        )
    for site, code in (("Rennes Nord", RENNES), ("Rennes Sud", RENNES), ("Bruz", "35047"), ("Cesson-Sévigné", "35051")):
        specs.append(
            Spec(
                f"agir-{site}",
                "agir",
                "Coallia — plateforme AGIR 35",
                f"AGIR 35 — accompagnement global vers l'emploi et le logement, {site}",
                "Accompagnement global de 24 mois des bénéficiaires d'une protection internationale : "
                "diagnostic, ouverture des droits, logement, santé, français et emploi, avec un référent unique.",
                (
                    "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
                    "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
                    "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
                ),
                protections=("refugee", "subsidiary", "stateless"),
                commune=code,
                interpreting=True,
                languages=("ara", "prs", "eng"),
                capacity=(40, 80),
                zone="all",
            )
        )
    for org, structure, label in (
        ("coallia_cph", "Coallia — CADA et CPH de Rennes", "Centre provisoire d'hébergement (CPH) Coallia"),
        ("adoma", "Adoma — CADA et CPH d'Ille-et-Vilaine", "Centre provisoire d'hébergement (CPH) Adoma"),
        ("ftda", "France terre d'asile — CPH de Rennes", "Centre provisoire d'hébergement (CPH) France terre d'asile"),
    ):
        specs.append(
            Spec(
                f"cph-{org}",
                org,
                structure,
                label,
                "Hébergement et accompagnement social, administratif et professionnel pendant neuf mois "
                "(renouvelable trois mois) des réfugiés les plus vulnérables, sur orientation de l'OFII.",
                ("logement-hebergement--rechercher-une-solution-dhebergement-temporaire",),
                protections=("refugee", "subsidiary"),
                mobilisation=("envoyer-un-courriel",),
                interpreting=True,
                capacity=(30, 90),
                zone="all",
            )
        )
    for agency, code in (("Rennes Nord", RENNES), ("Rennes Sud", RENNES), ("Rennes Est", RENNES), ("Bruz", "35047")):
        specs.append(
            Spec(
                f"ft-agence-{agency}",
                "france_travail",
                "France Travail Rennes",
                f"France Travail — agence {agency}, accueil sans rendez-vous",
                "Accueil, inscription, actualisation et orientation vers un conseiller ; ordinateurs en libre accès.",
                ("preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",),
                types=("information",),
                publics=("demandeurs-emploi",),
                commune=code,
                hours="Du lundi au vendredi, 8 h 30 – 12 h 30",
                mobilisation=("se-presenter",),
            )
        )
    specs.append(
        Spec(
            "untoit-permanence",
            "un_toit",
            "Un toit c'est un droit",
            "Un toit c'est un droit — permanence droit au logement (DALO)",
            "Aide à la constitution des recours DALO et DAHO, accompagnement des personnes sans solution de logement.",
            (
                "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
                "logement-hebergement--louer-un-logement",
            ),
            publics=("personnes-en-situation-durgence", EXILES),
            hours="Mercredi, 14 h – 18 h",
            mobilisation=("se-presenter",),
        )
    )
    return specs


def seed_directory(*, seed: int = 35) -> dict[str, int]:
    """Create or update the demo structures and services (about 150). Returns the counts."""
    rng = random.Random(seed)
    now = timezone.now()
    names = {spec.key: spec.name for spec in ORGANISATIONS}
    orgs = {o.name: o for o in Organisation.objects.filter(name__in=names.values())}
    communes = {c.insee_code: c for c in Commune.objects.all()}
    all_codes = sorted(communes)
    specs = _specs()
    services = 0
    with transaction.atomic():
        structures: dict[str, Structure] = {}
        for index, spec in enumerate(specs):
            org = orgs.get(names.get(spec.org or "", ""))
            if spec.structure not in structures:
                structure, _created = Structure.objects.update_or_create(
                    di_source=DEMO_SOURCE,
                    di_id="structure-" + slugify(spec.structure)[:180],
                    defaults={
                        "name": spec.structure[:150],
                        "organisation": org,
                        "siret": org.siret if org else "",
                        "address": spec.address if spec.address and not org else (org.address if org else ""),
                        "commune": org.commune if org and org.commune_id else communes.get(spec.commune),
                        "phone": org.phone if org else "",
                        "email": org.email if org else "",
                        "description": "",
                        "updated_at": now - timedelta(days=index % 90),
                    },
                )
                structures[spec.structure] = structure
            structure = structures[spec.structure]
            # One service in seven was last updated more than six months ago: "à actualiser".
            age = 200 + index if index % 7 == 3 else index % 120
            low, high = spec.capacity or (0, 0)
            slug = slugify(spec.key)
            service = Service.objects.filter(di_source=DEMO_SOURCE, di_id=f"service-{slug}").first() or Service(
                di_source=DEMO_SOURCE, di_id=f"service-{slug}"
            )
            service.structure = structure
            service.name = spec.name[:150]
            service.description = spec.description
            service.thematiques = list(spec.thematiques)
            service.publics = list(spec.publics)
            service.types = list(spec.types)
            service.frais = spec.frais
            service.modes_accueil = ["en-presentiel"]
            service.modes_mobilisation = list(spec.mobilisation)
            service.languages = list(spec.languages)
            service.interpreting = spec.interpreting
            service.min_french_level = spec.min_french
            service.protections_accepted = list(spec.protections)
            service.documents_required = spec.documents
            service.capacity = rng.randint(low, high) if spec.capacity else None
            service.waiting_days = rng.choice((0, 7, 10, 14, 21, 30, 45, 60, 90))
            service.opening_hours = spec.hours
            service.address = spec.address or (structure.address if structure else "")
            service.commune = communes.get(spec.commune)
            service.contact_name = "Accueil " + (org.display_name if org else spec.structure)[:120]
            service.contact_email = f"orientation.{slug}@demo.ancrage.fr"
            service.contact_phone = f"02 99 {index // 100 + 10:02d} {index % 100:02d} {(index * 7) % 100:02d}"
            service.is_active = index % 37 != 36
            service.updated_at = now - timedelta(days=age)
            service.refresh_search_text()
            service.full_clean(exclude=["structure", "zone"])
            service.save()
            if spec.zone == "all":
                zone = [communes[code] for code in all_codes]
            elif spec.zone == "":
                zone = []
            else:
                zone = [communes[code] for code in spec.zone if code in communes]
            service.zone.set(zone)
            services += 1
    return {"structures": len(structures), "services": services}
