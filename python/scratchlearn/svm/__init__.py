"""Support vector machines: kernel SVMs by SMO (SVC, NuSVC, SVR, NuSVR, OneClassSVM) and linear
SVMs by dual coordinate descent (LinearSVC, LinearSVR). The solvers are in cpp/src/svm/."""

from ._classes import SVC, SVR, NuSVC, NuSVR, OneClassSVM
from ._linear import LinearSVC, LinearSVR

__all__ = ["SVC", "NuSVC", "SVR", "NuSVR", "OneClassSVM", "LinearSVC", "LinearSVR"]
