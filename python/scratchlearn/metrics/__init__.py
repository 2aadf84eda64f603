"""Metrics: classification, ranking (ROC / precision-recall), regression and clustering scores,
and the scorers that bind them to an estimator's predictions.

Each takes scikit-learn's arguments, returns scikit-learn's answer, and checks its options with the
same declarative constraints the estimators use (a bad option raises InvalidParameterError naming
it). The heavy loops are the core's (cpp/src/metrics/): the parallel sort behind the curves and
AUC, the per-thread label counts behind confusion matrices and reports, and the blocked distances
of the silhouette. The plots are in scratchlearn.metrics (ConfusionMatrixDisplay, ...) and need
matplotlib. Pairwise distances and kernels are in scratchlearn.metrics.pairwise.
"""

from ._classification import (accuracy_score, balanced_accuracy_score, brier_score_loss,
                              classification_report, cohen_kappa_score, confusion_matrix,
                              f1_score, fbeta_score, hamming_loss, hinge_loss, jaccard_score,
                              log_loss, matthews_corrcoef, multilabel_confusion_matrix,
                              precision_recall_fscore_support, precision_score, recall_score,
                              zero_one_loss, class_likelihood_ratios, d2_brier_score,
                              d2_log_loss_score)
from ._cluster import (adjusted_mutual_info_score, calinski_harabasz_score, consensus_score,
                       contingency_matrix,
                       davies_bouldin_score, adjusted_rand_score, completeness_score,
                       homogeneity_completeness_v_measure, homogeneity_score, mutual_info_score,
                       normalized_mutual_info_score, pair_confusion_matrix, rand_score,
                       silhouette_samples, silhouette_score, v_measure_score)
from ._ranking import (auc, average_precision_score, confusion_matrix_at_thresholds,
                       coverage_error, dcg_score, det_curve, label_ranking_average_precision_score,
                       label_ranking_loss, metric_at_thresholds, ndcg_score,
                       precision_recall_curve, roc_auc_score, roc_curve, top_k_accuracy_score)
from ._regression import (explained_variance_score, max_error, mean_absolute_error,
                          mean_absolute_percentage_error, mean_squared_error,
                          mean_squared_log_error, median_absolute_error, r2_score,
                          root_mean_squared_error, root_mean_squared_log_error,
                          d2_absolute_error_score, d2_pinball_score, d2_tweedie_score,
                          mean_gamma_deviance, mean_pinball_loss, mean_poisson_deviance,
                          mean_tweedie_deviance)
from ._plot import (ConfusionMatrixDisplay, DetCurveDisplay, PrecisionRecallDisplay,
                    PredictionErrorDisplay, RocCurveDisplay)
from ._scorer import check_scoring, fowlkes_mallows_score, get_scorer, get_scorer_names, make_scorer
from . import cluster, pairwise
from .pairwise import (DistanceMetric, euclidean_distances, nan_euclidean_distances,
                       pairwise_distances, pairwise_distances_argmin,
                       pairwise_distances_argmin_min, pairwise_distances_chunked, pairwise_kernels)

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
    "class_likelihood_ratios", "d2_brier_score", "d2_log_loss_score",
    "adjusted_mutual_info_score", "calinski_harabasz_score", "contingency_matrix",
    "davies_bouldin_score", "consensus_score",
    "confusion_matrix_at_thresholds", "coverage_error", "dcg_score",
    "label_ranking_average_precision_score", "label_ranking_loss", "metric_at_thresholds",
    "ndcg_score",
    "d2_absolute_error_score", "d2_pinball_score", "d2_tweedie_score", "mean_gamma_deviance",
    "mean_pinball_loss", "mean_poisson_deviance", "mean_tweedie_deviance",
    "cluster", "pairwise", "DistanceMetric", "euclidean_distances", "nan_euclidean_distances",
    "pairwise_distances", "pairwise_distances_argmin", "pairwise_distances_argmin_min",
    "pairwise_distances_chunked", "pairwise_kernels",
]
