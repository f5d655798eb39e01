"""The nine districts' boundaries, shipped as data (static/partners/llr-districts.json), and drawn as SVG paths.

The file is made once from the ONS super generalised local authority boundaries (2016, the base of the ONS
Visual team's UK TopoJSON; no LLR district boundary has changed since) by `build()`: the nine districts are
cut out of the UK topology, each shared border is simplified once (so neighbours still meet exactly), and
coordinates are rounded to 4 decimal places (about 10 metres). Run it again only if the ONS boundaries change:

    python -m livesafe.partners.boundaries path/to/uk-topo.json

Licence: Open Government Licence v3.0. Source: Office for National Statistics. Contains OS data © Crown
copyright and database right 2016. The attribution is kept in the file and shown under the map.
"""
import json
import math
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from livesafe import places

FILE = Path(__file__).resolve().parents[2] / "static" / "partners" / "llr-districts.json"
TOLERANCE = 0.002  # degrees (about 150 to 200 metres): invisible at the map's size
ATTRIBUTION = ("Source: Office for National Statistics, super generalised local authority district boundaries (2016), "
               "licensed under the Open Government Licence v3.0. Contains OS data © Crown copyright and database "
               "right 2016.")
WIDTH = 460  # the SVG's drawing width; its height follows the area's shape


# --- Making the file (once) --------------------------------------------------------------------------

def _simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker on one arc; its two ends are kept, so arcs still join."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    length = math.hypot(x2 - x1, y2 - y1) or 1e-12
    far, index = 0.0, 0
    for i, (x, y) in enumerate(points[1:-1], start=1):
        distance = abs((y2 - y1) * x - (x2 - x1) * y + x2 * y1 - y2 * x1) / length
        if distance > far:
            far, index = distance, i
    if far <= tolerance:
        return [points[0], points[-1]]
    return _simplify(points[:index + 1], tolerance)[:-1] + _simplify(points[index:], tolerance)


def build(topology: dict, layer: str = "ltla", tolerance: float = TOLERANCE) -> dict:
    """A GeoJSON FeatureCollection of the nine districts from a TopoJSON topology of UK local authorities."""
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]

    @cache
    def arc(index: int) -> tuple:
        x = y = 0
        points = []
        for dx, dy in topology["arcs"][index]:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        return tuple(_simplify(points, tolerance))

    def ring(indexes: list) -> list:
        out = []
        for i in indexes:
            points = list(arc(i)) if i >= 0 else list(reversed(arc(~i)))
            out.extend(points if not out else points[1:])
        return [[round(x, 4), round(y, 4)] for x, y in out]

    features = []
    wanted = {d.code for d in places.DISTRICTS}
    for geometry in topology["objects"][layer]["geometries"]:
        code = geometry["properties"]["areacd"]
        if code not in wanted:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        district = places.BY_CODE[code]
        features.append({"type": "Feature", "properties": {"code": code, "name": district.name},
                         "geometry": {"type": "MultiPolygon",
                                      "coordinates": [[ring(r) for r in polygon] for polygon in polygons]}})
    features.sort(key=lambda f: places.KEYS.index(places.BY_CODE[f["properties"]["code"]].key))
    assert len(features) == len(wanted), "not every district is in the topology"
    return {"type": "FeatureCollection", "name": "Leicester, Leicestershire and Rutland districts",
            "licence": "Open Government Licence v3.0", "attribution": ATTRIBUTION, "features": features}


# --- Drawing it ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shape:
    key: str
    name: str
    path: str  # SVG path data in the map's coordinates
    label: tuple[float, float]  # where the district's name and figure go


@dataclass(frozen=True)
class Outline:
    width: int
    height: int
    shapes: tuple[Shape, ...]
    attribution: str


def _centroid(ring: list) -> tuple[float, float]:
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return cx / (3 * area), cy / (3 * area)


@cache
def outline() -> Outline:
    """The districts projected for drawing: longitude shrunk by the cosine of the area's latitude (a plain
    equirectangular projection, true enough across 60 km), north up, fitted to WIDTH."""
    data = json.loads(FILE.read_text())
    rings = [(f["properties"]["code"], polygon[0]) for f in data["features"] for polygon in f["geometry"]["coordinates"]]
    lons = [x for _, r in rings for x, _ in r]
    lats = [y for _, r in rings for _, y in r]
    squash = math.cos(math.radians((min(lats) + max(lats)) / 2))
    k = (WIDTH - 8) / ((max(lons) - min(lons)) * squash)
    height = round((max(lats) - min(lats)) * k + 8)

    def xy(lon, lat):
        return 4 + (lon - min(lons)) * squash * k, 4 + (max(lats) - lat) * k

    shapes = []
    for feature in data["features"]:
        district = places.BY_CODE[feature["properties"]["code"]]
        parts, biggest = [], None
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                points = [xy(*p) for p in ring]
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
                if biggest is None or len(points) > len(biggest):
                    biggest = points
        shapes.append(Shape(district.key, district.name, "".join(parts), _centroid(biggest)))
    return Outline(WIDTH, height, tuple(shapes), data["attribution"])


# Where each district's name and figure go (map coordinates), where its centre is a poor place: Oadby and
# Wigston is too small to hold its label (it gets a leader line), Harborough's centre is near its edge.
LABELS = {"north-west-leicestershire": (72, 142), "hinckley-and-bosworth": (66, 228), "blaby": (128, 280),
          "leicester": (186, 210), "harborough": (252, 322), "oadby-and-wigston": (262, 258)}
LEADERS = {"oadby-and-wigston"}
SHADES = ("#dbe7f2", "#9fbfdb", "#5b8fbf", "#1d4b73")  # light to dark; every label has a white halo


@dataclass(frozen=True)
class Region:
    shape: Shape
    label: tuple[float, float]
    leader: bool
    value: float | None
    text: str  # the figure as printed on the map
    shade: int | None  # index into SHADES; None when the figure is not shown

    @property
    def colour(self) -> str | None:
        return None if self.shade is None else SHADES[self.shade]

    @property
    def name_lines(self) -> list[str]:
        """Long names on two lines ("North West" / "Leicestershire")."""
        words = self.shape.name.split()
        if len(self.shape.name) <= 12 or len(words) < 2:
            return [self.shape.name]
        cut = (len(words) + 1) // 2
        return [" ".join(words[:cut]), " ".join(words[cut:])]


@dataclass(frozen=True)
class Choropleth:
    width: int
    height: int
    regions: list[Region]
    legend: list[tuple[str, str]]  # (colour, the range of values it stands for)
    attribution: str


def choropleth(figures: dict[str, tuple[float | None, str]]) -> Choropleth:
    """The map of {district key: (value or None, text)}: four classes of equal width from 0 to a round number
    above the largest value. The figure is printed on every district, so colour is never the only cue."""
    shown = [v for v, _ in figures.values() if v is not None]
    top = _round_up(max(shown)) if shown else 0
    step = top / len(SHADES) if top else 0
    regions = []
    for shape in outline().shapes:
        value, text = figures[shape.key]
        shade = None if value is None or not step else min(int(value // step), len(SHADES) - 1)
        regions.append(Region(shape, LABELS.get(shape.key, shape.label), shape.key in LEADERS, value, text, shade))
    legend = [(colour, f"{_number(i * step)} to under {_number((i + 1) * step)}" if i < len(SHADES) - 1
               else f"{_number(i * step)} and over") for i, colour in enumerate(SHADES)] if step else []
    shapes = outline()
    return Choropleth(shapes.width, shapes.height, regions, legend, shapes.attribution)


def _round_up(value: float) -> float:
    """The next 'round' number at or above value (1, 2, 4 or 5 times a power of ten), so the classes read easily."""
    if value <= 0:
        return 0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 4, 5, 10) if m * power >= value)


def _number(value: float) -> str:
    return f"{value:g}"


if __name__ == "__main__":
    made = build(json.loads(Path(sys.argv[1]).read_text()))
    FILE.write_text(json.dumps(made, separators=(",", ":")) + "\n")
    print(f"{FILE}: {len(made['features'])} districts, {FILE.stat().st_size} bytes")
