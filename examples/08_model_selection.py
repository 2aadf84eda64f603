"""Step 8: evaluating and selecting a model — cross-validation, grid search, a confusion matrix and a ROC curve.

A score on the training data flatters a model; a held-out test set is honest but small. k-fold
cross-validation trains k times, each time scoring on the fold left out. A grid search runs that for every
combination of hyper-parameters and keeps the best; the test set, untouched until the end, says how well
the chosen model really does.
"""

import numpy as np
from _common import SMALL, plt, save

from scratchlearn.datasets import load_breast_cancer
from scratchlearn.metrics import confusion_matrix, roc_auc_score, roc_curve
from scratchlearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from scratchlearn.neighbors import KNeighborsClassifier
from scratchlearn.pipeline import make_pipeline
from scratchlearn.preprocessing import StandardScaler

data = load_breast_cancer()
X_train, X_test, y_train, y_test = train_test_split(data.data, data.target, test_size=0.25, stratify=data.target,
                                                    random_state=0)

model = make_pipeline(StandardScaler(), KNeighborsClassifier())
scores = cross_val_score(model, X_train, y_train, cv=5)
print(f"5-fold accuracy with the defaults: {scores.mean():.3f} +/- {scores.std():.3f}")

grid = {"kneighborsclassifier__n_neighbors": [1, 3, 5, 9] if SMALL else [1, 3, 5, 7, 9, 15, 25],
        "kneighborsclassifier__weights": ["uniform", "distance"]}
search = GridSearchCV(model, grid, cv=5, scoring="roc_auc").fit(X_train, y_train)
print(f"best parameters {search.best_params_}, cross-validated ROC AUC {search.best_score_:.3f}")

proba = search.predict_proba(X_test)[:, 1]
pred = search.predict(X_test)
cm = confusion_matrix(y_test, pred)
print("confusion matrix on the test set (rows: true malignant, benign):")
print(cm)
print(f"test ROC AUC {roc_auc_score(y_test, proba):.3f}")

fpr, tpr, _ = roc_curve(y_test, proba)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
ax1.imshow(cm, cmap="Blues")
for (i, j), count in np.ndenumerate(cm):
    ax1.text(j, i, str(count), ha="center", va="center")
ax1.set_xticks([0, 1], data.target_names)
ax1.set_yticks([0, 1], data.target_names)
ax1.set_xlabel("predicted")
ax1.set_ylabel("true")
ax2.plot(fpr, tpr, label=f"AUC = {roc_auc_score(y_test, proba):.3f}")
ax2.plot([0, 1], [0, 1], "k--")
ax2.set_xlabel("false positive rate")
ax2.set_ylabel("true positive rate")
ax2.legend()
save(fig, "model_selection_confusion_roc")
