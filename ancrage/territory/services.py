import json
from pathlib import Path

from django.db import transaction

from .models import Commune, Territory

DEFAULT_GEOJSON = Path(__file__).parent / "data" / "rennes-metropole-communes.geojson"


def _centroid(geometry: dict) -> tuple[float, float]:
    """Mean of the outer rings' vertices: enough to place a marker or estimate distances."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    points = [point for polygon in polygons for point in polygon[0]]
    longitude = sum(p[0] for p in points) / len(points)
    latitude = sum(p[1] for p in points) / len(points)
    return latitude, longitude


@transaction.atomic
def territory_load(
    *,
    path: Path = DEFAULT_GEOJSON,
    name: str = "Rennes Métropole",
    siren: str = "243500139",
    departement: str = "35",
    cog_vintage: int = 2018,
) -> tuple[Territory, int]:
    """Load (or refresh) a territory and its communes from a GeoJSON FeatureCollection."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    territory, _ = Territory.objects.update_or_create(
        name=name, defaults={"siren": siren, "departement": departement, "cog_vintage": cog_vintage}
    )
    count = 0
    for feature in data["features"]:
        properties = feature["properties"]
        latitude, longitude = _centroid(feature["geometry"])
        Commune.objects.update_or_create(
            insee_code=properties["code_insee"],
            defaults={
                "name": properties["nom"],
                "territory": territory,
                "boundary": feature["geometry"],
                "latitude": latitude,
                "longitude": longitude,
            },
        )
        count += 1
    return territory, count
