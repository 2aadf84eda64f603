"""The `python -m scratchlearn.bench` command (tiny runs: correctness of the runner, not speed)."""

import json

import pytest

from scratchlearn.bench import runner


def test_lists_every_family(capsys):
    assert runner.main(["--list", "--quick"]) == 0
    out = capsys.readouterr().out
    for name in ("knn_predict_f64", "knn_predict_f32"):
        assert name in out


def test_quick_run_writes_json(tmp_path, capsys):
    import sklearn  # noqa: F401  (a test dependency)
    path = tmp_path / "bench.json"
    assert runner.main(["--quick", "--only", "knn_predict_f32", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "knn_predict_f32" in out and "speedup vs sklearn" in out
    data = json.loads(path.read_text())
    (row,) = data["results"]
    assert row["name"] == "knn_predict_f32"
    assert row["ours_s"] > 0 and row["sklearn_s"] > 0
    # Both libraries find the same neighbours, so the same accuracy.
    assert row["ours_score"] == pytest.approx(row["sklearn_score"])
    assert "threads" in data["config"]


def test_without_sklearn_times_scratchlearn_alone(monkeypatch, capsys):
    monkeypatch.setattr(runner, "_have", lambda module: False)
    results = runner.run(quick=True, only="knn_predict_f32", peers=("sklearn", "sklearnex"), progress=False)
    err = capsys.readouterr().err
    assert "scikit-learn is not installed" in err
    assert "scikit-learn-intelex is not installed" in err
    (row,) = results
    assert "sklearn_s" not in row and row["ours_s"] > 0
    table = runner.format_table(results, ["sklearn"])
    assert "knn_predict_f32" in table


def test_unknown_peer_and_no_match(capsys):
    with pytest.raises(SystemExit):
        runner.main(["--peers", "torch"])
    assert runner.main(["--quick", "--only", "no_such_workload"]) == 1
