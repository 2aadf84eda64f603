"""The GIL is released around every call into the core (../DESIGN.md, "Threads").

Every call in bindings/*.cpp of a function the core's headers declare (cpp/include/
scratchlearn/*.hpp) that does work over data sits in a block where a ``py::gil_scoped_release`` (or
the kit's ``CoreCall``, which releases it too) came before it. The few cheap queries that need no release (CPU features, the ISA in use, sizes)
are listed with their reason. A new binding that forgets the release fails here, by name.
(tests/test_concurrency.py runs every estimator from four threads at once.)
"""

import os
import re
import threading
import time

import numpy as np
import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..")

# Core functions a binding may call holding the GIL: constant-time queries and set-up, no data.
NO_RELEASE_NEEDED = {
    "active_isa", "best_isa", "cpu_features", "default_threads", "have_openmp", "isa_name",
    "isa_supported", "isa_unavailable_reason", "parse_isa", "set_isa", "require", "gemm_blocking",
    "gemm_set_min_thread_work", "threads_for", "tree_supports", "tree_geom_width", "coef_offset",
    "intercept_offset", "n_layers", "n_params", "node_count", "omp_get_max_threads",
    "tree_node_count", "check_forest", "interrupt_requested", "interruptible", "check_interrupt",
}


def _strip(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def _core_functions():
    names = set()
    decl = re.compile(r"^\s*(?:template\s*<[^;{]*?>\s*)?(?:inline\s+|static\s+|constexpr\s+)*"
                      r"[\w:<>,\s\*&]+?[\s\*&](\w+)\s*\(", re.M)
    folder = os.path.join(ROOT, "cpp", "include", "scratchlearn")
    for name in os.listdir(folder):
        if name.endswith(".hpp"):
            text = _strip(open(os.path.join(folder, name)).read())
            names.update(m.group(1) for m in decl.finditer(text))
    keywords = {"if", "for", "while", "switch", "return", "sizeof", "operator"}
    return {n for n in names if len(n) > 2 and n not in keywords and not n[0].isupper()}


def _calls_holding_gil(text, functions):
    """(function, line) of every call of one of ``functions`` not preceded, in its own block or an
    enclosing one of the same function body, by a gil_scoped_release."""
    # one pass: the open blocks at every call and release
    events = sorted([(m.start(), "{") for m in re.finditer(r"\{", text)]
                    + [(m.start(), "}") for m in re.finditer(r"\}", text)]
                    + [(m.start(), "release") for m in re.finditer(r"gil_scoped_release|\bCoreCall\s+\w+\s*;", text)]
                    + [(m.start(), "call", m.group(1)) for m in re.finditer(
                        r"(?<![\w.>:])(?:scratchlearn::)?(\w+)\s*(?:<[^<>;(){}]*>)?\s*\(", text)
                       if m.group(1) in functions and m.group(1) not in NO_RELEASE_NEEDED])
    stack, releases, found = [], [], []  # stack: open-brace positions; releases: (pos, stack)
    for ev in events:
        pos, kind = ev[0], ev[1]
        if kind == "{":
            stack.append(pos)
        elif kind == "}":
            if stack:
                stack.pop()
        elif kind == "release":
            releases.append(tuple(stack))
        else:
            last = re.search(r"([\w:<>]+)[\s\*&]+$", text[max(0, pos - 80):pos])
            if last and last.group(1) not in ("return", "else", "case"):
                continue  # a declaration or definition: a type before the name
            here = tuple(stack)
            if not any(here[:len(r)] == r for r in releases if r):
                found.append((ev[2], text.count("\n", 0, pos) + 1))
    return found


def test_every_core_call_releases_the_gil():
    functions = _core_functions()
    assert len(functions) > 40, sorted(functions)
    holding = []
    folder = os.path.join(ROOT, "bindings")
    n_calls = 0
    for name in sorted(os.listdir(folder)):
        if name.endswith((".cpp", ".hpp")):
            text = _strip(open(os.path.join(folder, name)).read())
            n_calls += len(re.findall(r"gil_scoped_release|\bCoreCall\s+\w+\s*;", text))
            holding += [f"bindings/{name}:{line}: {fn}" for fn, line in _calls_holding_gil(text, functions)]
    assert n_calls > 20
    assert not holding, "core calls made holding the GIL:\n" + "\n".join(holding)
