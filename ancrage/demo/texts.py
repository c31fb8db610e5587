"""French texts of the demo records: journal notes, plans, diagnostics, situations, addresses.

Notes stay factual and respectful. They never mention the asylum story, the grounds of
protection or anything medical: health appears only as coverage, and only in the diagnostic.
Placeholders: {civ} (M. / Mme), {nom} (last name), {langue} (interpreting language), {commune}.
"""

# --- Journal notes, by stage -------------------------------------------------------------------------

NOTES_ORIENTED = (
    "Orientation reçue de l'OFII après la signature du CIR. Convocation envoyée pour un premier entretien.",
    "Fiche d'orientation reçue. {civ} {nom} a été joint(e) par téléphone : premier rendez-vous fixé.",
    "Orientation transmise par le CADA. Dossier ouvert, en attente du premier entretien.",
)

NOTES_FIRST_INTERVIEW = (
    "Premier entretien réalisé {interprete}. Présentation du programme, de ses étapes et des engagements réciproques.",
    "Premier entretien {interprete}. {civ} {nom} souhaite en priorité trouver un logement et apprendre le français.",
    "Accueil et présentation de l'accompagnement {interprete}. Recueil des documents : titre de séjour, "
    "attestation CAF, relevé d'identité bancaire.",
)

NOTES_DIAGNOSTIC = (
    "Diagnostic partagé sur les quatre axes (droits, logement, emploi, formation). Priorités retenues : "
    "logement et français.",
    "Diagnostic réalisé {interprete}. Droits CAF ouverts, inscription à France Travail à faire, demande de "
    "logement social à déposer.",
    "Diagnostic : expérience professionnelle dans le bâtiment au pays, souhaite faire reconnaître ses compétences.",
    "Diagnostic : {civ} {nom} a travaillé dans la restauration et souhaite reprendre une activité rapidement.",
)

# (condition, text): the condition is checked against the person's situations on the note's date
# (see generator.DemoGenerator._note_conditions), so the journal agrees with the histories.
NOTES_ACCOMPANIMENT = (
    ("any", "Contrat d'engagement signé. Plan d'accompagnement établi avec {civ} {nom}."),
    ("not_housed", "Demande de logement social déposée ; numéro unique reçu. Renouvellement à prévoir dans un an."),
    (
        "not_housed",
        "Point logement : visite d'un T2 proposé par le bailleur à {commune}. {civ} {nom} est intéressé(e).",
    ),
    ("not_housed", "Dossier présenté en commission d'attribution ; réponse attendue sous trois semaines."),
    ("housed", "Bail signé dans le parc social à {commune} ; aide à l'installation demandée (FSL)."),
    ("housed", "Visite à domicile : installation terminée, compteurs et assurance habitation à jour."),
    ("hosted", "Attestation d'hébergement fournie par l'hébergeant pour la domiciliation."),
    ("job_seeker", "Inscription à France Travail effectuée ; identifiant communiqué à la personne."),
    ("job_seeker", "Atelier CV réalisé. CV traduit et mis en forme, à compléter avec les expériences récentes."),
    ("job_seeker", "Participation à un job dating organisé par France Travail dans le secteur de la propreté."),
    ("job_seeker", "Candidature envoyée pour une POEC agent de propreté et d'hygiène. Entretien de sélection prévu."),
    ("working", "Contrat de travail signé ; point prévu à un mois pour faire le bilan avec l'employeur."),
    ("working", "Point emploi : horaires compatibles avec les cours de français du soir."),
    ("hope", "Entrée en formation HOPE à l'AFPA. Point de suivi prévu avec la formatrice dans un mois."),
    ("learning", "Inscription aux cours de français à partir du mois prochain, deux matinées par semaine."),
    ("learning", "Positionnement linguistique réalisé : progrès nets à l'oral depuis l'entrée dans le programme."),
    ("any", "Dossier RSA déposé auprès de la CAF. Relance à faire si pas de réponse sous trois semaines."),
    ("any", "Ouverture d'un compte bancaire : refus reçu, saisine de la Banque de France pour le droit au compte."),
    ("any", "Demande d'échange du permis de conduire déposée en ligne (ANTS) avant la fin du délai d'un an."),
    ("any", "Carte KorriGo obtenue avec la tarification solidaire : déplacements facilités vers les cours."),
    ("any", "Demande de reconnaissance de diplôme (ENIC-NARIC) préparée avec la personne."),
    ("any", "Inscription dans un club sportif du quartier avec le soutien du Cercle Paul Bert."),
    ("any", "Souhaite s'engager comme bénévole à la banque alimentaire ; mise en relation faite."),
    ("any", "Renouvellement du titre de séjour préparé ; rendez-vous pris en préfecture."),
    ("any", "Rendez-vous manqué ; message laissé. {civ} {nom} a rappelé et un nouveau créneau a été fixé."),
    ("any", "Point d'étape : démarches administratives à jour."),
    ("any", "Déclaration trimestrielle de ressources faite avec la personne sur le site de la CAF."),
    ("children", "Enfants inscrits à l'école du quartier ; rendez-vous pris avec le service périscolaire."),
    ("children", "Demande de place en crèche déposée pour permettre le suivi de la formation."),
    ("abroad", "Visa long séjour demandé pour la famille ; attente du rendez-vous au consulat."),
)

NOTES_SUSPENDED = (
    "Accompagnement suspendu à la demande de {civ} {nom}, en formation intensive à temps plein pendant trois mois.",
    "Suspension : séjour prolongé hors du département pour raisons familiales. Reprise à prévoir au retour.",
    "Pas de nouvelles malgré trois relances. Accompagnement suspendu, reprise dès que la personne se manifeste.",
)

NOTES_EXIT = {
    "positive": (
        "Sortie positive : logement durable et emploi durable. Bilan de fin de parcours remis.",
        "Fin de l'accompagnement : bail signé et contrat de travail durable. Objectifs atteints.",
    ),
    "completed": (
        "Fin de l'accompagnement : objectifs du plan atteints ; relais pris par le droit commun.",
        "Fin de l'action : participation régulière, objectifs atteints. Bilan remis à la personne.",
    ),
    "duration": (
        "Fin de l'accompagnement à l'issue des 24 mois. Relais pris par le droit commun (CDAS, France Travail).",
    ),
    "moved": (
        "Sortie : déménagement hors du département pour rejoindre de la famille. Dossier transmis avec "
        "l'accord de la personne.",
    ),
    "dropped_out": ("Sortie : perte de contact depuis plusieurs mois malgré les relances.",),
    "reoriented": ("Sortie : réorientation vers un accompagnement plus adapté, avec l'accord de la personne.",),
    "other": ("Sortie du dispositif à la demande de la personne.",),
}

NOTES_PRIVATE = (
    "Penser à rappeler {civ} {nom} avant vendredi pour le dossier CAF.",
    "À voir avec la coordinatrice logement : proposition possible sur le contingent préfectoral.",
    "Relancer le bailleur sur la date de commission d'attribution.",
    "Préparer la liste des pièces pour la demande de logement avant le prochain rendez-vous.",
)

NOTES_PARTNER = (
    "Point téléphonique avec la conseillère France Travail : inscription validée, atelier prévu.",
    "Échange avec le bailleur : dossier complet, passage en commission d'attribution le mois prochain.",
    "Échange avec le CCAS : aide facultative accordée pour l'installation.",
)

# --- Diagnostic -----------------------------------------------------------------------------------

DIAGNOSTIC_TEXTS = {
    "rights": (
        "Droits CAF ouverts, titre de séjour valide. Pas de besoin particulier.",
        "Dossier CAF en cours ; compte bancaire à ouvrir.",
        "Droits CAF à ouvrir (RSA) ; pas de compte bancaire ; récépissé à renouveler.",
        "Aucun droit ouvert ; domiciliation à organiser en priorité.",
    ),
    "housing": (
        "Logé(e) de façon autonome, bail à son nom.",
        "Hébergé(e) chez un tiers, demande de logement social déposée.",
        "Hébergé(e) dans le dispositif national d'accueil, date de sortie fixée ; pas de solution identifiée.",
        "Sans solution d'hébergement stable ; demande SIAO à faire en urgence.",
    ),
    "employment": (
        "En emploi durable.",
        "Inscrit(e) à France Travail ; expérience dans le bâtiment au pays.",
        "Jamais inscrit(e) à France Travail ; projet professionnel à construire.",
        "Sans activité ni projet ; freins linguistiques et de garde d'enfants.",
    ),
    "language": (
        "Français courant.",
        "Niveau A2 à l'oral, écrit à consolider.",
        "Niveau A1 ; cours à trouver en dehors des heures de travail.",
        "Non lecteur, non scripteur ; parcours de 600 heures à envisager.",
    ),
    "health": (
        "Couverture maladie à jour (PUMa et complémentaire santé solidaire).",
        "PUMa ouverte ; complémentaire santé solidaire à demander.",
        "Pas de médecin traitant déclaré ; carte Vitale à demander.",
        "Aucune couverture maladie ouverte.",
    ),
    "mobility": (
        "Se déplace sans difficulté.",
        "Carte KorriGo à demander (tarification solidaire).",
        "Permis étranger à échanger avant la fin du délai d'un an.",
        "Ne connaît pas encore le réseau de transport ; accompagnement aux déplacements.",
    ),
    "family": (
        "Pas de besoin lié à la famille.",
        "Enfants scolarisés ; inscription à la cantine à faire.",
        "Mode de garde à trouver pour suivre les cours de français.",
        "Famille à l'étranger : réunification familiale à préparer.",
    ),
    "social": (
        "Bien entouré(e), réseau amical et associatif.",
        "Souhaite rejoindre une activité sportive.",
        "Peu de liens en dehors de la communauté ; ateliers collectifs proposés.",
        "Isolement important ; orientation vers des activités de quartier.",
    ),
}

# --- Plan: theme -> [(objective, [actions])] -----------------------------------------------------

PLAN = {
    "rights": (
        ("Ouvrir les droits CAF", ("Constituer le dossier RSA", "Déclarer les ressources trimestrielles")),
        (
            "Ouvrir un compte bancaire",
            ("Demander une ouverture de compte", "Saisir la Banque de France (droit au compte)"),
        ),
        ("Obtenir la carte de résident", ("Réunir les pièces du dossier ANEF", "Retirer le titre en préfecture")),
    ),
    "housing": (
        (
            "Accéder à un logement social",
            (
                "Déposer la demande de logement social",
                "Préparer la commission d'attribution",
                "Signer le bail et organiser l'installation",
            ),
        ),
        (
            "Sortir de l'hébergement vers un logement adapté",
            ("Déposer une demande SIAO", "Visiter la résidence sociale proposée"),
        ),
        ("Renouveler la demande de logement social", ("Renouveler la demande avant la date anniversaire",)),
    ),
    "employment": (
        (
            "S'inscrire à France Travail et définir un projet professionnel",
            ("S'inscrire à France Travail", "Participer à un atelier projet"),
        ),
        (
            "Trouver un emploi durable",
            ("Rédiger un CV", "Participer à un job dating", "Préparer les entretiens d'embauche"),
        ),
        ("Faire reconnaître ses diplômes", ("Déposer la demande ENIC-NARIC", "Faire traduire les diplômes")),
    ),
    "language": (
        ("Atteindre le niveau A2 à l'oral", ("S'inscrire aux cours de français", "Passer un test de positionnement")),
        ("Suivre un parcours de français à visée professionnelle", ("S'inscrire au parcours FLE pro",)),
        ("Obtenir une certification en français", ("S'inscrire au DELF", "Passer l'examen")),
    ),
    "health": (
        ("Ouvrir la complémentaire santé solidaire", ("Déposer la demande de complémentaire santé solidaire",)),
        ("Déclarer un médecin traitant", ("Trouver un médecin traitant", "Demander la carte Vitale")),
    ),
    "mobility": (
        ("Échanger le permis de conduire étranger", ("Déposer la demande d'échange sur le site de l'ANTS",)),
        ("Obtenir la carte KorriGo solidaire", ("Faire la demande de tarification solidaire",)),
    ),
    "family": (
        ("Scolariser les enfants", ("Inscrire les enfants à l'école", "Inscrire les enfants à la cantine")),
        ("Trouver un mode de garde", ("Déposer une demande de place en crèche",)),
        (
            "Préparer la réunification familiale",
            ("Rassembler les actes d'état civil", "Demander les visas au consulat"),
        ),
    ),
    "social": (
        ("Rejoindre une activité sportive ou culturelle", ("S'inscrire dans un club du quartier",)),
        ("S'engager dans une activité bénévole", ("Rencontrer une association partenaire",)),
    ),
}

# --- Appointments ---------------------------------------------------------------------------------

APPOINTMENT_FIRST = "Premier entretien"
APPOINTMENT_DIAGNOSTIC = "Entretien de diagnostic"
APPOINTMENT_SUBJECTS = (
    "Point d'étape",
    "Point d'étape",
    "Signature du contrat d'engagement",
    "Préparation du dossier CAF",
    "Point logement (demande de logement social)",
    "Atelier CV",
    "Préparation d'un entretien d'embauche",
    "Bilan à six mois",
    "Point sur la formation",
    "Démarches bancaires",
    "Renouvellement du titre de séjour",
)
APPOINTMENT_FRANCE_TRAVAIL = (
    "Entretien d'inscription France Travail",
    "Point projet professionnel",
    "Présentation d'offres d'emploi",
)

# --- Situations -----------------------------------------------------------------------------------

JOBS = (
    "Agent de propreté",
    "Aide-maçon",
    "Commis de cuisine",
    "Préparateur de commandes",
    "Aide à domicile",
    "Plongeur en restauration",
    "Manutentionnaire",
    "Chauffeur-livreur",
    "Agent de sécurité",
    "Employé polyvalent de restauration",
    "Ouvrier agricole",
    "Soudeur",
    "Carreleur",
    "Peintre en bâtiment",
    "Retouches en atelier de couture",
    "Agent de service hospitalier",
    "Boulanger",
    "Mécanicien automobile",
)
IAE_JOBS = (
    "Maraîchage — chantier d'insertion",
    "Agent de propreté — entreprise d'insertion",
    "Atelier textile — Espero",
    "Recyclerie — atelier chantier d'insertion",
)
WORK_STUDY = (
    "Apprentissage — CAP cuisine",
    "Contrat de professionnalisation — maçon (GEIQ BTP 35)",
    "Apprentissage — électricien",
    "Contrat de professionnalisation — aide-soignant",
)
TRAININGS = {
    "hope": ("Parcours HOPE — AFPA Rennes (métiers du bâtiment)", "Parcours HOPE — AFPA Rennes (logistique)"),
    "poec": ("POEC agent de propreté et d'hygiène", "POEC préparateur de commandes", "POEC commis de cuisine"),
    "pre_qualifying": ("Prépa Avenir — Région Bretagne", "Prépa Clés — Région Bretagne"),
    "qualifying": (
        "Titre professionnel cuisinier",
        "CAP agent de propreté et d'hygiène",
        "Titre professionnel maçon",
        "CACES R489 (cariste)",
        "DEAES (accompagnant éducatif et social)",
        "Titre professionnel agent de restauration",
    ),
}
LANGUAGE_COURSES = {
    "ofii_course": (
        "Formation linguistique CIR — 200 h",
        "Formation linguistique CIR — 400 h",
        "Formation linguistique CIR — 600 h",
    ),
    "fle_course": (
        "Cours de FLE — Langue et Communication",
        "Ateliers sociolinguistiques — centre social",
        "Cours de FLE — bénévoles du Secours populaire",
    ),
    "work_french": ("Français à visée professionnelle — CLPS", "Français à visée professionnelle — GRETA"),
    "waiting_list": ("Liste d'attente — ateliers de FLE",),
}
HOUSING_DETAILS = {
    "cada": ("CADA Coallia — Rennes", "CADA Adoma — Rennes", "CADA Coallia — Saint-Jacques-de-la-Lande"),
    "huda": ("HUDA Saint-Benoît Labre", "HUDA Adoma"),
    "cph": ("CPH Coallia — Rennes", "CPH Adoma", "CPH France terre d'asile"),
    "iml": ("Intermédiation locative — bail glissant", "Intermédiation locative — Solibail"),
    "residence_sociale": ("Résidence sociale Adoma", "Résidence sociale Coallia"),
    "social_rental": ("Archipel Habitat", "Néotoa", "Aiguillon construction"),
    "fjt": ("FJT Les Estudines", "FJT Saint-Joseph"),
    "third_party": ("Hébergé(e) chez des compatriotes", "Hébergement citoyen", "Hébergé(e) par de la famille"),
}

# --- Addresses ------------------------------------------------------------------------------------

RENNES_STREETS = (
    "rue de Saint-Malo",
    "boulevard de Verdun",
    "rue de Nantes",
    "avenue Henri Fréville",
    "rue de Fougères",
    "rue de Lorient",
    "boulevard de la Liberté",
    "rue d'Antrain",
    "rue de Châtillon",
    "rue de Vern",
    "boulevard Albert 1er",
    "allée de Finlande",
    "rue de Bourgogne",
    "rue du Gros-Chêne",
    "square de Galicie",
    "rue de Brest",
    "boulevard de Cleunay",
    "avenue des Pays-Bas",
    "rue Jean Guéhenno",
    "place de Zagreb",
    "rue Pierre Martin",
    "boulevard Oscar Leroux",
    "rue de l'Alma",
    "rue Guy Ropartz",
)
OTHER_STREETS = (
    "rue de Rennes",
    "rue de la Mairie",
    "allée des Tilleuls",
    "rue de la Libération",
    "place de l'Église",
    "rue des Écoles",
    "avenue de Bretagne",
    "rue du Stade",
    "impasse des Rosiers",
    "rue Jules Verne",
)

CONSENT_PURPOSES = {
    "france_travail": "Inscription et accompagnement vers l'emploi",
    "ccas": "Accès aux droits et aides sociales facultatives",
    "archipel": "Demande de logement social et accompagnement à l'entrée dans les lieux",
    "louis_guilloux": "Orientation vers un bilan de santé et ouverture des droits santé",
}
