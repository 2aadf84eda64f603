"""Counting which functions of ``scratchlearn._core`` a test run reaches: how the sanitizer run
(.ci/sanitize.sh) proves that its subset of tests exercises every core function.

``install(folder)`` (called from a sitecustomize, so every Python process of the run counts,
the test battery's subprocesses too) wraps every function of every family submodule of _core;
at exit the process writes the names it called to ``folder/called-<pid>.txt`` and all names to
``folder/all.txt``. ``missing(folder)`` is the names no process called.
"""

import atexit
import functools
import os


def install(folder):
    from scratchlearn import _core

    called, names = set(), []

    def wrap(qualname, fn):
        @functools.wraps(fn)
        def counted(*args, **kwargs):
            called.add(qualname)
            return fn(*args, **kwargs)
        return counted

    for fam_name in dir(_core):
        family = getattr(_core, fam_name)
        if fam_name.startswith("__") or type(family) is not type(_core):
            continue
        for name in dir(family):
            fn = getattr(family, name)
            if name.startswith("__") or type(fn).__name__ != "builtin_function_or_method":
                continue
            qualname = f"{fam_name}.{name}"
            names.append(qualname)
            setattr(family, name, wrap(qualname, fn))

    def dump():
        with open(os.path.join(folder, "all.txt"), "w") as f:
            f.write("\n".join(sorted(names)) + "\n")
        with open(os.path.join(folder, f"called-{os.getpid()}.txt"), "w") as f:
            f.write("\n".join(sorted(called)) + "\n")

    atexit.register(dump)


def missing(folder):
    with open(os.path.join(folder, "all.txt")) as f:
        names = set(f.read().split())
    for entry in os.listdir(folder):
        if entry.startswith("called-"):
            with open(os.path.join(folder, entry)) as f:
                names -= set(f.read().split())
    return sorted(names)


if __name__ == "__main__":
    import sys

    left = missing(sys.argv[1])
    print("\n".join(left))
    sys.exit(1 if left else 0)
