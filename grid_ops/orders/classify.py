"""Class cases (类案) from free text: keyword rules from the catalogue, and a learned classifier.

Orders arrive as a sentence typed by a citizen or an operator ("楼上每天深夜拖家具，噪音很大").
Two ways to give them a class code of the catalogue (``resources/taxonomy/class_cases.csv``):

* **rules**: each class's keywords; the class whose matched keywords are longest in total wins.
  Needs no data, explains itself (``class_reason`` lists the keywords), but misses wordings the
  catalogue did not foresee;
* **learned**: character 1–3-grams (Chinese needs no word segmentation) weighted by TF-IDF and a
  linear model (scikit-learn's logistic regression), trained on orders already classified by
  dispatchers. Its ``class_score`` is the model's probability.

``evaluate`` holds back a share of the classified orders, trains on the rest and reports accuracy
and the confusion between classes, so a grid centre sees how far to trust it before using it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gridgov.grid_ops.schema import CLASS_CODE, as_text

METHODS = ("rules", "learned", "hybrid")
#: hybrid: the learned class where the model is at least this sure, else the rules' class
HYBRID_MIN_PROBABILITY = 0.5


def combine(
    rules: pd.DataFrame, learned: pd.DataFrame, min_probability: float = HYBRID_MIN_PROBABILITY
) -> pd.DataFrame:
    """The learned class where the model is sure enough or the rules find nothing, else the rules'.

    A model trained on a few wordings per class is unsure of a wording it never saw, while the
    catalogue's keywords may still recognise it; ``class_method`` says which one decided.
    """
    use_learned = (learned["class_score"].to_numpy() >= min_probability) | (rules[CLASS_CODE].to_numpy() == "")
    return pd.DataFrame(
        {
            CLASS_CODE: np.where(use_learned, learned[CLASS_CODE], rules[CLASS_CODE]),
            "class_score": np.where(use_learned, learned["class_score"], rules["class_score"]),
            "class_method": np.where(use_learned, "learned", "rules"),
        }
    )


def normalise_text(texts) -> pd.Series:
    """NFKC (full-width letters and digits to half-width), lower case, no surrounding space."""
    return as_text(texts).map(lambda t: unicodedata.normalize("NFKC", t).lower().strip())


@dataclass
class Taxonomy:
    """The class-case catalogue: codes, names and keywords."""

    table: pd.DataFrame

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Taxonomy:
        missing = {CLASS_CODE, "name_zh"} - set(frame.columns)
        if missing:
            raise ValueError(f"the class-case table lacks {', '.join(sorted(missing))}")
        table = frame.copy()
        table[CLASS_CODE] = as_text(table[CLASS_CODE]).str.strip()
        table = table[table[CLASS_CODE] != ""].drop_duplicates(CLASS_CODE).reset_index(drop=True)
        if "keywords" not in table.columns:
            table["keywords"] = ""
        return cls(table)

    @property
    def codes(self) -> np.ndarray:
        return self.table[CLASS_CODE].to_numpy(dtype=object)

    def names(self, codes) -> np.ndarray:
        zh = dict(zip(self.table[CLASS_CODE], as_text(self.table["name_zh"])))
        return np.array([zh.get(c, "") for c in codes], dtype=object)

    def keywords(self) -> list[tuple[str, str]]:
        """(class code, keyword) pairs, normalised like the texts."""
        pairs = []
        for code, words in zip(self.table[CLASS_CODE], as_text(self.table["keywords"])):
            for word in str(words).split("|"):
                word = unicodedata.normalize("NFKC", word).lower().strip()
                if word:
                    pairs.append((code, word))
        return pairs


def classify_by_rules(texts, taxonomy: Taxonomy) -> pd.DataFrame:
    """``class_code``, ``class_score`` (the winner's share of all matched keyword length) and
    ``class_reason`` (the keywords found); '' and 0 where no keyword matches."""
    text = normalise_text(texts)
    codes = list(taxonomy.codes)
    score = np.zeros((len(text), len(codes)))
    column = {c: i for i, c in enumerate(codes)}
    found: list[list[str]] = [[] for _ in range(len(text))]
    for code, word in taxonomy.keywords():
        hit = text.str.contains(word, regex=False).to_numpy()
        score[hit, column[code]] += len(word)
        for i in np.flatnonzero(hit):
            found[i].append(word)
    best = score.argmax(axis=1)
    top = score[np.arange(len(text)), best]
    total = score.sum(axis=1)
    matched = top > 0
    out = pd.DataFrame(
        {
            CLASS_CODE: np.where(matched, np.asarray(codes, dtype=object)[best], ""),
            "class_score": np.where(matched, top / np.maximum(total, 1e-9), 0.0).round(3),
            "class_reason": ["|".join(dict.fromkeys(f)) for f in found],
        }
    )
    return out


class LearnedClassifier:
    """Character n-gram TF-IDF + logistic regression, trained on classified orders."""

    def __init__(self, min_examples: int = 2, seed: int = 0) -> None:
        self.min_examples = min_examples
        self.seed = seed
        self.model = None
        self.classes_: np.ndarray = np.array([], dtype=object)

    def fit(self, texts, labels) -> LearnedClassifier:
        try:
            from sklearn.feature_extraction.text import TfidfVectorizer
            from sklearn.linear_model import LogisticRegression
            from sklearn.pipeline import make_pipeline
        except ImportError as err:  # the rules need nothing; only the learned model needs scikit-learn
            raise ValueError(
                "the learned classifier needs scikit-learn in QGIS's Python (pip install scikit-learn); "
                "the rules method works without it"
            ) from err

        text = normalise_text(texts).to_numpy(dtype=object)
        labels = as_text(labels).str.strip().to_numpy(dtype=object)
        counts = pd.Series(labels).value_counts()
        usable = (labels != "") & pd.Series(labels).map(counts).ge(self.min_examples).to_numpy()
        if len(set(labels[usable])) < 2:
            raise ValueError("training needs at least two class cases with examples")
        self.model = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), min_df=2, sublinear_tf=True),
            LogisticRegression(C=20.0, max_iter=2000, random_state=self.seed),
        )
        self.model.fit(text[usable], labels[usable])
        self.classes_ = self.model.classes_
        return self

    def predict(self, texts) -> pd.DataFrame:
        """``class_code`` and ``class_score`` (the model's probability of that class)."""
        if self.model is None:
            raise RuntimeError("the classifier is not trained")
        text = normalise_text(texts).to_numpy(dtype=object)
        if len(text) == 0:
            return pd.DataFrame({CLASS_CODE: [], "class_score": []})
        probability = self.model.predict_proba(text)
        best = probability.argmax(axis=1)
        empty = np.array([t == "" for t in text])
        return pd.DataFrame(
            {
                CLASS_CODE: np.where(empty, "", self.classes_[best]),
                "class_score": np.where(empty, 0.0, probability[np.arange(len(text)), best]).round(3),
            }
        )


def confusion(truth: np.ndarray, predicted: np.ndarray) -> pd.DataFrame:
    """Counts of (true class, predicted class) pairs, rows the true class ('' = no prediction)."""
    return pd.crosstab(pd.Series(truth, name="true"), pd.Series(predicted, name="predicted"))


@dataclass
class Evaluation:
    accuracy_rules: float
    accuracy_learned: float
    accuracy_hybrid: float
    n_train: int
    n_test: int
    confusion: pd.DataFrame  # of the learned model on the held-back orders
    per_class: pd.DataFrame  # class_code, n, recall_rules, recall_learned, recall_hybrid, most_confused_with


def evaluate(texts, labels, taxonomy: Taxonomy, test_share: float = 0.2, seed: int = 0, groups=None) -> Evaluation:
    """Hold back ``test_share`` of the classified orders (per class, seeded), train on the rest.

    With ``groups`` (e.g. the wording an order follows) whole groups are held back, so the test
    orders are worded in ways the model never saw: the harder, more honest test.
    """
    text = as_text(texts).to_numpy(dtype=object)
    labels = as_text(labels).str.strip().to_numpy(dtype=object)
    known = np.flatnonzero(labels != "")
    rng = np.random.default_rng(seed)
    test_mask = np.zeros(len(labels), dtype=bool)
    group = None if groups is None else as_text(groups).to_numpy(dtype=object)
    for code in np.unique(labels[known]):
        rows = known[labels[known] == code]
        if group is not None:
            members = np.unique(group[rows])
            take = round(len(members) * test_share) or (1 if len(members) > 1 else 0)
            held = rng.choice(members, min(take, len(members) - 1), replace=False) if take else []
            test_mask[rows[np.isin(group[rows], held)]] = True
            continue
        take = round(len(rows) * test_share)
        if len(rows) >= 2 and take:
            test_mask[rng.choice(rows, min(take, len(rows) - 1), replace=False)] = True
    train = np.setdiff1d(known, np.flatnonzero(test_mask))
    test = np.flatnonzero(test_mask)
    model = LearnedClassifier(seed=seed).fit(text[train], labels[train])
    learned_frame = model.predict(text[test])
    rules_frame = classify_by_rules(text[test], taxonomy)
    learned = learned_frame[CLASS_CODE].to_numpy(dtype=object)
    rules = rules_frame[CLASS_CODE].to_numpy(dtype=object)
    hybrid = combine(rules_frame, learned_frame)[CLASS_CODE].to_numpy(dtype=object)
    truth = labels[test]
    table = confusion(truth, learned)
    rows = []
    for code in np.unique(truth):
        sel = truth == code
        wrong = pd.Series(learned[sel & (learned != code)]).value_counts()
        rows.append(
            {
                CLASS_CODE: code,
                "n": int(sel.sum()),
                "recall_rules": round(float((rules[sel] == code).mean()), 4),
                "recall_learned": round(float((learned[sel] == code).mean()), 4),
                "recall_hybrid": round(float((hybrid[sel] == code).mean()), 4),
                "most_confused_with": wrong.index[0] if len(wrong) else "",
            }
        )
    return Evaluation(
        accuracy_rules=float((rules == truth).mean()) if len(test) else float("nan"),
        accuracy_learned=float((learned == truth).mean()) if len(test) else float("nan"),
        accuracy_hybrid=float((hybrid == truth).mean()) if len(test) else float("nan"),
        n_train=len(train),
        n_test=len(test),
        confusion=table,
        per_class=pd.DataFrame(rows),
    )
