"""How idle OpenMP threads wait: scratchlearn's spin count is set for the load of its own runtime only.

The core's OpenMP runtime reads GOMP_SPINCOUNT once, when it is loaded; scratchlearn sets it for
that import alone (see python/scratchlearn/__init__.py for why) and must leave the process
environment as it found it, and must never override a user's OMP_WAIT_POLICY or GOMP_SPINCOUNT.
Each case runs in a fresh interpreter, since the runtime is loaded once per process.
"""

import json
import os
import subprocess
import sys

import pytest

PROBE = (
    "import json, os, scratchlearn\n"
    "from scratchlearn._config import config_dict\n"
    "print(json.dumps({'env': {k: os.environ.get(k) for k in ('GOMP_SPINCOUNT', 'OMP_WAIT_POLICY')},"
    " 'omp_wait': config_dict()['omp_wait'], 'set': scratchlearn._omp_spin_set}))\n"
)


def probe(extra_env):
    env = {k: v for k, v in os.environ.items() if k not in ("GOMP_SPINCOUNT", "OMP_WAIT_POLICY")}
    env.update(extra_env)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_default_spin_is_set_for_the_load_and_removed_after():
    got = probe({})
    assert got["set"] == "100000"
    assert got["omp_wait"] == "GOMP_SPINCOUNT=100000 (scratchlearn's default)"
    # nothing leaks into the environment that subprocesses or other runtimes would see
    assert got["env"] == {"GOMP_SPINCOUNT": None, "OMP_WAIT_POLICY": None}


@pytest.mark.parametrize("key, value", [("GOMP_SPINCOUNT", "5"), ("OMP_WAIT_POLICY", "passive")])
def test_user_setting_is_kept(key, value):
    got = probe({key: value})
    assert got["set"] is None
    assert got["omp_wait"] == "set by the environment (OMP_WAIT_POLICY / GOMP_SPINCOUNT)"
    assert got["env"][key] == value
    other = "OMP_WAIT_POLICY" if key == "GOMP_SPINCOUNT" else "GOMP_SPINCOUNT"
    assert got["env"][other] is None
