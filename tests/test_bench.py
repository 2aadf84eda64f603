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


def test_rounds_time_every_side_in_turn():
    import sklearn  # noqa: F401
    (row,) = runner.run(quick=True, only="knn_predict_f32", peers=("sklearn",), progress=False, rounds=3)
    assert row["rounds"] == 3
    for side in ("ours", "sklearn"):
        ts = row[f"{side}_rounds_s"]
        assert len(ts) == 3 and all(t > 0 for t in ts)
        assert row[f"{side}_s"] == sorted(ts)[1]
    with pytest.raises(ValueError, match="rounds"):
        runner.run(quick=True, only="knn_predict_f32", rounds=0, progress=False)
    with pytest.raises(SystemExit):
        runner.main(["--quick", "--only", "knn_predict_f32", "--rounds", "0"])


def test_peer_process_kept_for_the_run():
    # The peer process's protocol, with plain scikit-learn in it (no patch): each workload's name
    # in, one result out, the same process for every workload and round.
    import sys

    import sklearn  # noqa: F401
    results = runner.run(quick=True, only="knn_predict_f", peers=("sklearn", "sklearnex"),
                         peer_python=sys.executable, progress=False, rounds=2, _patch=False)
    assert [r["name"] for r in results] == ["knn_predict_f64", "knn_predict_f32"]
    for r in results:
        assert len(r["sklearnex_rounds_s"]) == 2 and r["sklearnex_s"] > 0
        assert r["sklearnex_score"] == pytest.approx(r["sklearn_score"])
    server = runner._PeerServer(True, sys.executable, patch=False)
    try:
        got = server.time("no_such_workload")
        assert got[0] is None and "no_such_workload" in got[2]
    finally:
        server.close()


def test_peer_process_that_dies_is_reported(tmp_path):
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'no interpreter here' >&2\nexit 3\n")
    fake.chmod(0o755)
    server = runner._PeerServer(True, str(fake), patch=False)
    try:
        with pytest.raises(RuntimeError, match="no interpreter here"):
            server.time("knn_predict_f32")
    finally:
        server.close()
