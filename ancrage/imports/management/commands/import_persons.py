"""``import_persons FILE --organisation SIRET_OR_ID --user EMAIL [--sheet S] [--mapping NAME] [--wet-run]``.

A dry run by default: it reads the file, maps the columns (the saved mapping named ``--mapping``, else
the saved mapping whose titles match, else the suggestions from the titles), checks every line and
prints the report in French; nothing is written. ``--wet-run`` writes, synchronously.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from ancrage.imports import pipeline, services
from ancrage.imports.errors import ReadError
from ancrage.imports.fields import BY_CODE, suggest_mapping
from ancrage.imports.models import DuplicatePolicy, ImportMapping, ImportRun
from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Membership, Organisation


class Command(BaseCommand):
    help = (
        "Importe les personnes d'un tableur (XLSX, ODS, CSV) pour une organisation. Simulation par défaut : "
        "le rapport dit ce qui serait créé et refusé ; --wet-run pour écrire."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--organisation", required=True, help="SIRET ou identifiant de l'organisation.")
        parser.add_argument("--user", required=True, help="Adresse du référent ou de l'administrateur qui importe.")
        parser.add_argument("--sheet", default=None, help="La feuille à importer (sinon : la feuille de données).")
        parser.add_argument("--mapping", default="", help="Le nom d'une correspondance enregistrée.")
        parser.add_argument(
            "--skip-duplicates",
            action="store_true",
            help="Ne pas importer les lignes qui ont un doublon probable (sinon : créées et fusion proposée).",
        )
        parser.add_argument("--wet-run", action="store_true", help="Écrire dans la base (sinon : simulation).")

    def handle(self, *args, file: str, organisation: str, user: str, sheet, mapping: str, wet_run: bool, **options):
        actor = self._actor(organisation, user)
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Lecture impossible de {file} : {error.strerror or error}") from error
        try:
            run = services.build_run(actor=actor, name=Path(file).name, data=data, sheet=sheet)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except PermissionDenied as error:
            raise CommandError("Seuls les référents et administrateurs de l'organisation peuvent importer.") from error
        if services.needs_sheet(run):
            sheets = ", ".join(f"« {s} »" for s in run.report["sheets"])
            raise CommandError(
                f"Le fichier a plusieurs feuilles de données ({sheets}) : choisissez-en une avec --sheet."
            )
        if mapping:
            saved = ImportMapping.objects.filter(organisation_id=actor.org_id, name=mapping).first()
            if saved is None:
                raise CommandError(f"Aucune correspondance « {mapping} » n'est enregistrée pour cette organisation.")
            run.column_mapping = suggest_mapping(list(run.columns), saved.columns)
            run.value_mapping = dict(saved.values)
        try:
            run.column_mapping = services.check_column_mapping(run, run.column_mapping)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if options["skip_duplicates"]:
            run.duplicate_policy = DuplicatePolicy.SKIP
        self._print_mapping(run)
        try:
            if not wet_run:
                pipeline.check_run(run, actor)
                self._print_report(run)
                self.stdout.write(self.style.WARNING("Simulation : rien n'a été écrit (--wet-run pour importer)."))
                return
            saved_run = services.import_run_create(
                actor=actor, name=Path(file).name, data=data, sheet=run.sheet or None
            )
            ImportRun.objects.filter(pk=saved_run.pk).update(
                column_mapping=run.column_mapping,
                value_mapping=run.value_mapping,
                duplicate_policy=run.duplicate_policy,
            )
            saved_run.refresh_from_db()
            done = services.import_run_execute(actor=actor, run=saved_run)
        except ReadError as error:
            raise CommandError(error.message) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self._print_report(done)
        counters = done.counters
        self.stdout.write(
            self.style.SUCCESS(
                f"Import terminé : {counters.get('created', 0)} personne(s) créée(s), "
                f"{counters.get('existing', 0)} déjà importée(s), {counters.get('rejected', 0)} ligne(s) refusée(s), "
                f"{counters.get('skipped', 0)} non importée(s) (doublon probable)."
            )
        )

    def _actor(self, organisation: str, email: str) -> Actor:
        value = organisation.replace(" ", "")
        if len(value) == 14 and value.isdigit():
            query = Q(siret=value)
        elif value.isdigit():
            query = Q(pk=int(value))
        else:
            query = Q(pk__in=[])
        org = Organisation.objects.filter(query).first()
        if org is None:
            raise CommandError(f"Organisation inconnue : {organisation}.")
        membership = (
            Membership.objects.active()
            .select_related("user", "organisation")
            .filter(organisation=org, user__email__iexact=email)
            .first()
        )
        if membership is None:
            raise CommandError(f"{email} n'est pas membre de {org}.")
        return Actor(user=membership.user, membership=membership)

    def _print_mapping(self, run: ImportRun) -> None:
        self.stdout.write(f"Fichier : {run.file_name} — feuille « {run.sheet} », titres en ligne {run.header_line}.")
        for index, title in enumerate(run.columns):
            target = run.column_mapping.get(str(index), "")
            label = BY_CODE[target].label if target else "non importée"
            self.stdout.write(f"  {title} → {label}")

    def _print_report(self, run: ImportRun) -> None:
        counters, report = run.counters, run.report
        for message in report.get("column_errors", []):
            self.stdout.write(self.style.ERROR(message))
        self.stdout.write(
            f"{counters.get('total', 0)} ligne(s) : {counters.get('new', 0)} nouvelle(s), "
            f"{counters.get('existing', 0)} déjà importée(s), {counters.get('rejected', 0)} refusée(s), "
            f"{counters.get('duplicates', 0)} doublon(s) probable(s)."
        )
        for entry in report.get("rejected", []):
            for error in entry["errors"]:
                value = f" (« {error['value']} »)" if error.get("value") else ""
                self.stdout.write(f"  ligne {entry['line']}, {error['column']}{value} : {error['message']}")
        for entry in report.get("duplicates", []):
            names = ", ".join(m["name"] for m in entry["matches"])
            self.stdout.write(f"  ligne {entry['line']} : {entry['name']}, doublon probable de {names}")
        for line in report.get("existing", []):
            self.stdout.write(f"  ligne {line} : déjà importée")
