"""Model selection: splitters, cross-validation, hyper-parameter search and the learning and
validation curves, with scikit-learn's names, parameters and answers (the same folds for the same
random_state, cv_results_ with the same keys).

``n_jobs`` runs the fits on Python threads (scratchlearn's estimators release the GIL), the cores
divided between concurrent fits and each fit's own threads; ``backend=`` or an active
``joblib.parallel_backend`` context runs them on joblib instead (e.g. a Dask cluster).
"""

from ..metrics._plot import LearningCurveDisplay, ValidationCurveDisplay
from ._search import GridSearchCV, ParameterGrid, ParameterSampler, RandomizedSearchCV
from ._split import (GroupKFold, KFold, LeaveOneOut, LeavePOut, PredefinedSplit, RepeatedKFold,
                     RepeatedStratifiedKFold, ShuffleSplit, StratifiedGroupKFold, StratifiedKFold,
                     StratifiedShuffleSplit, TimeSeriesSplit, check_cv, train_test_split)
from ._validation import (cross_val_predict, cross_val_score, cross_validate, learning_curve,
                          validation_curve)

__all__ = ["GridSearchCV", "RandomizedSearchCV", "ParameterGrid", "ParameterSampler", "KFold",
           "StratifiedKFold", "GroupKFold", "StratifiedGroupKFold", "ShuffleSplit",
           "StratifiedShuffleSplit", "RepeatedKFold", "RepeatedStratifiedKFold", "LeaveOneOut",
           "LeavePOut", "TimeSeriesSplit", "PredefinedSplit", "check_cv", "train_test_split",
           "cross_validate", "cross_val_score", "cross_val_predict", "learning_curve",
           "validation_curve", "LearningCurveDisplay", "ValidationCurveDisplay"]
