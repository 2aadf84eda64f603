"""Step 5: support vector machines and kernels, side by side.

An SVM finds the separating boundary with the widest margin; only the points on or inside the margin (the
support vectors) define it. A kernel k(x, z) replaces the dot product, so the same solver (SMO in the
core, two multipliers at a time) draws a straight line (linear), a polynomial curve (poly) or a smooth,
local boundary (rbf).
"""

import numpy as np
from _common import SMALL, plt, save

from scratchlearn.datasets import make_circles, make_moons
from scratchlearn.model_selection import train_test_split
from scratchlearn.svm import SVC

problems = {
    "moons": make_moons(n_samples=300, noise=0.2, random_state=0),
    "circles": make_circles(n_samples=300, noise=0.1, factor=0.4, random_state=0),
}
kernels = [("linear", {}), ("poly", {"degree": 3, "coef0": 1.0}), ("rbf", {"gamma": 2.0})]
step = 0.1 if SMALL else 0.02

fig, axes = plt.subplots(len(problems), len(kernels), figsize=(12, 7))
for row, (name, (X, y)) in enumerate(problems.items()):
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
    xx, yy = np.meshgrid(np.arange(-1.5, 2.5, step), np.arange(-1.5, 1.5, step))
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    for col, (kernel, extra) in enumerate(kernels):
        svc = SVC(kernel=kernel, C=1.0, **extra).fit(X_train, y_train)
        score = svc.score(X_test, y_test)
        print(f"{name:8s} {kernel:7s}: test accuracy {score:.3f}, {len(svc.support_)} support vectors")
        ax = axes[row, col]
        ax.contourf(xx, yy, svc.decision_function(grid).reshape(xx.shape), levels=20, cmap="RdBu", alpha=0.6)
        ax.scatter(X_train[:, 0], X_train[:, 1], c=y_train, cmap="RdBu", edgecolor="k", s=12)
        ax.set_title(f"{name}, {kernel}: {score:.2f}")
save(fig, "svm_kernels")
