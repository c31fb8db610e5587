"""The ROME job titles: ``GET /api/v1/rome/appellations``, the search behind job-title fields.

Reference data, no personal data: any authenticated caller may search it (authentication stays
required, as on the whole API).
"""

from django.http import HttpRequest
from ninja import Field, Query, Schema

from ancrage.rome.selectors import search_appellations

from .auth import actor_of
from .errors import ApiRouter
from .schemas import ErrorOut

router = ApiRouter(tags=["métiers (ROME)"])

MAX_LIMIT = 50


class AppellationOut(Schema):
    code: str = Field(description="Code OGR de l'appellation.")
    label: str = Field(description="Libellé de l'appellation.")
    rome_code: str = Field(description="Code de la fiche ROME (ex. N1101).")
    rome_label: str = Field(description="Libellé de la fiche ROME.")


@router.get(
    "/rome/appellations",
    url_name="rome_appellation_list",
    response={200: list[AppellationOut], 401: ErrorOut},
    summary="Recherche d'appellations ROME",
    description=(
        "Les appellations métier du ROME (France Travail) dont le libellé contient chaque mot recherché, "
        "sans tenir compte des accents ni de la casse ; les plus pertinentes d'abord, les appellations "
        "peu usitées en dernier. Une recherche vide ne renvoie rien."
    ),
)
def list_appellations(
    request: HttpRequest,
    q: str = Query("", description="Mots recherchés (ex. « aide soignant »).", max_length=100),
    limit: int = Query(20, ge=1, le=MAX_LIMIT, description="Nombre de résultats (50 au plus)."),
) -> list[dict[str, str]]:
    actor_of(request)
    return [
        {
            "code": str(appellation.code_ogr),
            "label": appellation.label,
            "rome_code": appellation.occupation.code,
            "rome_label": appellation.occupation.label,
        }
        for appellation in search_appellations(q, limit)
    ]
