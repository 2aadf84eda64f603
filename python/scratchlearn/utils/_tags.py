"""Estimator tags: typed dataclasses that say what an estimator accepts and does.

An estimator refines its tags by overriding ``__scratchlearn_tags__``::

    def __scratchlearn_tags__(self):
        tags = super().__scratchlearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

A misspelt field is an AttributeError at once (the dataclasses have slots), never a silently ignored
key. The field names are scikit-learn's, so ``BaseEstimator.__sklearn_tags__`` converts them field by
field when scikit-learn asks (scikit-learn is never imported otherwise).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

__all__ = ["Tags", "InputTags", "TargetTags", "ClassifierTags", "RegressorTags", "TransformerTags",
           "to_sklearn_tags"]


@dataclass(slots=True)
class InputTags:
    one_d_array: bool = False
    two_d_array: bool = True
    three_d_array: bool = False
    sparse: bool = False
    categorical: bool = False
    string: bool = False
    dict: bool = False
    positive_only: bool = False
    allow_nan: bool = False
    pairwise: bool = False


@dataclass(slots=True)
class TargetTags:
    required: bool = False
    one_d_labels: bool = False
    two_d_labels: bool = False
    positive_only: bool = False
    multi_output: bool = False
    single_output: bool = True


@dataclass(slots=True)
class ClassifierTags:
    poor_score: bool = False
    multi_class: bool = True
    multi_label: bool = False


@dataclass(slots=True)
class RegressorTags:
    poor_score: bool = False


@dataclass(slots=True)
class TransformerTags:
    preserves_dtype: list = field(default_factory=lambda: ["float64"])


@dataclass(slots=True)
class Tags:
    estimator_type: str | None = None
    target_tags: TargetTags = field(default_factory=TargetTags)
    transformer_tags: TransformerTags | None = None
    classifier_tags: ClassifierTags | None = None
    regressor_tags: RegressorTags | None = None
    array_api_support: bool = False
    no_validation: bool = False
    non_deterministic: bool = False
    requires_fit: bool = True
    _skip_test: bool = False
    input_tags: InputTags = field(default_factory=InputTags)


def _convert(ours, theirs_cls):
    """One of our tag dataclasses as scikit-learn's class of the same role: the fields both know."""
    known = {f.name for f in dataclasses.fields(theirs_cls)}
    kwargs = {}
    for f in dataclasses.fields(ours):
        if f.name in known:
            kwargs[f.name] = getattr(ours, f.name)
    return kwargs


def to_sklearn_tags(tags):
    """Our Tags as scikit-learn's ``sklearn.utils.Tags`` (only called by scikit-learn itself)."""
    import sklearn.utils as sku  # reached only when scikit-learn asks for the tags

    kwargs = _convert(tags, sku.Tags)
    kwargs["target_tags"] = sku.TargetTags(**_convert(tags.target_tags, sku.TargetTags))
    kwargs["input_tags"] = sku.InputTags(**_convert(tags.input_tags, sku.InputTags))
    kwargs["transformer_tags"] = (None if tags.transformer_tags is None else
                                  sku.TransformerTags(**_convert(tags.transformer_tags, sku.TransformerTags)))
    kwargs["classifier_tags"] = (None if tags.classifier_tags is None else
                                 sku.ClassifierTags(**_convert(tags.classifier_tags, sku.ClassifierTags)))
    kwargs["regressor_tags"] = (None if tags.regressor_tags is None else
                                sku.RegressorTags(**_convert(tags.regressor_tags, sku.RegressorTags)))
    return sku.Tags(**kwargs)
