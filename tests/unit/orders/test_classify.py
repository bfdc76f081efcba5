"""Classification of order texts: rules, learned model, hybrid; accuracy on held-back demo orders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.orders import classify
from gridgov.grid_ops.runtime.paths import resource_path


@pytest.fixture(scope="module")
def taxonomy():
    return classify.Taxonomy.from_frame(pd.read_csv(resource_path("taxonomy", "class_cases.csv"), dtype=str))


def test_catalogue_splits_noise_and_parking(taxonomy):
    table = taxonomy.table.set_index("class_code")
    assert {"0601", "0602", "0603", "0604", "0605"} <= set(table.index[table["case_group"] == "noise"])
    assert {"0503", "0504", "0505"} <= set(table.index[table["case_group"] == "parking"])
    assert table["keywords"].str.len().gt(0).all() and table["department"].str.len().gt(0).all()


def test_rules_pick_the_longest_keywords_and_say_why(taxonomy):
    result = classify.classify_by_rules(
        pd.Series(["小区消防通道被私家车堵住", "楼上深夜跺脚，噪音很大", "今天天气很好", None, "ＫＴＶ太吵"]), taxonomy
    )
    assert result["class_code"].tolist() == ["0505", "0601", "", "", "0602"]
    assert "消防通道" in result["class_reason"][0] and result["class_score"][2] == 0.0


@pytest.fixture(scope="module")
def evaluations(demo_city_20k, taxonomy):
    orders = demo_city_20k["orders"]
    truth = demo_city_20k["truth_orders"]
    random_split = classify.evaluate(orders["description"], orders["class_code"], taxonomy, 0.2, seed=1)
    unseen = classify.evaluate(
        orders["description"], orders["class_code"], taxonomy, 0.2, seed=1, groups=truth["text_template"]
    )
    return random_split, unseen


def test_learned_model_reaches_95_percent_on_held_back_orders(evaluations):
    random_split, _ = evaluations
    assert random_split.n_test > 3000
    assert random_split.accuracy_learned >= 0.95
    assert random_split.accuracy_hybrid >= 0.95
    assert random_split.per_class["recall_learned"].min() >= 0.9
    confusion = random_split.confusion
    assert confusion.values.sum() == random_split.n_test


def test_unseen_wordings_are_reported_honestly(evaluations):
    """Held-back *wordings* (never seen in training): the learned model alone falls far below the
    random split; the hybrid falls back on the catalogue's keywords where the model is unsure."""
    random_split, unseen = evaluations
    assert unseen.accuracy_learned < random_split.accuracy_learned
    assert unseen.accuracy_hybrid > unseen.accuracy_learned
    assert set(unseen.per_class.columns) >= {"recall_rules", "recall_learned", "recall_hybrid", "most_confused_with"}


@settings(max_examples=40)
@given(st.lists(st.one_of(st.none(), st.text(max_size=30), st.integers()), max_size=20))
def test_any_text_gets_a_row(values):
    tax = classify.Taxonomy.from_frame(
        pd.DataFrame(
            {"class_code": ["0601", "0503"], "name_zh": ["生活噪声", "乱停车"], "keywords": ["噪音|吵", "停车"]}
        )
    )
    result = classify.classify_by_rules(pd.Series(values, dtype=object), tax)
    assert len(result) == len(values)
    assert set(result["class_code"]) <= {"", "0601", "0503"}
    assert result["class_score"].between(0, 1).all()


def test_learned_needs_two_classes_and_predicts_empty_text_as_nothing():
    with pytest.raises(ValueError, match="two class cases"):
        classify.LearnedClassifier().fit(["a b", "a c"], ["0601", "0601"])
    model = classify.LearnedClassifier().fit(
        ["楼上噪音", "楼上很吵", "乱停车", "违章停车"] * 3, ["0601", "0601", "0503", "0503"] * 3
    )
    out = model.predict(["楼上噪音太大", ""])
    assert out["class_code"].tolist() == ["0601", ""] and np.isclose(out["class_score"][1], 0.0)


def test_without_scikit_learn_the_message_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.feature_extraction.text", None)
    with pytest.raises(ValueError, match="pip install scikit-learn"):
        classify.LearnedClassifier().fit(["楼上噪音", "乱停车"] * 3, ["0601", "0503"] * 3)
