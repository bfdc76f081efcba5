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

import functools
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gridgov.grid_ops.runtime.paths import resource_path
from gridgov.grid_ops.schema import CLASS_CODE, as_text

METHODS = ("rules", "learned", "hybrid")
#: hybrid: the learned class where the model is at least this sure, else the rules' class
HYBRID_MIN_PROBABILITY = 0.5


@functools.lru_cache(maxsize=1)
def _shipped_class_cases() -> pd.DataFrame:
    return pd.read_csv(resource_path("taxonomy", "class_cases.csv"), dtype=str)


def shipped_class_cases() -> pd.DataFrame:
    """The plugin's class-case catalogue (``resources/taxonomy/class_cases.csv``: code, Chinese name,
    case group, keywords ...), read in this one place; a copy, so a caller may change it."""
    return _shipped_class_cases().copy()


def class_groups_of(taxonomy: pd.DataFrame | None) -> dict[str, str]:
    """Class code → case group from a class-case table (empty without those two columns)."""
    if taxonomy is None or not {CLASS_CODE, "case_group"} <= set(taxonomy.columns):
        return {}
    return dict(zip(taxonomy[CLASS_CODE].astype(str), taxonomy["case_group"].astype(str)))


def shipped_class_groups() -> dict[str, str]:
    """Class code → case group from the shipped catalogue (so ``noise`` selects every noise class)."""
    return class_groups_of(_shipped_class_cases())


@dataclass(frozen=True)
class ClassifyRequest:
    """Orders classified as the toolbox, the dock or a script asks for it (``gridgov:classify``)."""

    #: The column of each order's text.
    text_field: str = "description"
    #: The column of the class of orders already classified (to train the model and measure it); '' for none.
    label_field: str = ""
    #: auto, rules, learned or hybrid; auto is hybrid when ``label_field`` gives orders of two classes, else rules.
    method: str = "auto"
    #: The share of the classified orders held back to measure accuracy (0: not measured).
    test_share: float = 0.2


class NoTrainingOrdersError(ValueError):
    """The learned or hybrid method asked for without classified orders of two class cases to train on."""

    def __init__(self, method: str) -> None:
        super().__init__(f"the {method} method needs known classes of at least two class cases")
        self.method = method


@dataclass
class Classified:
    """A class case per order and how it was found."""

    #: class_code, class_score and class_method per order ('' and 0 where no class was found).
    chosen: pd.DataFrame
    #: The catalogue's keywords found in each order's text (the rules' reason, whatever decided).
    reasons: np.ndarray
    #: The method that classified (auto resolved to rules or hybrid).
    method: str
    #: The accuracy measured on held-back orders; None when not measured.
    check: Evaluation | None


def classify_orders(texts, labels, taxonomy: Taxonomy, request: ClassifyRequest) -> Classified:
    """Each order's class case by the method ``request`` names, the accuracy measured first on
    ``test_share`` of the classified orders; ``labels`` are the known classes ('' where unknown), None
    without a label field. The model that classifies is trained on every classified order.

    Raises :class:`NoTrainingOrdersError` when the method needs training orders there are not, and
    ``ValueError`` when the model cannot be trained (too few examples, no scikit-learn).
    """
    trainable = labels is not None and len(set(labels) - {""}) >= 2
    method = request.method
    if method == "auto":
        method = "hybrid" if trainable else "rules"
    if method in ("learned", "hybrid") and not trainable:
        raise NoTrainingOrdersError(method)
    check = evaluate(texts, labels, taxonomy, request.test_share) if trainable and request.test_share > 0 else None
    rules = classify_by_rules(texts, taxonomy)
    if method == "rules":
        chosen = rules.assign(class_method=np.where(rules[CLASS_CODE] != "", "rules", ""))
    else:
        learned = LearnedClassifier().fit(texts, labels).predict(texts)
        chosen = learned.assign(class_method="learned") if method == "learned" else combine(rules, learned)
    return Classified(chosen, rules["class_reason"].to_numpy(dtype=object), method, check)


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

    def probabilities(self, texts) -> pd.DataFrame:
        """The model's probability of every class it knows (one column each) for each text."""
        if self.model is None:
            raise RuntimeError("the classifier is not trained")
        text = normalise_text(texts).to_numpy(dtype=object)
        if len(text) == 0:
            return pd.DataFrame(columns=list(self.classes_), dtype=float)
        return pd.DataFrame(self.model.predict_proba(text), columns=list(self.classes_))

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
    group = None if groups is None else as_text(groups).to_numpy(dtype=object)
    test_mask = _held_back(labels, known, test_share, np.random.default_rng(seed), group)
    train = np.setdiff1d(known, np.flatnonzero(test_mask))
    test = np.flatnonzero(test_mask)
    model = LearnedClassifier(seed=seed).fit(text[train], labels[train])
    learned_frame = model.predict(text[test])
    rules_frame = classify_by_rules(text[test], taxonomy)
    learned = learned_frame[CLASS_CODE].to_numpy(dtype=object)
    rules = rules_frame[CLASS_CODE].to_numpy(dtype=object)
    hybrid = combine(rules_frame, learned_frame)[CLASS_CODE].to_numpy(dtype=object)
    truth = labels[test]
    return Evaluation(
        accuracy_rules=float((rules == truth).mean()) if len(test) else float("nan"),
        accuracy_learned=float((learned == truth).mean()) if len(test) else float("nan"),
        accuracy_hybrid=float((hybrid == truth).mean()) if len(test) else float("nan"),
        n_train=len(train),
        n_test=len(test),
        confusion=confusion(truth, learned),
        per_class=_recall_per_class(truth, rules, learned, hybrid),
    )


def _held_back(
    labels: np.ndarray, known: np.ndarray, test_share: float, rng: np.random.Generator, group: np.ndarray | None
) -> np.ndarray:
    """The orders held back to test (a mask): ``test_share`` of each class, never all of a class, so
    every class is also trained on; with ``group`` whole groups at a time. Classes are drawn in code
    order from one seeded generator, so a split can be repeated."""
    test_mask = np.zeros(len(labels), dtype=bool)
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
    return test_mask


def _recall_per_class(truth: np.ndarray, rules: np.ndarray, learned: np.ndarray, hybrid: np.ndarray) -> pd.DataFrame:
    """Per true class: its held-back orders, the share each method got right and the class the
    model most often gave instead (the report a grid centre reads before trusting the model)."""
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
    return pd.DataFrame(rows)
