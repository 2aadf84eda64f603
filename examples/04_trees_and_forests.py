"""Step 4: decision trees, random forests, and the bias-variance trade-off.

A tree splits the feature space greedily, choosing at each node the threshold that most reduces impurity
(Gini here); grown deep it fits the training set perfectly and the noise with it (high variance). A random
forest averages many deep trees, each grown on a bootstrap sample with random feature subsets: the
average keeps the low bias and cancels much of the variance. The learning curve shows it: test accuracy
as the training set grows.
"""

import numpy as np
from _common import SMALL, plt, save

from scratchlearn.datasets import make_moons
from scratchlearn.ensemble import RandomForestClassifier
from scratchlearn.model_selection import train_test_split
from scratchlearn.tree import DecisionTreeClassifier

X, y = make_moons(n_samples=600 if SMALL else 3000, noise=0.35, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)

depths = [1, 2, 3, 4, 6, 8, 12, 16, None]
train_acc, test_acc = [], []
for depth in depths:
    tree = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(X_train, y_train)
    train_acc.append(tree.score(X_train, y_train))
    test_acc.append(tree.score(X_test, y_test))
forest = RandomForestClassifier(n_estimators=50 if SMALL else 200, random_state=0).fit(X_train, y_train)
print("depth   train   test")
for d, a, b in zip(depths, train_acc, test_acc):
    print(f"{str(d):>5}  {a:.3f}  {b:.3f}")
print(f"forest  {forest.score(X_train, y_train):.3f}  {forest.score(X_test, y_test):.3f}")

# A learning curve: both models trained on growing prefixes of the (shuffled) training set.
sizes = np.linspace(0.1, 1.0, 6 if SMALL else 10)
curve = {"deep tree": [], "random forest": []}
for frac in sizes:
    n = max(10, int(frac * len(y_train)))
    curve["deep tree"].append(DecisionTreeClassifier(random_state=0).fit(X_train[:n], y_train[:n]).score(X_test, y_test))
    curve["random forest"].append(
        RandomForestClassifier(n_estimators=50, random_state=0).fit(X_train[:n], y_train[:n]).score(X_test, y_test))

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
labels = [str(d) for d in depths]
ax1.plot(labels, train_acc, "o-", label="train")
ax1.plot(labels, test_acc, "o-", label="test")
ax1.axhline(forest.score(X_test, y_test), color="g", linestyle="--", label="forest (test)")
ax1.set_xlabel("max_depth")
ax1.set_ylabel("accuracy")
ax1.legend()
for name, scores in curve.items():
    ax2.plot((sizes * len(y_train)).astype(int), scores, "o-", label=name)
ax2.set_xlabel("training samples")
ax2.set_ylabel("test accuracy")
ax2.legend()
save(fig, "trees_bias_variance")
