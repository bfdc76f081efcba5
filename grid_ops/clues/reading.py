"""What a post says of its place, read from the names :mod:`places` found in it.

The most precise reading wins, in this order (its confidence in brackets):

1. an address: a road followed by a house number and 号 (香蜜路84号) that the gazetteer has (0.95);
   an estate followed by a building number (金湖新村3栋) likewise;
2. an intersection: two roads joined by nothing or by 和 / 与 / 跟 / 及 / 同 / 、 / , / 交 / 近 (the
   joiners of ``_JOIN``) and followed, within a few characters, by a word for a crossing (交叉口,
   路口, 十字, 交汇, 拐角 ..., or 口 right after a road ending in 路: 丽水路口): the point where the
   two centrelines cross or meet (0.9);
3. an estate or a point of interest of the gazetteer (0.85);
4. a landmark (a dedicated grid's name): its point, 0.8 when it is small, 0.6 when it reaches
   further than :data:`WIDE_PLACE_M` (a business district names an area, not a spot);
5. a road alone: a place only where one grid holds most of the road (``engine.ROAD_ONE_GRID_SHARE``);
   else the grids along it are the candidates.

A name matched as a near-miss (a typo) keeps four fifths of the confidence. ``evidence`` says which
words matched what, so a dispatcher sees why a post landed where it did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from gridgov.grid_ops.clues.places import Hit, PlaceBook

#: A place reaching further than this (metres from its point) names an area, not a spot.
WIDE_PLACE_M = 300.0
#: Confidence of each kind of reading (see the module docstring).
CONFIDENCE = {"address": 0.95, "building": 0.95, "intersection": 0.9, "estate": 0.85, "landmark": 0.8, "road": 0.5}
WIDE_LANDMARK_CONFIDENCE = 0.6
NEAR_MISS_FACTOR = 0.8
#: How two roads are joined in "X和Y交叉口" (between the names) and the crossing words after them.
_JOIN = re.compile(r"^(?:和|与|跟|及|同|、|,|/|&|交|x|×|近|靠近|临近)?(?:的)?$")
_CROSSING = re.compile(r"交叉口|交叉路口|十字|路口|交汇|交界|拐角|转角|交口|口子|岔口")
_HOUSE = re.compile(r"^(?:的)?(\d{1,4})号")
_BUILDING = re.compile(r"^(\d{1,3})(?:栋|号楼|幢|座)")
#: The longest list of matched words an evidence text quotes.
EVIDENCE_WORDS = 200
#: How many characters after the second road a crossing word may come.
CROSSING_REACH = 8


@dataclass
class Reading:
    """One post's place as its text gives it (kind '' when it names none)."""

    kind: str = ""
    x: float = np.nan
    y: float = np.nan
    radius: float = np.nan
    confidence: float = 0.0
    name: str = ""
    evidence: str = ""
    #: For a reading that is not a spot: the roads (place indices) it names, to list their grids.
    roads: tuple[int, ...] = ()


def _said(hit: Hit, book: PlaceBook, index: int) -> str:
    name = book.names[index]
    return f"'{hit.written}'" + ("" if hit.exact else f"≈{name}")


def read_place(text: str, hits: list[Hit], book: PlaceBook) -> Reading:
    """The most precise place the ``hits`` in ``text`` (normalised) give (see the module docstring)."""
    readings: list[tuple[int, Reading]] = []
    roads = [h for h in hits if book.kinds[h.places[0]] == "road"]
    for rank, reading in _structured(text, hits, roads, book):
        readings.append((rank, reading))
    for hit in hits:
        index = hit.places[0]
        kind = book.kinds[index]
        if kind == "road":
            continue
        wide = book.radius[index] > WIDE_PLACE_M
        confidence = WIDE_LANDMARK_CONFIDENCE if (kind == "landmark" and wide) else CONFIDENCE[kind]
        reading = Reading(
            kind,
            book.x[index],
            book.y[index],
            book.radius[index],
            confidence,
            book.names[index],
            f"{_said(hit, book, index)} → {kind} {book.names[index]}",
        )
        readings.append((3 if kind == "estate" else 4, _scaled(reading, hit)))
    if readings:
        readings.sort(key=lambda r: r[0])  # stable: the first in the text among equals
        return readings[0][1]
    if roads:
        names = "、".join(dict.fromkeys(book.names[h.places[0]] for h in roads))
        words = ", ".join(dict.fromkeys(_said(h, book, h.places[0]) for h in roads))[:EVIDENCE_WORDS]
        return Reading(
            "road",
            name=names,
            evidence=f"{words} → road {names}",
            roads=tuple(dict.fromkeys(h.places[0] for h in roads)),
            confidence=CONFIDENCE["road"],
        )
    return Reading()


def _scaled(reading: Reading, *hits: Hit) -> Reading:
    if not all(h.exact for h in hits):
        reading.confidence = round(reading.confidence * NEAR_MISS_FACTOR, 3)
    return reading


def _structured(text: str, hits: list[Hit], roads: list[Hit], book: PlaceBook):
    """Addresses, buildings and intersections: a road or an estate and what follows it."""
    for hit in hits:
        index = hit.places[0]
        after = text[hit.end : hit.end + 8]
        if book.kinds[index] == "road":
            match = _HOUSE.match(after)
            point = book.addresses.get((index, int(match.group(1)))) if match else None
            if point is not None:
                name = f"{book.names[index]}{match.group(1)}号"
                reading = Reading(
                    "address",
                    point[0],
                    point[1],
                    0.0,
                    CONFIDENCE["address"],
                    name,
                    f"{_said(hit, book, index)}+'{match.group(0)}' → address {name}",
                )
                yield 0, _scaled(reading, hit)
        elif book.kinds[index] == "estate":
            match = _BUILDING.match(after)
            point = book.buildings.get((index, int(match.group(1)))) if match else None
            if point is not None:
                name = f"{book.names[index]}{match.group(0)}"
                reading = Reading(
                    "building",
                    point[0],
                    point[1],
                    0.0,
                    CONFIDENCE["building"],
                    name,
                    f"{_said(hit, book, index)}+'{match.group(0)}' → building {name}",
                )
                yield 0, _scaled(reading, hit)
    for first, second in zip(roads, roads[1:]):
        a, b = first.places[0], second.places[0]
        if a == b or not _JOIN.match(text[first.end : second.start]):
            continue
        after = text[second.end : second.end + CROSSING_REACH]
        # 丽水路口: the road's own 路 (街, 道) doubles as the 路 of 路口
        if not (_CROSSING.search(after) or (after.startswith("口") and text[second.end - 1] in "路街道")):
            continue
        point = book.crossing(a, b)
        if point is None:
            continue
        name = f"{book.names[a]}/{book.names[b]}"
        evidence = f"{_said(first, book, a)}+{_said(second, book, b)} → intersection {name}"
        yield (
            1,
            _scaled(
                Reading("intersection", point[0], point[1], 0.0, CONFIDENCE["intersection"], name, evidence),
                first,
                second,
            ),
        )
