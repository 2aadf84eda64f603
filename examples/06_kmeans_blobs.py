"""Step 6: k-means clustering on blobs, and choosing k.

k-means alternates two steps: assign every point to its nearest centre, then move every centre to the
mean of its points. Each step lowers the inertia (the sum of squared distances to the assigned centre).
k-means++ picks spread-out starting centres. Inertia always falls as k grows; the "elbow" where it stops
falling fast suggests k.
"""

from _common import SMALL, plt, save

from scratchlearn.cluster import KMeans
from scratchlearn.datasets import make_blobs

X, y_true = make_blobs(n_samples=500 if SMALL else 5000, centers=4, cluster_std=1.2, random_state=3)

km = KMeans(n_clusters=4, n_init=4, random_state=0).fit(X)
print(f"k = 4: inertia {km.inertia_:.1f} after {km.n_iter_} iterations")

ks = range(1, 10)
inertias = [KMeans(n_clusters=k, n_init=2, random_state=0).fit(X).inertia_ for k in ks]
for k, inertia in zip(ks, inertias):
    print(f"k = {k}: inertia {inertia:.1f}")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
ax1.scatter(X[:, 0], X[:, 1], c=km.labels_, s=8)
ax1.scatter(*km.cluster_centers_.T, c="red", marker="x", s=120)
ax1.set_title("k-means, k = 4")
ax2.plot(list(ks), inertias, "o-")
ax2.set_xlabel("k")
ax2.set_ylabel("inertia")
ax2.set_title("the elbow")
save(fig, "kmeans_blobs")
