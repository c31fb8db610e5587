"""An inline SVG map of the communes, drawn server-side from their GeoJSON boundaries (WGS84).

Simple equirectangular projection: x = longitude × cos(48°), y = −latitude, scaled to the viewBox.
No JavaScript, no tiles, nothing fetched from the internet.
"""

import math
from dataclasses import dataclass

from ancrage.territory.models import Commune

COS_LAT = math.cos(math.radians(48))
WIDTH = 640
# Sequential shades (DSFR "bleu France" scale), lightest for zero.
SHADES = ("#f5f5fe", "#e3e3fd", "#cacafb", "#8585f6", "#6a6af4", "#000091")


@dataclass
class CommuneShape:
    insee_code: str
    name: str
    count: int
    path: str
    fill: str
    dark: bool


def _rings(geometry: dict) -> list[list[list[float]]]:
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coordinates)
    if kind == "MultiPolygon":
        return [ring for polygon in coordinates for ring in polygon]
    return []


def shade(count: int, levels: list[int]) -> str:
    """The lightest shade for zero; the others by rank among the distinct non-zero counts (``levels``, sorted).

    Ranks rather than a linear scale: one large city would otherwise leave every other commune pale.
    """
    if count <= 0 or count not in levels:
        return SHADES[0]
    steps = len(SHADES) - 2
    if len(levels) == 1:
        return SHADES[-1]
    return SHADES[1 + round(levels.index(count) * steps / (len(levels) - 1))]


def commune_map(communes: list[Commune], counts: dict[str, int]) -> tuple[list[CommuneShape], str]:
    """The shapes of the communes with a boundary, and the SVG viewBox that frames them."""
    with_boundary = [(c, _rings(c.boundary)) for c in communes if isinstance(c.boundary, dict)]
    points = [(lon * COS_LAT, -lat) for _c, rings in with_boundary for ring in rings for lon, lat, *_ in ring]
    if not points:
        return [], "0 0 1 1"
    min_x = min(p[0] for p in points)
    max_x = max(p[0] for p in points)
    min_y = min(p[1] for p in points)
    max_y = max(p[1] for p in points)
    scale = WIDTH / ((max_x - min_x) or 1)
    height = (max_y - min_y) * scale
    levels = sorted({n for n in counts.values() if n > 0})
    shapes = []
    for commune, rings in with_boundary:
        parts = []
        for ring in rings:
            coords = " ".join(
                f"{(lon * COS_LAT - min_x) * scale:.1f},{(-lat - min_y) * scale:.1f}" for lon, lat, *_ in ring
            )
            parts.append(f"M{coords}Z")
        count = counts.get(commune.insee_code, 0)
        fill = shade(count, levels)
        shapes.append(
            CommuneShape(
                insee_code=commune.insee_code,
                name=commune.name,
                count=count,
                path="".join(parts),
                fill=fill,
                dark=fill in SHADES[3:],
            )
        )
    return shapes, f"0 0 {WIDTH} {height:.0f}"
