"""``gridgov:classify``: a class case for every order from its text (keyword rules, learned model)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from qgis.core import QgsCoordinateReferenceSystem, QgsProcessing, QgsProcessingException

from gridgov.grid_ops.orders.classify import (
    Classified,
    ClassifyRequest,
    Evaluation,
    NoTrainingOrdersError,
    Taxonomy,
    classify_orders,
    shipped_class_cases,
)
from gridgov.grid_ops.schema import CLASS_CODE
from gridgov.layers.io.sources import read_source
from gridgov.layers.outputs.run_outputs import write_frame
from gridgov.layers.parameters.declare import choice, field, number, number_output, sink, source
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop

#: The columns a classification writes; an input's own are kept renamed ``<name>_src``.
CLASS_COLUMNS = (CLASS_CODE, "class_name", "class_score", "class_method", "class_reason")
METHODS = [
    (tr_noop("Auto"), "auto"),
    (tr_noop("Rules"), "rules"),
    (tr_noop("Learned"), "learned"),
    (tr_noop("Hybrid"), "hybrid"),
]
ACCURACY = ("ACCURACY_RULES", "ACCURACY_LEARNED", "ACCURACY_HYBRID")


class ClassifyAlgorithm(DeclaredAlgorithm):
    NAME = "classify"
    DISPLAY = "Classify orders into class cases"
    GROUP_ID = "analysis"
    GROUP = "Analysis"
    HELP = (
        "Gives every order a class case of the catalogue (TAXONOMY, by default the plugin's class_cases.csv) from "
        "its text (TEXT_FIELD): class_code, class_name, class_score, class_method and class_reason.\n\n"
        "Methods: rules (the catalogue's keywords; the class whose matched keywords are longest in total wins; "
        "class_reason lists them), learned (character n-grams and logistic regression trained on the orders that "
        "already have a class in LABEL_FIELD; class_score is its probability), hybrid (the learned class where the "
        "model is at least 50 % sure, else the rules' class). auto: hybrid when LABEL_FIELD gives training orders, "
        "else rules. With LABEL_FIELD, TEST_SHARE of the classified orders is held back first to measure accuracy "
        "(ACCURACY_RULES, ACCURACY_LEARNED, ACCURACY_HYBRID; REPORT gives each class's recall and what it is confused "
        "with); the model that classifies the layer is then trained on all of them. An existing class_code field is "
        "kept as class_code_src.\n\n"
        "Example: INPUT the orders, TEXT_FIELD description, LABEL_FIELD class_code (last month's dispatched orders)."
    )
    PARAMETERS = (
        source("INPUT", tr_noop("Orders")),
        field("TEXT_FIELD", tr_noop("Text field"), "INPUT", "description", fallback=True),
        source("TAXONOMY", tr_noop("Class-case catalogue (class_code, name_zh, keywords)"), optional=True),
        field("LABEL_FIELD", tr_noop("Known class field (orders already classified, for training)"), "INPUT"),
        choice("METHOD", tr_noop("Method"), METHODS),
        number("TEST_SHARE", tr_noop("Share held back to measure accuracy"), 0.2, minimum=0.0, maximum=0.5),
        sink("OUTPUT", tr_noop("Classified orders"), QgsProcessing.SourceType.TypeVectorAnyGeometry),
        sink("REPORT", tr_noop("Accuracy per class"), optional=True, create_by_default=False),
    )
    OUTPUTS = (
        number_output("ACCURACY_RULES", tr_noop("Accuracy of the rules")),
        number_output("ACCURACY_LEARNED", tr_noop("Accuracy of the learned model")),
        number_output("ACCURACY_HYBRID", tr_noop("Accuracy of rules and model together")),
    )
    REQUEST = ClassifyRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: ClassifyRequest = self.request(parameters, context)
        frame, source = read_source(self, parameters, "INPUT", context, feedback)
        taxonomy = self._taxonomy(parameters, context, feedback)
        texts = order_texts(frame, request.text_field)
        labels = known_labels(frame, request.label_field, taxonomy, feedback)
        classified = classified_orders(texts, labels, taxonomy, request)
        results = self._accuracy(classified.check, taxonomy, parameters, context, feedback)
        out = classified_table(frame, classified, taxonomy, feedback)
        crs = source.sourceCrs() if "geometry" in out.columns else QgsCoordinateReferenceSystem()
        results["OUTPUT"] = write_frame(self, parameters, "OUTPUT", context, out, crs, feedback)
        return results

    def _taxonomy(self, parameters, context, feedback) -> Taxonomy:
        """The catalogue TAXONOMY gives, else the plugin's class_cases.csv."""

        frame, _ = read_source(self, parameters, "TAXONOMY", context, feedback)
        if frame is None:
            frame = shipped_class_cases()
        try:
            return Taxonomy.from_frame(pd.DataFrame(frame.drop(columns=["_fid", "geometry"], errors="ignore")))
        except ValueError as err:
            raise QgsProcessingException(f"TAXONOMY: {err}") from err

    def _accuracy(self, check: Evaluation | None, taxonomy: Taxonomy, parameters, context, feedback) -> dict:
        """The accuracy outputs (None where not measured) and, when asked for, the REPORT per class."""
        results = dict.fromkeys(ACCURACY)
        if check is None:
            return results
        results.update(zip(ACCURACY, (check.accuracy_rules, check.accuracy_learned, check.accuracy_hybrid)))
        feedback.pushInfo(
            tr(
                "Held back {0} of {1} classified orders: accuracy rules {2:.1%}, learned {3:.1%}, hybrid {4:.1%}"
            ).format(
                check.n_test,
                check.n_test + check.n_train,
                check.accuracy_rules,
                check.accuracy_learned,
                check.accuracy_hybrid,
            )
        )
        if parameters.get("REPORT") is not None:
            report = check.per_class.copy()
            report.insert(1, "class_name", taxonomy.names(report[CLASS_CODE]))
            crs = QgsCoordinateReferenceSystem()
            results["REPORT"] = write_frame(self, parameters, "REPORT", context, report, crs, feedback)
        return results


def order_texts(frame: pd.DataFrame, text_field: str) -> np.ndarray:
    """Each order's text; a field the layer lacks stops the run."""
    if text_field not in frame.columns:
        raise QgsProcessingException(tr("TEXT_FIELD: the layer has no field {0!r}").format(text_field))
    return frame[text_field].to_numpy(dtype=object)


def known_labels(frame: pd.DataFrame, label_field: str, taxonomy: Taxonomy, feedback) -> np.ndarray | None:
    """Each order's known class ('' where unknown), None without LABEL_FIELD; classes the catalogue
    lacks are said (they still train the model)."""
    if not label_field:
        return None
    if label_field not in frame.columns:
        raise QgsProcessingException(tr("LABEL_FIELD: the layer has no field {0!r}").format(label_field))
    labels = frame[label_field].fillna("").astype(str).str.strip().to_numpy(dtype=object)
    unknown = sorted(set(labels) - set(taxonomy.codes) - {""})
    if unknown:
        feedback.pushWarning(
            tr("{0} known classes are not in the catalogue (e.g. {1}); they train the model all the same").format(
                len(unknown), ", ".join(unknown[:5])
            )
        )
    return labels


def classified_orders(texts, labels, taxonomy: Taxonomy, request: ClassifyRequest) -> Classified:
    """``classify_orders``, its refusals said as the toolbox says them."""
    try:
        return classify_orders(texts, labels, taxonomy, request)
    except NoTrainingOrdersError as err:
        raise QgsProcessingException(
            tr("The {0} method needs LABEL_FIELD with orders of at least two class cases").format(err.method)
        ) from err
    except ValueError as err:  # the model cannot be trained: too few examples, or no scikit-learn
        raise QgsProcessingException(str(err)) from err


def classified_table(frame: pd.DataFrame, classified: Classified, taxonomy: Taxonomy, feedback) -> pd.DataFrame:
    """The orders with their class case (``CLASS_COLUMNS``; the input's own kept as ``<name>_src``),
    the count said in the log."""
    out = frame.drop(columns=["_fid"]).copy()
    for name in CLASS_COLUMNS:
        if name in out.columns:
            out = out.rename(columns={name: f"{name}_src"})
    chosen = classified.chosen
    out[CLASS_CODE] = chosen[CLASS_CODE].to_numpy(dtype=object)
    out["class_name"] = taxonomy.names(out[CLASS_CODE])
    out["class_score"] = chosen["class_score"].to_numpy(dtype=float)
    out["class_method"] = chosen["class_method"].to_numpy(dtype=object)
    out["class_reason"] = classified.reasons
    unclassified = int((out[CLASS_CODE] == "").sum())
    feedback.pushInfo(
        tr("{0} orders classified by {1}; {2} without a class (no keyword and no model)").format(
            len(out) - unclassified, classified.method, unclassified
        )
    )
    return out
