"""The pre-commit hook: its entry is tradestd's console script, and run on a staged-style
file list (repository-relative paths, filtered by the hook's ``files`` pattern) it exits
0 when every message is valid and 1 when one is not."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT
from sample_messages import CONSIGNMENT_XSD, write_batch


def _hook() -> dict[str, Any]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "tradestd-validate"]
    return dict(hook)


def _run_hook(repo: Path, staged: list[str]) -> int:
    """What pre-commit does: filter staged names by ``files``, append them to ``entry``."""
    hook = _hook()
    program, *args = hook["entry"].split()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    module, _, func = scripts[program].partition(":")
    files = [name for name in staged if re.search(hook["files"], name)]
    launcher = f"import sys; from {module} import {func}; sys.exit({func}())"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-c", launcher, *args, *files], cwd=repo, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          check=False, timeout=60)
    return done.returncode


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    write_batch(tmp_path / "messages", 4, items=2, invalid_every=2)  # 0 and 2 invalid
    (tmp_path / "README.md").write_text("not a message\n", encoding="utf-8")
    (tmp_path / "tradestd.toml").write_text(f'xsd = ["{CONSIGNMENT_XSD}"]\n', encoding="utf-8")
    return tmp_path


def test_hook_declaration() -> None:
    hook = _hook()
    assert hook["language"] == "python"
    assert hook["entry"] == "tradestd validate"
    assert re.search(hook["files"], "a/b.xml") and re.search(hook["files"], "c.json")
    assert not re.search(hook["files"], "README.md")


def test_valid_staged_files_pass(repo: Path) -> None:
    staged = ["README.md", "messages/consignment-0001.xml", "messages/consignment-0003.xml"]
    assert _run_hook(repo, staged) == 0


def test_one_invalid_staged_file_fails_the_commit(repo: Path) -> None:
    staged = ["messages/consignment-0001.xml", "README.md", "messages/consignment-0002.xml"]
    assert _run_hook(repo, staged) == 1
