"""The CI/CD workflows: actionlint (with shellcheck over every `run:` script) and checkov's GitHub
Actions policy. They cannot run here; this keeps them correct by construction."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tools.deploy_check import policy
from tools.deploy_check.common import ROOT, Finding, run, venv_tool


def actionlint(root: Path = ROOT) -> list[Finding]:
    workflows = sorted((root / ".github" / "workflows").glob("*.y*ml"))
    if not workflows:
        return [Finding("actionlint", ".github/workflows", "no workflow")]
    # shellcheck (from the same venv) on PATH makes actionlint check the run: scripts too.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    result = run(
        [venv_tool("actionlint"), "-color=false", "-oneline", *map(str, workflows)],
        cwd=root,
        env={"PATH": path},
    )
    if result.returncode == 0:
        return []
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    return [
        Finding("actionlint", line.split(":", 1)[0], line.split(":", 1)[-1].strip()) for line in lines
    ] or [Finding("actionlint", ".github/workflows", f"exit {result.returncode}")]


def check(root: Path = ROOT) -> list[Finding]:
    return actionlint(root) + policy.checkov(
        ["-d", str(root / ".github"), "--framework", "github_actions"], ".github/workflows"
    )
