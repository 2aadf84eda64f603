#!/usr/bin/env bash
# The core and bindings built with AddressSanitizer + UndefinedBehaviorSanitizer
# (-DSCRATCHLEARN_SANITIZE=address,undefined, -O1), then a named subset of the tests run against
# that build with the ASan runtime preloaded into Python. Any report (a heap overflow, a use after
# free, undefined behaviour) aborts the run; the subset must also reach every function of every
# _core family (tests/_core_calls.py counts them), so the whole core is exercised.
#
#   .ci/sanitize.sh            (in a virtual environment with the test dependencies installed)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sanitize=${SCRATCHLEARN_SANITIZE:-address,undefined}
build=${SANITIZE_BUILD_DIR:-$root/build-sanitize}
pkg=$(mktemp -d)
trap 'rm -rf "$pkg"' EXIT

python -m pip install --quiet pybind11 ninja cmake cython >/dev/null
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1" \
      -DSCRATCHLEARN_SANITIZE="$sanitize" \
      -Dpybind11_DIR="$(python -m pybind11 --cmakedir)" -DPython_EXECUTABLE="$(command -v python)" >/dev/null
cmake --build "$build" -j "${CMAKE_BUILD_PARALLEL_LEVEL:-2}"

# the Python sources with the instrumented extension, outside the source tree
cp -r python/scratchlearn "$pkg/scratchlearn"
rm -f "$pkg"/scratchlearn/_core*.so
cp "$build"/_core*.so "$pkg/scratchlearn/"
rm -f "$pkg"/scratchlearn/preprocessing/_categories*.so
cp "$build"/_categories*.so "$pkg/scratchlearn/preprocessing/"

libasan=$(g++ -print-file-name=libasan.so)
# libstdc++ too: Python is C, and without libstdc++ loaded before the extension the ASan runtime
# cannot find the real __cxa_throw and aborts at the first C++ exception
libstdcxx=$(g++ -print-file-name=libstdc++.so)
export LD_PRELOAD="$libasan $libstdcxx"
# Python itself is not instrumented and keeps its interned objects to the end: no leak checking.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:detect_odr_violation=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export PYTHONPATH="$pkg"
export OMP_NUM_THREADS=2
# every Python process of the run (the battery's subprocesses too) counts the core functions it calls
mkdir -p "$pkg/calls"
export SCRATCHLEARN_CORE_CALLS="$pkg/calls"
cat > "$pkg/sitecustomize.py" <<PY
import os, sys
if os.environ.get("SCRATCHLEARN_CORE_CALLS"):
    sys.path.insert(0, "$root/tests")
    import _core_calls
    _core_calls.install(os.environ["SCRATCHLEARN_CORE_CALLS"])
PY

# The subset: the binding kit, the GEMM kernels of every ISA, every estimator through the battery
# of bad and awkward inputs and the concurrent fits, the safe model files, and per family its
# test file(s) without the slow large-data thread tests.
subset=(${SANITIZE_TESTS:-tests/test_bindings.py tests/linalg tests/test_bad_input.py
        tests/cluster tests/decomposition tests/naive_bayes tests/linear_model tests/neighbors
        tests/tree tests/ensemble tests/svm tests/neural_network tests/utils})
python -c "import scratchlearn, sys; assert scratchlearn.__file__.startswith('$pkg'), scratchlearn.__file__"
python -m pytest "${subset[@]}" -q -x -p no:cacheprovider
if ! python "$root/tests/_core_calls.py" "$pkg/calls" > "$pkg/missing.txt"; then
  echo "sanitize: the subset never called these core functions:" >&2
  cat "$pkg/missing.txt" >&2
  exit 1
fi
echo "sanitize: clean (${sanitize}); every core function was called"
