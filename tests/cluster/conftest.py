"""The k-means tests run algorithm='elkan' on Elkan's bounded pass at every number of features
(by default it takes the dense assignment below scratchlearn.cluster._kmeans._ELKAN_MIN_FEATURES),
so that every elkan test here exercises the bounds; test_elkan_default_is_dense checks the default."""

import pytest

from scratchlearn.cluster import _kmeans


@pytest.fixture(autouse=True)
def elkan_bounds_at_any_width(monkeypatch):
    monkeypatch.setattr(_kmeans, "_ELKAN_MIN_FEATURES", 0)
