"""``manage.py report annual --year YYYY --format pdf|xlsx --output FILE [--contract ID]``: the annual
report of the contract, written to a file (the same build as the interface's, without the worker)."""

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.steering.models import Contract, ReportFormat
from ancrage.steering.report import ReportError
from ancrage.steering.report_runs import build_file
from ancrage.steering.selectors import current_contract


class Command(BaseCommand):
    help = "Produit le bilan annuel du contrat territorial (PDF ou XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["annual"], help="annual : le bilan annuel du contrat")
        parser.add_argument("--year", type=int, required=True, help="année du bilan (AAAA)")
        parser.add_argument("--format", dest="fmt", choices=ReportFormat.values, required=True)
        parser.add_argument("--output", required=True, help="fichier à écrire")
        parser.add_argument("--contract", type=int, help="identifiant du contrat (par défaut : le contrat en cours)")

    def handle(self, *args: Any, **options: Any) -> None:
        contract = self._contract(options.get("contract"))
        output = Path(options["output"]).expanduser()
        self._check_writable(output)

        def progress(percent: int, step: str) -> None:
            self.stderr.write(f"{int(percent):3d} % {step}")

        try:
            content = build_file(contract, options["year"], options["fmt"], progress=progress)
        except ReportError as error:
            raise CommandError(str(error)) from error
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Impossible d'écrire le fichier {output} : {error.strerror or error}.") from error
        audit_record(
            actor=None,
            action=AuditAction.EXPORT,
            event="steering.report.export",
            obj=contract,
            details={"contract": contract.pk, "year": options["year"], "format": options["fmt"], "output": str(output)},
        )
        self.stderr.write("100 % Terminé")
        self.stdout.write(f"Bilan {options['year']} écrit dans {output} ({len(content)} octets).")

    def _contract(self, pk: int | None) -> Contract:
        if pk is not None:
            contract = Contract.objects.select_related("territory").filter(pk=pk).first()
            if contract is None:
                raise CommandError(f"Aucun contrat n'a l'identifiant {pk}.")
            return contract
        contract = current_contract()
        if contract is None:
            raise CommandError("Aucun contrat territorial n'est enregistré : il n'y a pas de bilan à produire.")
        return contract

    def _check_writable(self, output: Path) -> None:
        folder = output.parent if str(output.parent) else Path(".")
        if output.is_dir():
            raise CommandError(f"{output} est un dossier : indiquez un nom de fichier.")
        if not folder.is_dir():
            raise CommandError(f"Le dossier {folder} n'existe pas.")
        if not os.access(folder, os.W_OK) or (output.exists() and not os.access(output, os.W_OK)):
            raise CommandError(f"Impossible d'écrire dans {output} : droits insuffisants.")
