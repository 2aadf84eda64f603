"""Step 2: k-nearest neighbours on iris, and what k does to the decision boundary.

A kNN classifier stores the training points and labels a new point by a vote of its k closest ones. With
k = 1 the boundary follows every training point (low bias, high variance); with a larger k it smooths out.
We use two of the four features so the boundary can be drawn.
"""

import numpy as np
from _common import SMALL, plt, save

from scratchlearn.datasets import load_iris
from scratchlearn.model_selection import train_test_split
from scratchlearn.neighbors import KNeighborsClassifier

iris = load_iris()
X = iris.data[:, [0, 2]]  # sepal length, petal length
y = iris.target
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)

step = 0.1 if SMALL else 0.02
xx, yy = np.meshgrid(np.arange(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, step),
                     np.arange(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, step))
grid = np.column_stack([xx.ravel(), yy.ravel()])

fig, axes = plt.subplots(1, 3, figsize=(12, 4), sharey=True)
for ax, k in zip(axes, [1, 5, 25]):
    knn = KNeighborsClassifier(n_neighbors=k).fit(X_train, y_train)
    print(f"k = {k:2d}: train accuracy {knn.score(X_train, y_train):.3f}, test accuracy {knn.score(X_test, y_test):.3f}")
    ax.contourf(xx, yy, knn.predict(grid).reshape(xx.shape), alpha=0.3, levels=[-0.5, 0.5, 1.5, 2.5])
    ax.scatter(X_train[:, 0], X_train[:, 1], c=y_train, edgecolor="k", s=20)
    ax.set_title(f"k = {k}")
    ax.set_xlabel(iris.feature_names[0])
axes[0].set_ylabel(iris.feature_names[2])
save(fig, "knn_iris_boundaries")
