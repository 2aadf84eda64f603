"""Multi-layer perceptrons trained on scratchlearn's own GEMM: MLPClassifier and MLPRegressor."""

from ._multilayer_perceptron import MLPClassifier, MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
