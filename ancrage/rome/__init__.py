"""The ROME (Répertoire opérationnel des métiers et des emplois) of France Travail, as reference data.

Job fiches (``F1703``) and their appellations (the job titles people actually say), loaded from the
open-data CSV files shipped in ``data/`` by ``manage.py load_rome``. No personal data.
"""
