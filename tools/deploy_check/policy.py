"""Security policy of what we ship: checkov over the rendered manifests, the Dockerfiles and the
workflows; hadolint over the Dockerfiles. Checkov's open-source checks carry no severity offline, so
every failed check blocks; a deliberate exception is a skip with its reason next to the resource (a
`checkov.io/skipN: ID=reason` annotation, a `# checkov:skip=ID:reason` line), and a skip without a
reason is itself a finding."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from tools.deploy_check import chart
from tools.deploy_check.common import CHART, ROOT, Finding, isolated_tool, run, venv_tool

DOCKERFILES = ("Dockerfile", "frontend/Dockerfile")
_MIN_REASON = 15  # characters: "because" and a real reason, not "ok"
_SKIP_ANNOTATION = re.compile(r"^checkov\.io/skip\d+$")
_DOCKER_SKIP = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?$")


def checkov(args: list[str], where: str) -> list[Finding]:
    result = run(isolated_tool("checkov", *args, "--skip-download", "--compact", "--quiet", "-o", "json"))
    try:
        reports: Any = json.loads(result.stdout)
    except json.JSONDecodeError:
        return [
            Finding("checkov", where, f"no report (exit {result.returncode}): {result.stderr.strip()[-500:]}")
        ]
    findings: list[Finding] = []
    for report in reports if isinstance(reports, list) else [reports]:
        for failed in report.get("results", {}).get("failed_checks", []):
            location = f"{failed.get('file_path', where)} {failed.get('resource', '')}".strip()
            findings.append(Finding("checkov", location, f"{failed['check_id']} {failed['check_name']}"))
    return findings


def manifest_skip_findings(manifest: dict[str, Any], where: str) -> list[Finding]:
    annotations = (manifest.get("metadata") or {}).get("annotations") or {}
    findings = []
    for key, value in annotations.items():
        if _SKIP_ANNOTATION.match(key):
            check_id, _, reason = str(value).partition("=")
            if not check_id.startswith("CKV") or len(reason.strip()) < _MIN_REASON:
                findings.append(
                    Finding("policy", where, f"{key}: a skip needs `CKV_...=<reason>`, got {value!r}")
                )
    return findings


def dockerfile_skip_findings(dockerfile: Path) -> list[Finding]:
    findings = []
    for number, line in enumerate(dockerfile.read_text().splitlines(), 1):
        match = _DOCKER_SKIP.search(line)
        if match and len((match.group(2) or "").strip()) < _MIN_REASON:
            findings.append(Finding("policy", f"{dockerfile.name}:{number}", "checkov skip without a reason"))
        if "hadolint ignore=" in line and len(line.split("hadolint ignore=", 1)[1].split(maxsplit=1)) < 2:
            findings.append(
                Finding("policy", f"{dockerfile.name}:{number}", "hadolint ignore without a reason after it")
            )
    return findings


def hadolint(dockerfiles: list[Path]) -> list[Finding]:
    """Every hadolint finding down to `info` blocks; explain an exception inline where it is made."""
    result = run([venv_tool("hadolint"), "--failure-threshold", "info", "-f", "json", *map(str, dockerfiles)])
    try:
        issues = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        return [Finding("hadolint", "Dockerfiles", (result.stderr or result.stdout).strip())]
    return [
        Finding("hadolint", f"{i['file']}:{i['line']}", f"{i['code']} {i['level']}: {i['message']}")
        for i in issues
    ]


def check_manifests(chart_dir: Path = CHART) -> list[Finding]:
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="batchivo-policy-") as tmp:
        folders = chart.render_value_sets(Path(tmp), chart_dir)
        for name, folder in folders.items():
            for file in sorted(folder.glob("*.yaml")):
                findings += manifest_skip_findings(yaml.safe_load(file.read_text()), f"[{name}] {file.name}")
        findings += checkov(["-d", tmp, "--framework", "kubernetes"], "rendered manifests")
    return [Finding(f.check, f.where.replace(tmp, "<rendered>"), f.message) for f in findings]


def check_dockerfiles(root: Path = ROOT) -> list[Finding]:
    files = [root / name for name in DOCKERFILES]
    findings = hadolint(files)
    for file in files:
        findings += dockerfile_skip_findings(file)
    args = ["--framework", "dockerfile"]
    for file in files:
        args += ["-f", str(file)]
    return findings + checkov(args, "Dockerfiles")


def check(root: Path = ROOT) -> list[Finding]:
    return check_manifests(root / "charts" / "batchivo") + check_dockerfiles(root)
