#!/usr/bin/env bash
# Install a built wheel (.ci/build_wheel.sh OUTDIR) into a fresh virtual environment, with no
# compiler on PATH and away from the source tree, and smoke-test it: the import comes from the
# installed wheel, the OpenMP runtime is the vendored one, show_config() lists the kernel paths
# this CPU supports, and every public estimator (found by walking the package) fits and predicts.
#
#   .ci/test_wheel.sh WHEELDIR
set -euo pipefail
wheeldir=$(cd "${1:?usage: .ci/test_wheel.sh WHEELDIR}" && pwd)
wheel=$(ls "$wheeldir"/scratchlearn-*.whl | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet "$wheel"

cat > "$work/smoke.py" <<'PY'
import importlib, inspect, io, os, pkgutil, shutil, sys, warnings
from contextlib import redirect_stdout

import numpy as np

for tool in ("cc", "gcc", "g++", "c++", "clang", "cmake"):
    assert shutil.which(tool) is None, f"{tool} is on PATH"
import scratchlearn
from scratchlearn import _core
from scratchlearn.base import BaseEstimator, is_classifier, is_regressor

assert "site-packages" in scratchlearn.__file__, scratchlearn.__file__
assert not os.path.exists(os.path.join(os.getcwd(), "python", "scratchlearn"))
libs = os.path.join(os.path.dirname(os.path.dirname(scratchlearn.__file__)), "scratchlearn.libs")
vendored = sorted(os.listdir(libs)) if os.path.isdir(libs) else []
assert any("gomp" in name or "omp" in name for name in vendored), vendored
with open("/proc/self/maps") as f:
    maps = f.read()
assert any(os.path.join(libs, name) in maps for name in vendored), "the vendored OpenMP is not the one loaded"
assert _core.have_openmp()

buf = io.StringIO()
with redirect_stdout(buf):
    scratchlearn.show_config()
config = buf.getvalue()
info = _core.cpu_info()
print(config)
available = list(info["isa_available"])
assert "generic" in available and info["isa"] in available, info
line = [l for l in config.splitlines() if l.strip().startswith("isa_available:")]
assert line and all(isa in line[0] for isa in available), config  # every kernel path this CPU runs

found = {}
for mod in pkgutil.walk_packages(scratchlearn.__path__, prefix="scratchlearn."):
    if any(part.startswith("_") for part in mod.name.split(".")[1:]) or mod.name.startswith("scratchlearn.bench"):
        continue
    module = importlib.import_module(mod.name)
    for name in getattr(module, "__all__", []):
        obj = getattr(module, name)
        if (inspect.isclass(obj) and issubclass(obj, BaseEstimator) and hasattr(obj, "fit")
                and not inspect.isabstract(obj) and not obj.__name__.startswith("Base")):
            found[obj.__name__] = obj
assert len(found) > 20, sorted(found)
rng = np.random.RandomState(0)
y = rng.randint(0, 3, 60)
X = np.abs(rng.randn(60, 4) + y[:, None])
families = set()
warnings.simplefilter("ignore")
for name, cls in sorted(found.items()):
    params = inspect.signature(cls.__init__).parameters
    kw = {k: v for k, v in {"random_state": 0, "n_estimators": 3, "max_iter": 20, "n_init": 1,
                             "n_clusters": 3, "radius": 10.0}.items() if k in params}
    # the composite estimators' and the searches' required parameters: a small configuration of our own
    from scratchlearn.linear_model import Ridge
    from scratchlearn.preprocessing import StandardScaler
    required = {"steps": [("scale", StandardScaler()), ("ridge", Ridge())],
                "transformer_list": [("scale", StandardScaler())],
                "transformers": [("scale", StandardScaler(), [0, 1])],
                "estimator": Ridge(), "param_grid": {"alpha": [0.5, 1.0]},
                "param_distributions": {"alpha": [0.5, 1.0]}}
    kw.update({k: v for k, v in required.items() if k in params})
    est = cls(**kw)
    if not est.__scratchlearn_tags__().input_tags.two_d_array:  # LabelEncoder, LabelBinarizer: labels in
        assert len(est.fit(y).transform(y)) == len(y), name
        families.add(cls.__module__.split(".")[1])
        continue
    target = y if is_classifier(est) else (X[:, 0] * 2 + X[:, 1]) if is_regressor(est) else None
    est.fit(X, target) if target is not None else est.fit(X)
    out = (est.predict(X) if hasattr(est, "predict") else est.transform(X) if hasattr(est, "transform")
           else est.kneighbors(X)[1])
    assert len(out) == len(X), name
    families.add(cls.__module__.split(".")[1])
print(f"smoke: {len(found)} estimators of {len(families)} families fit and predict: {sorted(families)}")
PY
cd "$work"
env -i HOME="$HOME" PATH="$work/venv/bin" "$work/venv/bin/python" "$work/smoke.py"
