"""Every script in examples/ runs (at a small size) and writes the figures it promises."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(p for p in EXAMPLES.glob("[0-9][0-9]_*.py"))


def test_there_are_examples():
    assert len(SCRIPTS) >= 9


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_example_runs_and_writes_its_figures(script, tmp_path):
    env = dict(os.environ, SCRATCHLEARN_EXAMPLES_SMALL="1", MPLBACKEND="Agg",
               PYTHONPATH=os.pathsep.join([str(EXAMPLES), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    promised = re.findall(r'save\(fig, "([^"]+)"\)', script.read_text())
    assert promised, "an example writes at least one figure"
    for name in promised:
        path = tmp_path / f"{name}.png"
        assert path.is_file() and path.stat().st_size > 1000, f"{path.name} was not written"
        assert f"wrote {name}.png" in proc.stdout
