"""Step 7: principal component analysis on handwritten digits.

PCA finds the orthogonal directions of largest variance: the top right singular vectors of the centred
data (computed in the core by an SVD or by the eigenvectors of the covariance matrix). Projecting the
64-pixel digits on the first two components already separates several digits; the explained-variance curve
says how many components keep most of the information.
"""

import numpy as np
from _common import plt, save

from scratchlearn.datasets import load_digits
from scratchlearn.decomposition import PCA

digits = load_digits()
pca = PCA(n_components=2).fit(digits.data)
Z = pca.transform(digits.data)
print(f"variance explained by 2 components: {pca.explained_variance_ratio_.sum():.3f}")

full = PCA().fit(digits.data)
cumulative = np.cumsum(full.explained_variance_ratio_)
for share in (0.5, 0.8, 0.9, 0.95):
    print(f"{share:.0%} of the variance needs {int(np.searchsorted(cumulative, share)) + 1} components")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
points = ax1.scatter(Z[:, 0], Z[:, 1], c=digits.target, cmap="tab10", s=6)
fig.colorbar(points, ax=ax1, label="digit")
ax1.set_xlabel("first component")
ax1.set_ylabel("second component")
ax2.plot(np.arange(1, len(cumulative) + 1), cumulative)
ax2.set_xlabel("number of components")
ax2.set_ylabel("cumulative explained variance")
save(fig, "pca_digits")
