"""``gridgov:classify``: a class case for every order from its text (keyword rules, learned model)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from gridgov.grid_ops.schema import CLASS_CODE
from gridgov.layers.processing.base import GridGovAlgorithm, read_source, tr, write_frame

METHOD_CHOICES = ("auto", "rules", "learned", "hybrid")
ACCURACY_LABELS = {
    "ACCURACY_RULES": "Accuracy of the rules",
    "ACCURACY_LEARNED": "Accuracy of the learned model",
    "ACCURACY_HYBRID": "Accuracy of rules and model together",
}


class ClassifyAlgorithm(GridGovAlgorithm):
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
    INPUT, TEXT_FIELD, TAXONOMY, LABEL_FIELD, METHOD = "INPUT", "TEXT_FIELD", "TAXONOMY", "LABEL_FIELD", "METHOD"
    TEST_SHARE, OUTPUT, REPORT = "TEST_SHARE", "OUTPUT", "REPORT"
    ACCURACY = ("ACCURACY_RULES", "ACCURACY_LEARNED", "ACCURACY_HYBRID")

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, tr("Orders"), [QgsProcessing.SourceType.TypeVector])
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.TEXT_FIELD, tr("Text field"), "description", parentLayerParameterName=self.INPUT, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.TAXONOMY,
                tr("Class-case catalogue (class_code, name_zh, keywords)"),
                [QgsProcessing.SourceType.TypeVector],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.LABEL_FIELD,
                tr("Known class field (orders already classified, for training)"),
                parentLayerParameterName=self.INPUT,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.METHOD, tr("Method"), [tr("Auto"), tr("Rules"), tr("Learned"), tr("Hybrid")], defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.TEST_SHARE,
                tr("Share held back to measure accuracy"),
                QgsProcessingParameterNumber.Type.Double,
                0.2,
                minValue=0.0,
                maxValue=0.5,
            )
        )
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Classified orders")))
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.REPORT,
                tr("Accuracy per class"),
                QgsProcessing.SourceType.TypeVector,
                optional=True,
                createByDefault=False,
            )
        )
        for name in self.ACCURACY:
            self.addOutput(QgsProcessingOutputNumber(name, tr(ACCURACY_LABELS[name])))

    def _taxonomy(self, parameters, context, feedback):
        from gridgov.grid_ops.orders.classify import Taxonomy
        from gridgov.grid_ops.runtime.paths import resource_path

        frame, _ = read_source(self, parameters, self.TAXONOMY, context, feedback)
        if frame is None:
            frame = pd.read_csv(resource_path("taxonomy", "class_cases.csv"), dtype=str)
        try:
            return Taxonomy.from_frame(pd.DataFrame(frame.drop(columns=["_fid", "geometry"], errors="ignore")))
        except ValueError as err:
            raise QgsProcessingException(f"TAXONOMY: {err}") from err

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.grid_ops.orders.classify import LearnedClassifier, classify_by_rules, combine, evaluate

        frame, source = read_source(self, parameters, self.INPUT, context, feedback)
        taxonomy = self._taxonomy(parameters, context, feedback)
        text_field = self.parameterAsString(parameters, self.TEXT_FIELD, context) or "description"
        if text_field not in frame.columns:
            raise QgsProcessingException(tr("TEXT_FIELD: the layer has no field {0!r}").format(text_field))
        texts = frame[text_field].to_numpy(dtype=object)
        label_field = self.parameterAsString(parameters, self.LABEL_FIELD, context)
        labels = None
        if label_field:
            if label_field not in frame.columns:
                raise QgsProcessingException(tr("LABEL_FIELD: the layer has no field {0!r}").format(label_field))
            labels = frame[label_field].fillna("").astype(str).str.strip().to_numpy(dtype=object)
            unknown = sorted(set(labels) - set(taxonomy.codes) - {""})
            if unknown:
                feedback.pushWarning(
                    tr(
                        "{0} known classes are not in the catalogue (e.g. {1}); they train the model all the same"
                    ).format(len(unknown), ", ".join(unknown[:5]))
                )
        method = METHOD_CHOICES[self.parameterAsEnum(parameters, self.METHOD, context)]
        trainable = labels is not None and len(set(labels) - {""}) >= 2
        if method == "auto":
            method = "hybrid" if trainable else "rules"
        if method in ("learned", "hybrid") and not trainable:
            raise QgsProcessingException(
                tr("The {0} method needs LABEL_FIELD with orders of at least two class cases").format(method)
            )
        results = {name: None for name in self.ACCURACY}
        if trainable:
            share = self.parameterAsDouble(parameters, self.TEST_SHARE, context)
            if share > 0:
                check = evaluate(texts, labels, taxonomy, share)
                results.update(
                    ACCURACY_RULES=check.accuracy_rules,
                    ACCURACY_LEARNED=check.accuracy_learned,
                    ACCURACY_HYBRID=check.accuracy_hybrid,
                )
                feedback.pushInfo(
                    tr(
                        "Held back {0} of {1} classified orders: accuracy rules {2:.1%}, "
                        "learned {3:.1%}, hybrid {4:.1%}"
                    ).format(
                        check.n_test,
                        check.n_test + check.n_train,
                        check.accuracy_rules,
                        check.accuracy_learned,
                        check.accuracy_hybrid,
                    )
                )
                if parameters.get(self.REPORT) is not None:
                    report = check.per_class.copy()
                    report.insert(1, "class_name", taxonomy.names(report[CLASS_CODE]))
                    results[self.REPORT] = write_frame(
                        self, parameters, self.REPORT, context, report, QgsCoordinateReferenceSystem(), feedback
                    )
        rules = classify_by_rules(texts, taxonomy)
        if method == "rules":
            chosen = rules.assign(class_method=np.where(rules[CLASS_CODE] != "", "rules", ""))
        else:
            try:
                model = LearnedClassifier().fit(texts, labels)
            except ValueError as err:
                raise QgsProcessingException(str(err)) from err
            learned = model.predict(texts)
            chosen = learned.assign(class_method="learned") if method == "learned" else combine(rules, learned)
        out = frame.drop(columns=["_fid"]).copy()
        for name in (CLASS_CODE, "class_name", "class_score", "class_method", "class_reason"):
            if name in out.columns:
                out = out.rename(columns={name: f"{name}_src"})
        out[CLASS_CODE] = chosen[CLASS_CODE].to_numpy(dtype=object)
        out["class_name"] = taxonomy.names(out[CLASS_CODE])
        out["class_score"] = chosen["class_score"].to_numpy(dtype=float)
        out["class_method"] = chosen["class_method"].to_numpy(dtype=object)
        out["class_reason"] = rules["class_reason"].to_numpy(dtype=object)
        unclassified = int((out[CLASS_CODE] == "").sum())
        feedback.pushInfo(
            tr("{0} orders classified by {1}; {2} without a class (no keyword and no model)").format(
                len(out) - unclassified, method, unclassified
            )
        )
        crs = source.sourceCrs() if "geometry" in out.columns else QgsCoordinateReferenceSystem()
        results[self.OUTPUT] = write_frame(self, parameters, self.OUTPUT, context, out, crs, feedback)
        return results
