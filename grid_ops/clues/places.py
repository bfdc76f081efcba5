"""The book of the map's own names and the matching of a text against it.

A post names its place as people say it: a road (深南大道), a crossing of two roads, a road and a
house number, an estate (金湖新村, maybe 金湖新村3栋), a landmark (解放学校, a dedicated grid's name).
The book holds every such name with a point, a radius (how far the place reaches) and, for roads,
the centreline. Two matchers read a text against it:

* exact: every name, normalised (NFKC, lower case, no spaces), in one Aho–Corasick automaton
  (pyahocorasick): all names found in one pass over the text, whatever their number; overlapping
  finds keep the longest (深南大道 over 深南);
* near-miss: where the exact pass found no place, names of three characters or more that lie within
  one edit of a piece of the text (a homophone typed for the right character: 香密路 for 香蜜路, a
  character dropped: 金湖村 for 金湖新村). Candidates come from the characters a text shares with a
  name (a sparse product over the whole batch), rapidfuzz aligns each candidate with the text and
  measures the edit distance. Of the names one edit away the most likely is taken (``_most_likely``:
  one that sounds the same, pypinyin; else one the text shortens), never a guess between two; a
  three-character name only when it sounds the same.

The book is built from plain tables (the layer side reads the layers), so the engine never reads a
file or a layer itself.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from gridgov.grid_ops.orders.gazetteer import unify_units
from gridgov.grid_ops.schema import as_text

#: Names shorter than this are not matched near-misses (a two-character name is one edit from
#: too many words).
NEAR_MISS_MIN_LENGTH = 3
_LINE_TYPES = ("LineString", "MultiLineString", "LinearRing")
#: Texts looked at at once for near-misses (bounds the memory of the candidate product).
NEAR_MISS_PART = 2_000
#: Hashtags (#滨河区#) and mentions (@深圳12345) name topics and accounts, not places: no near-misses there.
_TAGS = re.compile(r"#[^#\s]{1,30}#|@\S+")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The comparable form of a text or a name: NFKC (full-width to half-width), lower case, no spaces,
    house and building numbers spelt one way (``gazetteer.unify_units``: 12# and 十二號 are 12号)."""
    return unify_units(_SPACE.sub("", unicodedata.normalize("NFKC", text).lower()), in_a_post=True)


@dataclass(frozen=True)
class Hit:
    """One name found in a text: where (in the normalised text), which places it may stand for, the
    words as written and whether they matched exactly."""

    start: int
    end: int
    places: tuple[int, ...]
    written: str
    exact: bool = True


@dataclass
class PlaceBook:
    """Every place name of the map with its point (in the working CRS, metres), radius and kind.

    ``addresses`` maps (road place, house number) to a point; ``buildings`` (estate place, building
    number) to a point; ``lines`` holds each road's centreline (None for the other kinds).
    """

    names: np.ndarray
    kinds: np.ndarray
    x: np.ndarray
    y: np.ndarray
    radius: np.ndarray
    codes: np.ndarray
    lines: list
    addresses: dict[tuple[int, int], tuple[float, float]] = field(default_factory=dict)
    buildings: dict[tuple[int, int], tuple[float, float]] = field(default_factory=dict)
    _automaton: object = None
    _near: object = None
    _crossings: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.names)

    # ------------------------------------------------------------------------------------ building
    @classmethod
    def build(
        cls,
        roads: pd.DataFrame | None = None,
        road_name_field: str = "name",
        gazetteer: pd.DataFrame | None = None,
        gazetteer_field: str = "address",
        place_name_field: str = "estate",
        landmarks: pd.DataFrame | None = None,
        landmark_name_field: str = "name",
        landmark_code_field: str = "",
    ) -> PlaceBook:
        """The book of the names in ``roads`` (line layer), ``gazetteer`` (points: standard addresses
        in ``gazetteer_field``, the estate or point of interest each belongs to in ``place_name_field``)
        and ``landmarks`` (polygons, e.g. dedicated grids). Each is a GeoDataFrame in the working CRS
        or None; a field that is absent is skipped (an empty name too)."""
        parts: list[pd.DataFrame] = []
        lines: list = []
        if roads is not None and road_name_field in roads.columns and len(roads):
            frame = _road_places(roads, road_name_field)
            lines = list(frame.pop("line"))
            parts.append(frame)
        estates = None
        if gazetteer is not None and place_name_field in gazetteer.columns and len(gazetteer):
            estates = _point_places(gazetteer, place_name_field)
            parts.append(estates)
        if landmarks is not None and landmark_name_field in landmarks.columns and len(landmarks):
            parts.append(_area_places(landmarks, landmark_name_field, landmark_code_field))
        table = (
            pd.concat(parts, ignore_index=True)
            if parts
            else pd.DataFrame({"name": [], "kind": [], "x": [], "y": [], "radius": [], "code": []})
        )
        lines = lines + [None] * (len(table) - len(lines))
        book = cls(
            names=table["name"].to_numpy(dtype=object),
            kinds=table["kind"].to_numpy(dtype=object),
            x=table["x"].to_numpy(dtype=float),
            y=table["y"].to_numpy(dtype=float),
            radius=table["radius"].to_numpy(dtype=float),
            codes=table["code"].to_numpy(dtype=object),
            lines=lines,
        )
        if gazetteer is not None and len(gazetteer) and len(book):
            book._index_gazetteer(gazetteer, gazetteer_field, place_name_field)
        return book

    def _index_gazetteer(self, gazetteer: pd.DataFrame, address_field: str, place_field: str) -> None:
        """(road, house number) and (estate, building number) → point, from the standard addresses
        (深圳市…香蜜路84号金湖新村3栋): a road's name followed by a number and 号, an estate's name
        followed by a number and 栋."""
        xy = _xy_of(gazetteer)
        road_index = {normalise(n): i for i, n in enumerate(self.names) if self.kinds[i] == "road"}
        place_index = {normalise(n): i for i, n in enumerate(self.names) if self.kinds[i] == "estate"}
        if address_field in gazetteer.columns and road_index:
            pattern = re.compile(
                "(" + "|".join(map(re.escape, sorted(road_index, key=len, reverse=True))) + r")(\d+)号"
            )
            for text, (x, y) in zip(as_text(gazetteer[address_field]).map(normalise), xy):
                match = pattern.search(text)
                if match and np.isfinite(x):
                    self.addresses.setdefault((road_index[match.group(1)], int(match.group(2))), (x, y))
        if address_field in gazetteer.columns and place_field in gazetteer.columns:
            places = as_text(gazetteer[place_field]).map(normalise).to_numpy(dtype=object)
            texts = as_text(gazetteer[address_field]).map(normalise).to_numpy(dtype=object)
            for place, text, (x, y) in zip(places, texts, xy):
                index = place_index.get(place)
                if index is None or not place or not np.isfinite(x):
                    continue
                match = re.search(re.escape(place) + r"(\d+)(?:栋|号楼|幢|座)", text)
                if match:
                    self.buildings.setdefault((index, int(match.group(1))), (x, y))

    # ------------------------------------------------------------------------------------ matching
    @property
    def automaton(self):
        """The Aho–Corasick automaton of every normalised name (built on first use)."""
        if self._automaton is None:
            import ahocorasick

            automaton = ahocorasick.Automaton()
            keys: dict[str, list[int]] = {}
            for index, name in enumerate(self.names):
                key = normalise(str(name))
                if key:
                    keys.setdefault(key, []).append(index)
            for key, places in keys.items():
                automaton.add_word(key, (len(key), tuple(places)))
            if keys:
                automaton.make_automaton()
            self._automaton = automaton if keys else False
        return self._automaton

    def exact_hits(self, text: str) -> list[Hit]:
        """The names in ``text`` (normalised), overlaps resolved: the longest, then the first."""
        automaton = self.automaton
        if not automaton or not text:
            return []
        found = [(end - length + 1, end + 1, places) for end, (length, places) in automaton.iter(text)]
        found.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        hits: list[Hit] = []
        taken = np.zeros(len(text), dtype=bool)
        for start, end, places in sorted(found, key=lambda h: (-(h[1] - h[0]), h[0])):
            if taken[start:end].any():
                continue
            taken[start:end] = True
            hits.append(Hit(start, end, places, text[start:end]))
        return sorted(hits, key=lambda h: h.start)

    def near_hits(self, texts: list[str], rows: np.ndarray) -> dict[int, list[Hit]]:
        """Near-misses of the names in the texts of ``rows`` (normalised texts, indexed like ``texts``)."""
        if not len(rows) or not len(self):
            return {}
        return _NearMatcher.of(self).match(texts, rows)

    # ------------------------------------------------------------------------------------ places
    def crossing(self, a: int, b: int, snap: float = 60.0) -> tuple[float, float] | None:
        """Where the roads ``a`` and ``b`` cross or meet (the first point of their intersection;
        two roads that stop short of each other within ``snap`` metres meet halfway); None if they
        never come that close."""
        key = (min(a, b), max(a, b))
        if key not in self._crossings:
            self._crossings[key] = _crossing(self.lines[a], self.lines[b], snap)
        return self._crossings[key]


def _xy_of(frame: pd.DataFrame) -> np.ndarray:
    """Each row's point (a representative point for lines and polygons; NaN without geometry)."""
    geoms = np.asarray(frame.geometry.values, dtype=object) if "geometry" in frame.columns else None
    if geoms is None:
        return np.full((len(frame), 2), np.nan)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    points = np.where(empty, None, geoms)
    not_point = ~empty & (shapely.get_type_id(np.where(empty, shapely.Point(), geoms)) != 0)
    points[not_point] = shapely.point_on_surface(geoms[not_point])
    xy = np.full((len(frame), 2), np.nan)
    ok = ~empty
    xy[ok] = shapely.get_coordinates(points[ok].astype(object))
    return xy


def _road_places(roads: pd.DataFrame, field_name: str) -> pd.DataFrame:
    """One place per road name (segments of the same name merged), at its middle, radius half its length."""
    names = as_text(roads[field_name]).str.strip()
    rows = []
    for name, geoms in pd.Series(roads.geometry.values, index=names).groupby(level=0):
        valid = [g for g in geoms if g is not None and not g.is_empty and g.geom_type in _LINE_TYPES and g.length > 0]
        if not name or not valid:
            continue
        line = shapely.line_merge(shapely.union_all(valid))
        if line.is_empty or line.length == 0:
            continue
        middle = (
            shapely.line_interpolate_point(line, 0.5, normalized=True)
            if line.geom_type == "LineString"
            else (shapely.point_on_surface(line))
        )
        rows.append(
            {
                "name": name,
                "kind": "road",
                "x": middle.x,
                "y": middle.y,
                "radius": line.length / 2,
                "code": "",
                "line": line,
            }
        )
    return pd.DataFrame(rows, columns=["name", "kind", "x", "y", "radius", "code", "line"])


def _point_places(points: pd.DataFrame, field_name: str) -> pd.DataFrame:
    """One place per name of the points (an estate of many buildings), at their centre, radius the
    farthest point's distance from it."""
    xy = _xy_of(points)
    frame = pd.DataFrame({"name": as_text(points[field_name]).str.strip(), "x": xy[:, 0], "y": xy[:, 1]})
    frame = frame[(frame["name"] != "") & np.isfinite(frame["x"])]
    centre = frame.groupby("name", sort=True)[["x", "y"]].mean()
    far = frame.join(centre, on="name", rsuffix="_c")
    far["d"] = np.hypot(far["x"] - far["x_c"], far["y"] - far["y_c"])
    centre["radius"] = far.groupby("name")["d"].max()
    centre = centre.reset_index()
    return centre.assign(kind="estate", code="")[["name", "kind", "x", "y", "radius", "code"]]


def _area_places(areas: pd.DataFrame, field_name: str, code_field: str) -> pd.DataFrame:
    """One place per polygon (a landmark), at a point on its surface, radius that of a circle of its area."""
    xy = _xy_of(areas)
    area = shapely.area(np.asarray(areas.geometry.values, dtype=object))
    codes = as_text(areas[code_field]) if code_field and code_field in areas.columns else pd.Series([""] * len(areas))
    frame = pd.DataFrame(
        {
            "name": as_text(areas[field_name]).str.strip().to_numpy(),
            "kind": "landmark",
            "x": xy[:, 0],
            "y": xy[:, 1],
            "radius": np.sqrt(np.nan_to_num(area) / np.pi),
            "code": codes.to_numpy(),
        }
    )
    return frame[(frame["name"] != "") & np.isfinite(frame["x"])]


def _crossing(line_a, line_b, snap: float) -> tuple[float, float] | None:
    if line_a is None or line_b is None:
        return None
    meet = shapely.intersection(line_a, line_b)
    if not meet.is_empty:
        point = shapely.get_coordinates(meet)[0]
        return float(point[0]), float(point[1])
    if shapely.distance(line_a, line_b) <= snap:
        ends = shapely.get_coordinates(shapely.shortest_line(line_a, line_b))
        return float(ends[:, 0].mean()), float(ends[:, 1].mean())
    return None


class _NearMatcher:
    """Near-misses of the book's names in a batch of texts (see the module docstring)."""

    def __init__(self, book: PlaceBook) -> None:
        from scipy import sparse

        names = [normalise(str(n)) for n in book.names]
        self.names = names
        #: names whose last character must be kept: a road's suffix (路, 街) makes another road
        self.fixed_end = {n for n, k in zip(names, book.kinds) if k == "road" or len(n) <= NEAR_MISS_MIN_LENGTH}
        self.vocabulary = {c: i for i, c in enumerate(sorted({c for n in names for c in n}))}
        rows, cols = [], []
        self.needed = np.zeros(len(names), dtype=np.int32)
        for index, name in enumerate(names):
            chars = {self.vocabulary[c] for c in name}
            if len(name) < NEAR_MISS_MIN_LENGTH:
                continue
            rows.extend([index] * len(chars))
            cols.extend(chars)
            # one edit removes at most one of the name's distinct characters from the text
            self.needed[index] = len(chars) - 1
        self.matrix = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(names), max(1, len(self.vocabulary)))
        ).T.tocsr()
        self.places_of: dict[str, tuple[int, ...]] = {}
        for index, name in enumerate(names):
            self.places_of[name] = (*self.places_of.get(name, ()), index)

    @classmethod
    def of(cls, book: PlaceBook) -> _NearMatcher:
        if book._near is None:
            book._near = cls(book)
        return book._near

    def match(self, texts: list[str], rows: np.ndarray) -> dict[int, list[Hit]]:
        from rapidfuzz import fuzz
        from rapidfuzz.distance import Levenshtein
        from scipy import sparse

        per_post: dict[int, list[int]] = {}
        for first in range(0, len(rows), NEAR_MISS_PART):
            part = rows[first : first + NEAR_MISS_PART]
            r, c = [], []
            for k, row in enumerate(part):
                chars = {self.vocabulary[ch] for ch in _TAGS.sub(" ", texts[row]) if ch in self.vocabulary}
                r.extend([k] * len(chars))
                c.extend(chars)
            posts = sparse.csr_matrix(
                (np.ones(len(r), dtype=np.int32), (r, c)), shape=(len(part), self.matrix.shape[0])
            )
            shared = (posts @ self.matrix).tocoo()
            keep = (shared.data >= self.needed[shared.col]) & (self.needed[shared.col] > 0)
            for k, name_index in zip(shared.row[keep], shared.col[keep]):
                per_post.setdefault(first + int(k), []).append(int(name_index))
        found: dict[int, list[Hit]] = {}
        for k, candidates in per_post.items():
            text = _TAGS.sub(lambda m: " " * len(m.group(0)), texts[rows[k]])
            best: dict[tuple[int, int], set[str]] = {}
            for name_index in candidates:
                name = self.names[name_index]
                window = _closest_window(name, text, fuzz, Levenshtein, name in self.fixed_end)
                if window is not None:
                    best.setdefault(window, set()).add(name)
            hits = []
            for (start, end), names in best.items():
                names = _most_likely(text[start:end], names)
                if len(names) == 1:  # exactly one name: never a guess between two
                    (name,) = names
                    hits.append(Hit(start, end, self.places_of[name], text[start:end], exact=False))
            if hits:
                found[int(rows[k])] = _without_overlaps(hits)
        return found


def _closest_window(name: str, text: str, fuzz, levenshtein, fixed_end: bool) -> tuple[int, int] | None:
    """The piece of ``text`` one edit from ``name`` (a character changed, dropped or added), None if
    there is none. With ``fixed_end`` a change in the last character (路 for 街) makes another name,
    not a typo."""
    alignment = fuzz.partial_ratio_alignment(name, text, score_cutoff=50)
    if alignment is None:
        return None
    start, end = alignment.dest_start, alignment.dest_end
    found = []
    for a in (start - 1, start, start + 1):
        for b in (a + len(name), a + len(name) - 1, a + len(name) + 1, end):
            if a < 0 or b > len(text) or b - a < NEAR_MISS_MIN_LENGTH:
                continue
            piece = text[a:b]
            if piece == name or (fixed_end and piece[-1] != name[-1]):
                continue
            distance = levenshtein.distance(name, piece)
            if distance <= 1:
                found.append((distance, abs(len(piece) - len(name)), a, b))
    return min(found)[2:] if found else None


def _most_likely(piece: str, names: set[str]) -> set[str]:
    """The names ``piece`` most likely stands for, of those one edit from it: one that sounds the same
    (pypinyin, tones aside: a pinyin input method types homophones, 香密路 for 香蜜路); else one it
    shortens by a character (金湖村 for 金湖新村); else all of them (a guess between two is never made).
    A three-character name is taken only when it sounds the same: one other character makes another
    word too often (的路, 了路 are no roads)."""
    sound = _sound(piece)
    same = {n for n in names if sound is not None and _sound(n) == sound}
    if same:
        return same
    names = {n for n in names if len(n) > NEAR_MISS_MIN_LENGTH}
    if len(names) > 1:
        shortened = {n for n in names if len(n) == len(piece) + 1 and _is_subsequence(piece, n)}
        return shortened or names
    return names


@functools.lru_cache(maxsize=100_000)
def _sound(text: str) -> tuple[str, ...] | None:
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:
        return None
    return tuple(lazy_pinyin(text, style=Style.NORMAL))


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(c in chars for c in short)


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if all(hit.end <= k.start or hit.start >= k.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)
