"""Step 10: preparing mixed data — impute, scale, encode — in one pipeline.

Real tables mix numbers with gaps and categories written as text. A ColumnTransformer sends each group of
columns through its own steps (here: fill missing numbers with the median, then standardise; turn each
category into one-hot columns), and a Pipeline chains that with the model, so the same preparation learned
on the training set is applied to the test set. We build a small table from the wine data, with some values
knocked out and a text column added, and look at which prepared features the model leans on.
"""

import numpy as np
import pandas as pd
from _common import plt, save

from scratchlearn.compose import ColumnTransformer
from scratchlearn.datasets import load_wine
from scratchlearn.impute import SimpleImputer
from scratchlearn.linear_model import LogisticRegression
from scratchlearn.model_selection import train_test_split
from scratchlearn.pipeline import Pipeline, make_pipeline
from scratchlearn.preprocessing import OneHotEncoder, StandardScaler

wine = load_wine(as_frame=True)
X = wine.data.iloc[:, :6].copy()
rng = np.random.RandomState(0)
X = X.mask(rng.uniform(size=X.shape) < 0.1)  # 10 % of the numbers missing
# a text column: a coarse label of colour intensity, as a person might have typed it
X["colour"] = np.where(wine.data["color_intensity"] > 5, "deep", np.where(wine.data["color_intensity"] > 3, "medium", "pale"))
y = wine.target
numeric = list(X.columns[:6])
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)

prepare = ColumnTransformer([
    ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
    ("categories", OneHotEncoder(handle_unknown="ignore"), ["colour"]),
])
model = Pipeline([("prepare", prepare), ("classify", LogisticRegression(max_iter=500))])
model.fit(X_train, y_train)
print(f"missing values in the training table: {int(X_train[numeric].isna().sum().sum())}")
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

names = model.named_steps["prepare"].get_feature_names_out()
weights = np.abs(model.named_steps["classify"].coef_).mean(axis=0)
order = np.argsort(weights)
print("prepared features, by mean |coefficient|:")
for i in order[::-1]:
    print(f"  {names[i]:<32s} {weights[i]:.3f}")

fig, ax = plt.subplots(figsize=(7, 4))
ax.barh([names[i] for i in order], weights[order])
ax.set_xlabel("mean |coefficient| over the three classes")
ax.set_title("What the model uses after preparation")
save(fig, "preprocessing_pipeline_weights")
