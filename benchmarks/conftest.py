import pytest

# Benchmarks compare scratchlearn with scikit-learn on the same data in one run.
pytest.importorskip("sklearn")
