"""Clustering: KMeans and MiniBatchKMeans."""

from ._kmeans import KMeans, MiniBatchKMeans, kmeans_plusplus

__all__ = ['KMeans', 'MiniBatchKMeans', 'kmeans_plusplus']
