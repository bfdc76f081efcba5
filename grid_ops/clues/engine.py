"""A table of internet posts through ``gridgov:clues``: every post out once, with its status.

For each post, in this order:

1. **place**: the places its text names (:mod:`places`, :mod:`reading`) and its geotag, converted
   from its coordinate system (GCJ-02 on AMap / Tencent based apps, BD-09 on Baidu). Both given:
   the geotag where it lies within ``agree_distance`` (plus the place's reach) of the named place,
   being the more precise; else the named place, for a geotag is where the poster stood, which may
   be home (``evidence`` says so). Only a geotag: the geotag. A road alone places the post only when
   one grid holds most of the road; else the grids along it are its ``candidates``;
2. **classify**: the catalogue's keyword rules, and, when the existing orders carry their texts and
   classes, the learned model of ``gridgov:classify`` trained on them and on shipped examples of
   posts that are no case (see ``_classify``); otherwise ``not_a_case``;
3. **assign**: the responsible unit and person by the responsibility rule (``gridgov:geolocate``'s);
4. **deduplicate**: a case within ``distance`` metres and ``days`` days of an existing order of the
   same class (or of a class the model finds at least ``plausible_probability`` likely for the post)
   is that order's case (its ``case_id``, else its id); posts of the same class within
   ``distance`` and ``days`` of each other are one case (the rule of ``gridgov:findrepeats``: anchored
   on the first report), which is an existing order's when any of them is; the first post of a case
   nobody reported is the ``new_case``, the others ``duplicate_of`` it.

Statuses: ``new_case``, ``duplicate_of``, ``unplaced`` (a case whose place cannot be told: the
candidates are listed for a person to choose), ``not_a_case``. Posts in = posts out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from gridgov.grid_ops.clues.places import PlaceBook, normalise
from gridgov.grid_ops.clues.reading import Reading, read_place
from gridgov.grid_ops.orders import classify, positions
from gridgov.grid_ops.orders.times import parse_times
from gridgov.grid_ops.responsibility import geolocate
from gridgov.grid_ops.responsibility.geolocate import DEFAULT_TOLERANCE, RESULT_COLUMNS
from gridgov.grid_ops.runtime.paths import resource_path
from gridgov.grid_ops.schema import CLASS_CODE, PROBLEM, REPORTED_AT, RESP_CODE, as_text

STATUSES = ("new_case", "duplicate_of", "unplaced", "not_a_case")
#: A road this share of which lies in one grid places a post in that grid.
ROAD_ONE_GRID_SHARE = 0.8
#: The learned model is trained on at most this many existing orders (a seeded sample beyond it).
MAX_TRAINING_ORDERS = 20_000
#: The model's label of the shipped examples of posts that are no case.
NOT_A_CASE = "~none"
#: A post the catalogue's keywords recognise is no case only from this probability of none on: the
#: keywords are evidence the model, trained on the orders' formal wording, may not see in a post.
KEYWORDS_NOT_A_CASE_PROBABILITY = 0.7
#: A post judged no case is still attached to an existing order beside it (within the duplicates'
#: distance and days, of a class the model finds plausible for it) below this probability of none.
CONTEXT_NOT_A_CASE_PROBABILITY = 0.9
HALF = 0.5
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class CluesRequest:
    """Internet clues read as the toolbox, the dock or a script asks for it (``gridgov:clues``)."""

    #: The posts' text and time columns.
    text_field: str = "text"
    time_field: str = "posted_at"
    #: The geotag's columns ('' : no geotags) and each row's coordinate system ('' : ``coord_sys`` for all).
    x_field: str = "lon"
    y_field: str = "lat"
    coord_sys_field: str = "coord_sys"
    coord_sys: str = "gcj02"
    #: A case within this many metres and days of an existing order of its class is that order's case.
    distance: float = 300.0
    days: float = 7.0
    #: The existing orders' class, time and text columns, and the id a duplicate points to
    #: ('' : ``case_id`` when they have it, else ``order_id``, else the row number).
    existing_class_field: str = CLASS_CODE
    existing_time_field: str = REPORTED_AT
    existing_text_field: str = "description"
    existing_id_field: str = ""
    #: A post the learned model finds at least this likely to be no case is ``not_a_case``.
    not_a_case_probability: float = 0.5
    #: An existing order of another class is still the post's problem when the model finds that class
    #: at least this likely for the post (telling 生活噪声 from 商业噪声 in a post's words is the
    #: classification's least sure part); 1 or more: the post's own class only.
    plausible_probability: float = 0.1
    #: A geotag this close (metres, plus the named place's reach) to the named place is used.
    agree_distance: float = 500.0
    #: Metres outside every grid within which the nearest grid still answers (as in geolocate).
    tolerance: float = DEFAULT_TOLERANCE
    #: New case ids: this prefix and a number in time order.
    case_prefix: str = "XS"

    def missing_column(self, columns) -> tuple[str, str] | None:
        """(parameter, column) of the first posts' column named but absent; None when all are there."""
        for parameter, column in (
            ("TEXT_FIELD", self.text_field),
            ("TIME_FIELD", self.time_field),
            ("X_FIELD", self.x_field),
            ("Y_FIELD", self.y_field),
            ("COORD_SYS_FIELD", self.coord_sys_field),
        ):
            if column and column not in columns:
                return parameter, column
        return None


@dataclass
class Existing:
    """The orders and cases already reported: a frame, its points in the working CRS (NaN: none)."""

    frame: pd.DataFrame
    x: np.ndarray
    y: np.ndarray


@dataclass
class CluesResult:
    """One row per post (the clue's columns, then the responsibility rule's), its point (NaN where it
    has none) and the posts per status."""

    table: pd.DataFrame
    x: np.ndarray
    y: np.ndarray
    counts: dict[str, int]
    classifier: str


def _noop(_fraction: float, _message: str) -> None:
    return None


def read_clues(
    posts: pd.DataFrame,
    book: PlaceBook,
    hierarchy: geolocate.Hierarchy,
    target_crs: str,
    taxonomy: classify.Taxonomy,
    request: CluesRequest,
    existing: Existing | None = None,
    progress: Progress = _noop,
) -> CluesResult:
    """Every post placed, classified, assigned and checked against ``existing`` (module docstring)."""
    n = len(posts)
    texts = as_text(posts[request.text_field]).to_numpy(dtype=object) if n else np.array([], dtype=object)
    progress(0.05, "reading places")
    readings = read_places(texts, book)
    progress(0.3, "geotags")
    x, y, kind, confidence, evidence = _positions(posts, readings, target_crs, request, book)
    progress(0.4, "classifying")
    classes, method, plausible, none = _classify(texts, taxonomy, existing, request)
    is_case = classes[CLASS_CODE].to_numpy(dtype=object) != ""
    candidates = np.full(n, "", dtype=object)
    road_only = np.flatnonzero((kind == "road") & ~np.isfinite(x))
    if len(road_only) and hierarchy.grids is not None:
        _place_roads(road_only, readings, book, hierarchy, x, y, confidence, candidates)
    progress(0.6, "responsible units")
    placed = geolocate.assign(hierarchy, x, y, classes[CLASS_CODE].to_numpy(dtype=object), request.tolerance)
    has_unit = placed[RESP_CODE].to_numpy(dtype=object) != ""
    progress(0.8, "duplicates")
    times = parse_times(posts[request.time_field] if request.time_field else pd.Series([""] * n), request.time_field)
    case = is_case & has_unit
    # a post the model is not sure is none, right beside an order of a class it finds plausible for it,
    # is most likely about that order's problem
    maybe = ~is_case & has_unit & (none < CONTEXT_NOT_A_CASE_PROBABILITY) if none is not None else None
    dup = _deduplicate(
        x, y, classes[CLASS_CODE].to_numpy(dtype=object), times.times, case, existing, request, plausible, maybe
    )
    by_context = ~is_case & dup.duplicate
    if by_context.any():
        classes.loc[by_context, CLASS_CODE] = dup.order_class[by_context]
        classes.loc[by_context, "class_score"] = 0.0
        evidence = _joined(evidence, np.where(by_context, "a case by the order beside it", ""))
    is_case = is_case | by_context
    case = case | by_context
    status = np.where(
        ~is_case, "not_a_case", np.where(~case, "unplaced", np.where(dup.duplicate, "duplicate_of", "new_case"))
    )
    table = _table(posts, readings, classes, taxonomy, placed, (status, kind, confidence, evidence, candidates), dup)
    problem = np.asarray(times.problem, dtype=object)
    unchecked = np.where(case & np.isnat(times.times), "not checked for duplicates", "")
    table[PROBLEM] = _joined(table[PROBLEM].to_numpy(dtype=object), _joined(np.where(case, problem, ""), unchecked))
    progress(1.0, "done")
    counts = {s: int((status == s).sum()) for s in STATUSES}
    return CluesResult(table, x, y, counts, method)


def read_places(texts: np.ndarray, book: PlaceBook) -> list[Reading]:
    """Each text's place (:func:`reading.read_place`): the exact names first, near-misses where the
    exact ones give no spot."""
    normalised = [normalise(str(t)) for t in texts]
    hits = [book.exact_hits(t) for t in normalised]
    readings = [read_place(t, h, book) for t, h in zip(normalised, hits)]
    vague = np.array([not np.isfinite(r.x) for r in readings], dtype=bool)
    near = book.near_hits(normalised, np.flatnonzero(vague))
    for row, extra in near.items():
        merged = sorted(
            [*hits[row], *(e for e in extra if all(e.end <= h.start or e.start >= h.end for h in hits[row]))],
            key=lambda h: h.start,
        )
        better = read_place(normalised[row], merged, book)
        if np.isfinite(better.x) or (better.kind and not readings[row].kind):
            readings[row] = better
    return readings


def _positions(posts: pd.DataFrame, readings: list[Reading], target_crs: str, request: CluesRequest, book=None):
    """Each post's point, the kind of place it stands for, its confidence and the evidence (the geotag
    against the named place, see the module docstring). A post naming only roads takes its geotag
    only where it lies within ``agree_distance`` of one of them."""
    n = len(posts)
    x = np.array([r.x for r in readings], dtype=float).reshape(n)
    y = np.array([r.y for r in readings], dtype=float).reshape(n)
    radius = np.nan_to_num(np.array([r.radius for r in readings], dtype=float).reshape(n))
    kind = np.array([r.kind for r in readings], dtype=object).reshape(n)
    confidence = np.array([r.confidence for r in readings], dtype=float).reshape(n)
    evidence = np.array([r.evidence for r in readings], dtype=object).reshape(n)
    tag_x, tag_y, tag_note = _geotags(posts, target_crs, request)
    tagged = np.isfinite(tag_x) & np.isfinite(tag_y)
    named = np.isfinite(x)
    gap = np.hypot(tag_x - x, tag_y - y)
    agree = tagged & named & (gap <= request.agree_distance + radius)
    only_tag = tagged & ~named
    for i in np.flatnonzero(only_tag & (kind == "road")):
        lines = [book.lines[r] for r in readings[i].roads if book is not None and book.lines[r] is not None]
        if not lines:
            continue
        off = float(min(shapely.distance(shapely.Point(tag_x[i], tag_y[i]), line) for line in lines))
        if off > request.agree_distance:
            only_tag[i] = False
            evidence[i] += f"; geotag {tag_note[i]} {off:.0f} m from the road: not used"
    for i in np.flatnonzero(tagged & named):
        if agree[i]:
            evidence[i] += f"; geotag {tag_note[i]} {gap[i]:.0f} m away: used"
        else:
            evidence[i] += f"; geotag {tag_note[i]} {gap[i]:.0f} m away: not used (the poster may not be there)"
    for i in np.flatnonzero(only_tag):
        evidence[i] = (evidence[i] + "; " if evidence[i] else "") + f"geotag {tag_note[i]}: used"
    for i in np.flatnonzero(~tagged & (tag_note != "")):
        evidence[i] = (evidence[i] + "; " if evidence[i] else "") + f"geotag {tag_note[i]}"
    use_tag = agree | only_tag
    x = np.where(use_tag, tag_x, x)
    y = np.where(use_tag, tag_y, y)
    confidence = np.where(agree, np.maximum(confidence, 0.9), np.where(only_tag, 0.75, confidence))
    kind = np.where(only_tag, "geotag", kind)
    return x, y, kind, confidence, evidence


def _geotags(posts: pd.DataFrame, target_crs: str, request: CluesRequest):
    """The geotags in the working CRS (NaN where a post has none or an unusable one) and a note per row."""
    n = len(posts)
    nan = np.full(n, np.nan)
    note = np.full(n, "", dtype=object)
    if not (request.x_field and request.y_field) or not n:
        return nan, nan.copy(), note
    lon, lat = as_text(posts[request.x_field]), as_text(posts[request.y_field])
    systems = (
        as_text(posts[request.coord_sys_field]).str.strip().replace("", request.coord_sys)
        if request.coord_sys_field
        else pd.Series([request.coord_sys] * n)
    )
    rows = np.flatnonzero(((lon.str.strip() != "") & (lat.str.strip() != "")).to_numpy())
    tag_x, tag_y = nan.copy(), nan.copy()
    if len(rows):
        got = positions.to_target(
            lon.iloc[rows].to_numpy(dtype=object),
            lat.iloc[rows].to_numpy(dtype=object),
            systems.iloc[rows].to_numpy(dtype=object),
            target_crs,
            request.x_field,
            request.y_field,
            request.coord_sys_field or "coord_sys",
        )
        tag_x[rows], tag_y[rows] = got.x, got.y
        sys_text = systems.iloc[rows].to_numpy(dtype=object)
        note[rows] = [f"unusable ({p})" if p else s for p, s in zip(got.problem, sys_text)]
    return tag_x, tag_y, note


def _place_roads(rows, readings, book: PlaceBook, hierarchy, x, y, confidence, candidates) -> None:
    """A post that names only roads: placed on a road most of which one grid holds, else the grids
    along its roads are listed (the longest stretch first)."""
    grids = hierarchy.grids
    tree = grids.tree
    for i in rows:
        pieces: dict[int, float] = {}
        best_line = None
        for road in readings[i].roads:
            line = book.lines[road]
            if line is None:
                continue
            for g in tree.query(line, predicate="intersects"):
                length = shapely.length(shapely.intersection(line, grids.geoms[g]))
                pieces[int(g)] = pieces.get(int(g), 0.0) + float(length)
            best_line = line if best_line is None else best_line
        if not pieces:
            continue
        order = sorted(pieces, key=lambda g: -pieces[g])
        total = sum(pieces.values())
        if len(readings[i].roads) == 1 and pieces[order[0]] >= ROAD_ONE_GRID_SHARE * total:
            inside = shapely.intersection(best_line, grids.geoms[order[0]])
            point = (
                shapely.line_interpolate_point(shapely.line_merge(inside), 0.5, normalized=True)
                if (inside.geom_type in ("LineString", "MultiLineString"))
                else shapely.point_on_surface(inside)
            )
            x[i], y[i] = point.x, point.y
            confidence[i] = readings[i].confidence
            continue
        codes = grids.codes[order[:5]]
        candidates[i] = "; ".join(f"{c} ({pieces[g]:.0f} m)" for c, g in zip(codes, order[:5]))


def _classify(texts, taxonomy: classify.Taxonomy, existing: Existing | None, request: CluesRequest):
    """class_code and class_score per post ('' where it is not a case) and the method that decided.

    Without a model (no existing orders with texts) a post is a case when the catalogue's keywords
    find a class. With one, the model knows the class cases of the orders and, from the shipped
    examples of posts that are no case (``resources/taxonomy/not_a_case.csv``: praise, adverts,
    questions ...), what is none: a post is a case unless the model finds it at least
    ``not_a_case_probability`` likely to be none (:data:`KEYWORDS_NOT_A_CASE_PROBABILITY` where the
    keywords recognise a class). Its class is the keywords' where they find one and
    the model is unsure (below 0.5), else the model's, as in ``gridgov:classify``'s hybrid.
    """
    rules = classify.classify_by_rules(texts, taxonomy)
    model = _trained_model(existing, request)
    if model is None:
        return rules[[CLASS_CODE, "class_score"]], "rules", None, None
    probabilities = model.probabilities(texts)
    none = probabilities.pop(NOT_A_CASE).to_numpy() if NOT_A_CASE in probabilities else np.zeros(len(texts))
    columns = np.asarray(probabilities.columns, dtype=object)
    values = probabilities.to_numpy()
    top = values.argmax(axis=1) if values.size else np.zeros(len(texts), dtype=int)
    learned = columns[top] if len(columns) else np.full(len(texts), "", dtype=object)
    score = values[np.arange(len(texts)), top] if values.size else np.zeros(len(texts))
    by_rules = rules[CLASS_CODE].to_numpy(dtype=object)
    recognised = by_rules != ""
    case = (none < request.not_a_case_probability) | (recognised & (none < KEYWORDS_NOT_A_CASE_PROBABILITY))
    use_rules = (by_rules != "") & (score < HALF)
    codes = np.where(case, np.where(use_rules, by_rules, learned), "")
    scores = np.where(case, np.where(use_rules, rules["class_score"].to_numpy(), score), 0.0)
    likely = values >= request.plausible_probability
    plausible = [set(columns[row]) for row in likely]
    chosen = pd.DataFrame({CLASS_CODE: codes, "class_score": np.round(scores, 3)})
    return chosen, "hybrid", plausible, none


def _trained_model(existing: Existing | None, request: CluesRequest):
    """The learned classifier trained on the existing orders' texts and classes and on the shipped
    examples of posts that are no case (None when the orders have no texts or classes, too few, or
    scikit-learn is missing: the keywords classify alone then)."""
    if existing is None:
        return None
    frame = existing.frame
    if request.existing_text_field not in frame.columns or request.existing_class_field not in frame.columns:
        return None
    labels = as_text(frame[request.existing_class_field]).str.strip()
    texts = as_text(frame[request.existing_text_field])
    known = np.flatnonzero((labels != "").to_numpy() & (texts != "").to_numpy())
    if len(known) > MAX_TRAINING_ORDERS:
        known = np.sort(np.random.default_rng(0).choice(known, MAX_TRAINING_ORDERS, replace=False))
    if len(set(labels.iloc[known])) < 2:
        return None
    none = not_a_case_examples()
    train_texts = np.concatenate([texts.iloc[known].to_numpy(dtype=object), none])
    train_labels = np.concatenate([labels.iloc[known].to_numpy(dtype=object), np.full(len(none), NOT_A_CASE, object)])
    try:
        return classify.LearnedClassifier().fit(train_texts, train_labels)
    except ValueError:
        return None


def not_a_case_examples() -> np.ndarray:
    """The shipped examples of posts that are no case (``resources/taxonomy/not_a_case.csv``)."""
    return pd.read_csv(resource_path("taxonomy", "not_a_case.csv"), dtype=str)["text"].dropna().to_numpy(dtype=object)


@dataclass
class _Duplicates:
    duplicate: np.ndarray
    case_id: np.ndarray
    of: np.ndarray
    distance: np.ndarray
    days: np.ndarray
    #: The class of the existing order a post was attached to ('' where none).
    order_class: np.ndarray = None


def _existing_ids(existing: Existing, request: CluesRequest) -> np.ndarray:
    frame = existing.frame
    for column in (request.existing_id_field, "case_id", "order_id"):
        if column and column in frame.columns:
            ids = as_text(frame[column]).str.strip().to_numpy(dtype=object)
            if column == "case_id":  # a row without a case: its own id, else its row number
                own = (
                    as_text(frame["order_id"]).str.strip().to_numpy(dtype=object)
                    if "order_id" in frame.columns
                    else np.full(len(frame), "", dtype=object)
                )
                rows = np.array([f"row {i + 1}" for i in range(len(frame))], dtype=object)
                ids = np.where(ids != "", ids, np.where(own != "", own, rows))
            return ids
    return np.array([f"row {i + 1}" for i in range(len(frame))], dtype=object)


def _deduplicate(
    x,
    y,
    classes,
    times,
    case: np.ndarray,
    existing: Existing | None,
    request: CluesRequest,
    plausible=None,
    maybe: np.ndarray | None = None,
) -> _Duplicates:
    """Each case's case id: an existing order's, another post's, or a new one (module docstring).

    ``maybe``: posts judged no case that may still be one (the model not sure they are none): they are
    attached to an existing order of a class the model finds plausible for them, never filed anew.
    """
    n = len(x)
    out = _Duplicates(
        np.zeros(n, bool),
        np.full(n, "", object),
        np.full(n, "", object),
        np.full(n, np.nan),
        np.full(n, np.nan),
        np.full(n, "", object),
    )
    located = np.isfinite(x) & ~np.isnat(times)
    usable = case & located
    checked = usable | (located & maybe) if maybe is not None else usable
    matched = _against_existing(x, y, classes, times, checked, existing, request, out, plausible)
    rows = np.flatnonzero(usable)
    group = _group_posts(x, y, classes, plausible, times, rows, request)
    members: dict[int, list[int]] = {}
    for row, g in zip(rows[np.lexsort((rows, times[rows]))], group[np.lexsort((rows, times[rows]))]):
        members.setdefault(int(g), []).append(int(row))
    new_number = _last_number(existing, request)
    for g in sorted(members, key=lambda k: (times[members[k][0]], members[k][0])):
        rows_of = members[g]
        first_matched = next((m for m in rows_of if matched[m]), None)
        if first_matched is None:
            new_number += 1
            case_id = f"{request.case_prefix}{new_number:06d}"
        for m in rows_of:
            if matched[m]:
                continue
            if first_matched is not None:
                out.case_id[m], out.duplicate[m], out.of[m] = out.case_id[first_matched], True, out.of[first_matched]
            else:
                out.case_id[m] = case_id
                if m != rows_of[0]:
                    first = rows_of[0]
                    out.duplicate[m], out.of[m] = True, case_id
                    out.distance[m] = round(float(np.hypot(x[m] - x[first], y[m] - y[first])), 1)
                    out.days[m] = round(float((times[m] - times[first]) / np.timedelta64(1, "D")), 2)
    # a case whose time cannot be read is not checked for duplicates, but is still a case to file
    for m in np.flatnonzero(case & ~located):
        new_number += 1
        out.case_id[m] = f"{request.case_prefix}{new_number:06d}"
    return out


def _last_number(existing: Existing | None, request: CluesRequest) -> int:
    """The highest number among the existing case ids of the prefix (yesterday's clues given as
    EXISTING), so today's new ids follow them and never name another case."""
    if existing is None or not len(existing.frame):
        return 0
    ids = pd.Series(_existing_ids(existing, request), dtype=object)
    numbers = ids.str.extract(f"^{re.escape(request.case_prefix)}(\\d+)$")[0].dropna()
    return int(numbers.astype(int).max()) if len(numbers) else 0


def _group_posts(x, y, classes, plausible, times, rows: np.ndarray, request: CluesRequest) -> np.ndarray:
    """Posts about one problem as one group (per row of ``rows``), the rule of ``gridgov:findrepeats``
    with the classes a post accepts (its own and the plausible ones): in time order, a post joins the
    open group whose first post is nearest within ``distance`` (one of its own class first) and whose
    latest post is at most ``days`` before it; else it opens a group. Cells of the distance's size
    keep it linear."""
    distance, window = request.distance, request.days * 86400
    t = times.astype("datetime64[s]").astype(np.int64)
    group = np.full(len(rows), -1, dtype=np.int64)
    cells: dict[tuple[int, int], list[int]] = {}
    anchor: list[int] = []
    latest: list[int] = []
    xs, ys, ts = x.tolist(), y.tolist(), t.tolist()
    for k in np.lexsort((rows, t[rows])).tolist():
        i = int(rows[k])
        xi, yi, ti = xs[i], ys[i], ts[i]
        cx, cy = int(xi // distance), int(yi // distance)
        accepted = {classes[i], *(plausible[i] if plausible is not None else ())}
        best, best_key = -1, None
        for cell in ((cx + a, cy + b) for a in (-1, 0, 1) for b in (-1, 0, 1)):
            bucket = cells.get(cell)
            if not bucket:
                continue
            alive = [g for g in bucket if ti - latest[g] <= window]  # closed groups leave their cell
            if len(alive) != len(bucket):
                cells[cell] = alive
            for g in alive:
                first = anchor[g]
                if classes[first] not in accepted:
                    continue
                d = math.hypot(xs[first] - xi, ys[first] - yi)
                key = (classes[first] != classes[i], d, g)
                if d <= distance and (best_key is None or key < best_key):
                    best, best_key = g, key
        if best < 0:
            best = len(anchor)
            anchor.append(i)
            latest.append(ti)
            cells.setdefault((cx, cy), []).append(best)
        latest[best] = ti
        group[k] = best
    return group


def _against_existing(
    x, y, classes, times, usable, existing: Existing | None, request: CluesRequest, out: _Duplicates, plausible=None
) -> np.ndarray:
    """Posts within ``distance`` and ``days`` of an existing order of their class (or of a class the
    model finds plausible for the post, ``plausible``: per post the set of such classes): the order of
    the post's own class first, then the nearest, then the closest in time, is theirs."""
    matched = np.zeros(len(x), dtype=bool)
    if existing is None or not len(existing.frame) or not usable.any():
        return matched
    frame = existing.frame
    if request.existing_class_field not in frame.columns or request.existing_time_field not in frame.columns:
        return matched
    e_class = as_text(frame[request.existing_class_field]).str.strip().to_numpy(dtype=object)
    e_time = parse_times(frame[request.existing_time_field], request.existing_time_field).times
    orders = np.flatnonzero(np.isfinite(existing.x) & np.isfinite(existing.y) & ~np.isnat(e_time) & (e_class != ""))
    if not len(orders):
        return matched
    ids = _existing_ids(existing, request)
    window = request.days * 86400
    posts = np.flatnonzero(usable)
    tree = cKDTree(np.column_stack([existing.x[orders], existing.y[orders]]))
    near = tree.query_ball_point(np.column_stack([x[posts], y[posts]]), request.distance)
    for post, found in zip(posts, near):
        if not found:
            continue
        found = orders[np.asarray(found)]
        accepted = {classes[post], *(plausible[post] if plausible is not None else ())}
        found = found[np.isin(e_class[found], list(accepted))]
        seconds = np.abs((e_time[found] - times[post]).astype("timedelta64[s]").astype(np.int64))
        found, seconds = found[seconds <= window], seconds[seconds <= window]
        if not len(found):
            continue
        dist = np.hypot(existing.x[found] - x[post], existing.y[found] - y[post])
        best = found[np.lexsort((seconds, dist, e_class[found] != classes[post]))[0]]
        matched[post] = True
        out.duplicate[post] = True
        out.case_id[post] = out.of[post] = ids[best]
        out.order_class[post] = e_class[best]
        out.distance[post] = round(float(np.hypot(existing.x[best] - x[post], existing.y[best] - y[post])), 1)
        out.days[post] = round(float((times[post] - e_time[best]).astype("timedelta64[s]").astype(np.int64)) / 86400, 2)
    return matched


def _table(posts, readings, classes, taxonomy, placed: pd.DataFrame, parts, dup: _Duplicates) -> pd.DataFrame:
    status, kind, confidence, evidence, candidates = parts
    codes = classes[CLASS_CODE].to_numpy(dtype=object)
    table = pd.DataFrame(
        {
            "clue_status": status,
            "case_id": dup.case_id,
            "duplicate_of": dup.of,
            CLASS_CODE: codes,
            "class_name": taxonomy.names(codes),
            "class_score": classes["class_score"].to_numpy(dtype=float),
            "place_kind": kind,
            "place_name": np.array([r.name for r in readings], dtype=object).reshape(len(posts)),
            "place_confidence": np.where(
                np.isin(status, ("unplaced", "not_a_case")) & (kind == ""), 0.0, np.round(confidence, 3)
            ),
            "evidence": evidence,
            "candidates": candidates,
            "dup_distance_m": dup.distance,
            "dup_days": dup.days,
        }
    )
    for column in RESULT_COLUMNS:
        if column in placed.columns:
            table[column] = placed[column].to_numpy()
    unusable = np.array(["geotag unusable" in e for e in evidence], dtype=bool)
    table[PROBLEM] = np.where(status == "unplaced", _unplaced_reason(kind, candidates, unusable), "")
    return table


def _unplaced_reason(kind: np.ndarray, candidates: np.ndarray, unusable_tag: np.ndarray) -> np.ndarray:
    reason = np.where(
        unusable_tag, "no place named and the geotag unusable (see evidence)", "no place named and no geotag"
    ).astype(object)
    reason[kind == "road"] = "only a road named, which runs through several grids: see candidates"
    reason[(kind != "") & (kind != "road")] = "the place lies outside every grid"
    return reason


def _joined(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.where(a == "", b, a)
    both = (a != "") & (b != "")
    out[both] = a[both] + "; " + b[both]
    return out
