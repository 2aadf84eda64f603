"""Step 1: linear regression, solved exactly and by gradient descent.

The diabetes data: predict disease progression from 10 measurements. LinearRegression solves the least
squares problem in one step (a QR / normal-equation solve in the C++ core); SGDRegressor walks downhill on
the same squared loss one sample at a time. We watch the loss fall epoch by epoch until it reaches the
exact solution's loss.
"""

import numpy as np
from _common import SMALL, plt, save

from scratchlearn.datasets import load_diabetes
from scratchlearn.linear_model import LinearRegression, SGDRegressor
from scratchlearn.metrics import mean_squared_error, r2_score
from scratchlearn.model_selection import train_test_split

X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)

exact = LinearRegression().fit(X_train, y_train)
best = mean_squared_error(y_train, exact.predict(X_train))
print(f"LinearRegression: test R^2 = {r2_score(y_test, exact.predict(X_test)):.3f}, train MSE = {best:.1f}")

# Gradient descent: one partial_fit call is one pass (epoch) over the shuffled training rows.
sgd = SGDRegressor(learning_rate="constant", eta0=0.05, random_state=0)
losses = []
rng = np.random.RandomState(0)
for epoch in range(20 if SMALL else 200):
    order = rng.permutation(len(y_train))
    sgd.partial_fit(X_train[order], y_train[order])
    losses.append(mean_squared_error(y_train, sgd.predict(X_train)))
print(f"SGDRegressor after {len(losses)} epochs: train MSE = {losses[-1]:.1f}, "
      f"test R^2 = {r2_score(y_test, sgd.predict(X_test)):.3f}")

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(np.arange(1, len(losses) + 1), losses, label="SGD (one point per epoch)")
ax.axhline(best, color="k", linestyle="--", label="exact least squares")
ax.set_xlabel("epoch")
ax.set_ylabel("training mean squared error")
ax.set_yscale("log")
ax.legend()
save(fig, "linear_regression_loss")
