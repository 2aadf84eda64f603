"""Principal component analysis: PCA."""

from ._pca import PCA

__all__ = ['PCA']
