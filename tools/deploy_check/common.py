"""What every check shares: the repository's paths, findings, and running a pinned tool."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "batchivo"

# Tools whose dependencies clash with the workspace's (checkov pins an old pytest, kubernetes-validate an
# old packaging) run in uv's isolated tool environments, pinned here.
ISOLATED_TOOLS = {
    "checkov": "checkov==3.3.30",
    "kubernetes-validate": "kubernetes-validate==1.37.0",
}


@dataclass(frozen=True)
class Finding:
    """One problem: which check found it, where, and what is wrong."""

    check: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.where}: {self.message}"


def run(
    args: list[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None, inherit_env: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run a tool, capturing its output; ``inherit_env=False`` passes only PATH, HOME and ``env``."""
    base = (
        dict(os.environ) if inherit_env else {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
    )
    return subprocess.run(  # noqa: S603 - fixed tool names, arguments built here
        args, cwd=cwd, env={**base, **(env or {})}, capture_output=True, text=True, check=False
    )


def venv_tool(name: str) -> str:
    """A console script installed in the workspace venv (the `deploy` dependency group)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed: run `uv sync` (dependency group `deploy`)")
    return found


def isolated_tool(name: str, *args: str) -> list[str]:
    """The command line running a pinned tool in its own environment (``uv tool run``)."""
    uv = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")
    return [uv, "tool", "run", "--quiet", "--from", ISOLATED_TOOLS[name], name, *args]


def makefile_services(makefile: Path = ROOT / "Makefile") -> list[str]:
    """The domain services of the Makefile's ``SERVICES :=`` line: the list every artefact must cover."""
    match = re.search(r"^SERVICES\s*:=\s*(.+)$", makefile.read_text(), re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no `SERVICES :=` line in {makefile}")
    return match.group(1).split()
