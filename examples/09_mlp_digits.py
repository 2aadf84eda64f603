"""Step 9: a neural network (multi-layer perceptron) on handwritten digits.

Each layer is one matrix product (the shared GEMM kernel in the core) followed by an activation (ReLU
here); the output layer is a softmax. Training runs backpropagation: the gradient of the log-loss flows
back through the layers, and Adam updates the weights after each minibatch. loss_curve_ records the
training loss after every epoch.
"""

from _common import SMALL, plt, save

from scratchlearn.datasets import load_digits
from scratchlearn.model_selection import train_test_split
from scratchlearn.neural_network import MLPClassifier
from scratchlearn.preprocessing import StandardScaler

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

mlp = MLPClassifier(hidden_layer_sizes=(64,), max_iter=30 if SMALL else 200, random_state=0)
mlp.fit(X_train, y_train)
print(f"{mlp.n_iter_} epochs, final training loss {mlp.loss_:.4f}, test accuracy {mlp.score(X_test, y_test):.3f}")

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(range(1, len(mlp.loss_curve_) + 1), mlp.loss_curve_)
ax.set_xlabel("epoch")
ax.set_ylabel("training log-loss")
ax.set_yscale("log")
save(fig, "mlp_digits_loss")
