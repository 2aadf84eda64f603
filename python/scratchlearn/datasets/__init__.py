"""Small classic datasets shipped inside the package (no download) and synthetic data generators.

The loaders follow scikit-learn's signatures: ``load_iris(return_X_y=False, as_frame=False)`` returns a
:class:`~scratchlearn.utils.Bunch` with ``data``, ``target``, ``feature_names``, ``target_names`` and
``DESCR``. The generators (``make_classification``, ``make_regression``, ``make_blobs``, ``make_moons``,
``make_circles``) take scikit-learn's parameters and are deterministic for a given ``random_state``.
"""

from ._base import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_messages,
    load_wine,
)
from ._samples_generator import (
    make_blobs,
    make_circles,
    make_classification,
    make_moons,
    make_regression,
)

__all__ = [
    "load_breast_cancer",
    "load_diabetes",
    "load_digits",
    "load_iris",
    "load_messages",
    "load_wine",
    "make_blobs",
    "make_circles",
    "make_classification",
    "make_moons",
    "make_regression",
]
