"""The clustering metrics under one name, as ``sklearn.metrics.cluster`` groups them: the
agreement of two labelings (Rand, mutual information, homogeneity / completeness / V-measure,
Fowlkes-Mallows, the contingency and pair-confusion matrices) and the unsupervised scores of one
labeling of data (silhouette, Calinski-Harabasz, Davies-Bouldin)."""

from ._cluster import (adjusted_mutual_info_score, adjusted_rand_score, calinski_harabasz_score,
                       completeness_score, consensus_score, contingency_matrix, davies_bouldin_score, entropy,
                       expected_mutual_information, homogeneity_completeness_v_measure,
                       homogeneity_score, mutual_info_score, normalized_mutual_info_score,
                       pair_confusion_matrix, rand_score, silhouette_samples, silhouette_score,
                       v_measure_score)
from ._scorer import fowlkes_mallows_score

__all__ = ["adjusted_mutual_info_score", "adjusted_rand_score", "calinski_harabasz_score",
           "completeness_score", "consensus_score", "contingency_matrix", "davies_bouldin_score", "entropy",
           "expected_mutual_information", "fowlkes_mallows_score",
           "homogeneity_completeness_v_measure", "homogeneity_score", "mutual_info_score",
           "normalized_mutual_info_score", "pair_confusion_matrix", "rand_score",
           "silhouette_samples", "silhouette_score", "v_measure_score"]
