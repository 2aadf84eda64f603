"""Metrics: classification, ranking (ROC / precision-recall), regression and clustering scores,
and the scorers that bind them to an estimator's predictions.

Each takes scikit-learn's arguments, returns scikit-learn's answer, and checks its options with the
same declarative constraints the estimators use (a bad option raises InvalidParameterError naming
it). The heavy loops are the core's (cpp/src/metrics/): the parallel sort behind the curves and
AUC, the per-thread label counts behind confusion matrices and reports, and the blocked distances
of the silhouette. The plots are in scratchlearn.metrics (ConfusionMatrixDisplay, ...) and need
matplotlib.
"""

from ._classification import (accuracy_score, balanced_accuracy_score, brier_score_loss,
                              classification_report, cohen_kappa_score, confusion_matrix,
                              f1_score, fbeta_score, hamming_loss, hinge_loss, jaccard_score,
                              log_loss, matthews_corrcoef, multilabel_confusion_matrix,
                              precision_recall_fscore_support, precision_score, recall_score,
                              zero_one_loss)
from ._cluster import (adjusted_rand_score, completeness_score,
                       homogeneity_completeness_v_measure, homogeneity_score, mutual_info_score,
                       normalized_mutual_info_score, pair_confusion_matrix, rand_score,
                       silhouette_samples, silhouette_score, v_measure_score)
from ._ranking import (auc, average_precision_score, det_curve, precision_recall_curve,
                       roc_auc_score, roc_curve, top_k_accuracy_score)
from ._regression import (explained_variance_score, max_error, mean_absolute_error,
                          mean_absolute_percentage_error, mean_squared_error,
                          mean_squared_log_error, median_absolute_error, r2_score,
                          root_mean_squared_error, root_mean_squared_log_error)
from ._plot import (ConfusionMatrixDisplay, DetCurveDisplay, PrecisionRecallDisplay,
                    PredictionErrorDisplay, RocCurveDisplay)
from ._scorer import check_scoring, fowlkes_mallows_score, get_scorer, get_scorer_names, make_scorer

__all__ = [
    "accuracy_score", "balanced_accuracy_score", "brier_score_loss", "classification_report",
    "cohen_kappa_score", "confusion_matrix", "f1_score", "fbeta_score", "hamming_loss",
    "hinge_loss", "jaccard_score", "log_loss", "matthews_corrcoef", "multilabel_confusion_matrix",
    "precision_recall_fscore_support", "precision_score", "recall_score", "zero_one_loss",
    "adjusted_rand_score", "completeness_score",
    "homogeneity_completeness_v_measure", "homogeneity_score", "mutual_info_score",
    "normalized_mutual_info_score", "pair_confusion_matrix", "rand_score", "silhouette_samples",
    "silhouette_score", "v_measure_score", "fowlkes_mallows_score",
    "auc", "average_precision_score", "det_curve", "precision_recall_curve", "roc_auc_score",
    "roc_curve", "top_k_accuracy_score",
    "explained_variance_score", "max_error", "mean_absolute_error",
    "mean_absolute_percentage_error", "mean_squared_error", "mean_squared_log_error",
    "median_absolute_error", "r2_score", "root_mean_squared_error", "root_mean_squared_log_error",
    "check_scoring", "get_scorer", "get_scorer_names", "make_scorer",
    "ConfusionMatrixDisplay", "DetCurveDisplay", "PrecisionRecallDisplay", "PredictionErrorDisplay",
    "RocCurveDisplay",
]
