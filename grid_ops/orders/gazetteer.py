"""Place orders that carry only an address, by matching it against a gazetteer of standard addresses.

Three passes, each stricter about what it accepts than the next is:

1. exact: the text equals a standard address;
2. normalised: equal after normalisation (NFKC folds full-width digits and letters; spaces and
   punctuation go; the city, district and county prefix goes; ``#`` / ``號`` become 号, ``幢`` / ``座`` /
   ``号楼`` become 栋, ``单元`` / ``弄`` spellings are unified; Chinese numerals before 号/栋/单元/弄/室
   become digits);
3. fuzzy: cosine similarity of character bigram counts, with a penalty when the numbers (house,
   building, unit) differ, since "深南路15号" and "深南路51号" are different doors. Only a score at or
   above the threshold places the row; below it the row is ``unlocated`` and its best candidates are
   listed for a person to choose, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

DEFAULT_THRESHOLD = 0.85
#: Score factor when the numbers in the two addresses differ.
NUMBER_MISMATCH_PENALTY = 0.6

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUMBER_BEFORE_UNIT = re.compile(r"([零〇一二两三四五六七八九十百]+)(?=[号栋单弄室层楼])")
_PREFIX = re.compile(r"^(?:[^市省]{1,8}省)?(?:[^市]{1,8}市)?(?:[^区县市]{1,8}(?:区|县|市))?")
_PUNCT = re.compile(r"[\s,，.。、:：;；()（）\[\]【】\"'“”‘’·\-—_/\\]+")
_NUMBERS = re.compile(r"\d+")
_HASH_AFTER_DIGIT = re.compile(r"(\d)#")
_VARIANTS = (
    ("號", "号"),
    ("#", "号"),
    ("号楼", "栋"),
    ("幢", "栋"),
    ("座", "栋"),
    ("棟", "栋"),
    ("單元", "单元"),
    ("衖", "弄"),
)


def _cn_to_int(text: str) -> int:
    """Chinese numerals up to 999 (一百二十三, 十五, 二十)."""
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS[char]
    return total + current


def unify_units(text: str, in_a_post: bool = False) -> str:
    """One spelling for house and building numbers: ``#`` / ``號`` become 号, ``号楼`` / ``幢`` / ``座`` /
    ``棟`` become 栋, ``單元`` / ``衖`` are unified, and Chinese numerals before 号/栋/单元/弄/室 become
    digits (十二号 → 12号).

    ``in_a_post``: free text, not an address. A ``#`` is a number sign only after a digit (12# → 12号;
    ``#深圳#`` is a hashtag), and ``号楼`` stays, for after a road it is a house number and 楼下
    (香蜜路26号楼下: downstairs at No. 26), after an estate a building (金湖新村3号楼)."""
    if in_a_post:
        text = _HASH_AFTER_DIGIT.sub(r"\1号", text)
    for old, new in _VARIANTS:
        if not (in_a_post and old in ("#", "号楼")):
            text = text.replace(old, new)
    return _CN_NUMBER_BEFORE_UNIT.sub(lambda m: str(_cn_to_int(m.group(1))), text)


def normalise_address(text: str) -> str:
    """The comparable form of an address (see the module docstring for the steps)."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    text = unify_units(_PUNCT.sub("", text))
    stripped = _PREFIX.sub("", text, count=1)
    # keep the prefix when stripping would leave nothing usable (an address that is only a district)
    return stripped if len(stripped) >= 3 else text


def _bigrams(text: str) -> list[str]:
    padded = f"^{text}$"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


@dataclass
class AddressMatch:
    """Per query row: gazetteer index (-1 if none), method, score and the best candidates' text."""

    index: np.ndarray
    method: np.ndarray
    score: np.ndarray
    candidates: np.ndarray


class Gazetteer:
    """Standard addresses indexed for exact, normalised and fuzzy look-up."""

    def __init__(self, addresses) -> None:
        self.addresses = np.asarray([("" if a is None else str(a)) for a in addresses], dtype=object)
        self.normalised = np.asarray([normalise_address(a) for a in self.addresses], dtype=object)
        self._exact = _first_index(self.addresses)
        self._by_normal = _first_index(self.normalised)
        self._numbers = [tuple(_NUMBERS.findall(a)) for a in self.normalised]
        vocabulary: dict[str, int] = {}
        self._matrix = self._vectorise(self.normalised, vocabulary, grow=True)
        self._vocabulary = vocabulary

    def _vectorise(self, texts, vocabulary: dict[str, int], grow: bool) -> sparse.csr_matrix:
        rows, cols = [], []
        for row, text in enumerate(texts):
            for gram in _bigrams(text):
                col = vocabulary.get(gram)
                if col is None:
                    if not grow:
                        continue
                    col = vocabulary[gram] = len(vocabulary)
                rows.append(row)
                cols.append(col)
        width = max(len(vocabulary), 1)
        matrix = sparse.csr_matrix(
            (np.ones(len(rows)), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
            shape=(len(texts), width),
        )
        matrix.sum_duplicates()
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.diags(1.0 / norms) @ matrix

    def match(
        self, queries, threshold: float = DEFAULT_THRESHOLD, n_candidates: int = 3, chunk: int = 2000
    ) -> AddressMatch:
        """Match each query text; see the module docstring for the passes."""
        queries = np.asarray([("" if q is None else str(q)) for q in queries], dtype=object)
        n = len(queries)
        index = np.full(n, -1, dtype=np.int64)
        method = np.full(n, "", dtype=object)
        score = np.zeros(n)
        candidates = np.full(n, "", dtype=object)
        normal = np.asarray([normalise_address(q) for q in queries], dtype=object)
        for i, (raw, norm) in enumerate(zip(queries, normal)):
            if not norm:
                continue
            hit = self._exact.get(raw.strip())
            if hit is not None:
                index[i], method[i], score[i] = hit, "exact", 1.0
                continue
            hit = self._by_normal.get(norm)
            if hit is not None:
                index[i], method[i], score[i] = hit, "normalised", 1.0
        todo = np.flatnonzero((index < 0) & (normal != ""))
        for start in range(0, len(todo), chunk):
            rows = todo[start : start + chunk]
            q = self._vectorise(normal[rows], self._vocabulary, grow=False)
            sims = (q @ self._matrix.T).toarray()
            for k, i in enumerate(rows):
                sim = sims[k]
                top = np.argsort(-sim, kind="stable")[: max(n_candidates * 4, 10)]
                q_numbers = tuple(_NUMBERS.findall(normal[i]))
                adjusted = np.array(
                    [sim[j] * (1.0 if self._numbers[j] == q_numbers else NUMBER_MISMATCH_PENALTY) for j in top]
                )
                order = np.argsort(-adjusted, kind="stable")
                best = top[order[0]]
                candidates[i] = " | ".join(
                    f"{self.addresses[top[o]]} ({adjusted[o]:.2f})" for o in order[:n_candidates] if adjusted[o] > 0
                )
                score[i] = float(adjusted[order[0]])
                if score[i] >= threshold:
                    index[i], method[i] = best, "fuzzy"
                else:
                    method[i] = "unlocated"
        return AddressMatch(index, method, np.round(score, 4), candidates)


def _first_index(values: np.ndarray) -> dict[str, int]:
    """Text → first row holding it (a gazetteer may repeat an address; the first one wins)."""
    frame = pd.DataFrame({"v": values, "i": np.arange(len(values))})
    frame = frame[frame["v"] != ""].drop_duplicates("v")
    return dict(zip(frame["v"], frame["i"]))
