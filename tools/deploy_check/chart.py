"""The Helm chart: lint (strict), render with every value set, validate every manifest against the
oldest and the newest Kubernetes the chart claims, and the values schema."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

from tools.deploy_check.common import CHART, Finding, isolated_tool, run

RELEASE = "batchivo"
NAMESPACE = "batchivo"

# The value sets every CI run renders: name -> files layered over values.yaml, in order.
VALUE_SETS: dict[str, tuple[str, ...]] = {
    "defaults": (),
    "dev": ("values-dev.yaml",),
    "production": ("ci/values-production.yaml",),
    "minimal": ("ci/values-minimal.yaml",),
}

# The newest Kubernetes minor the pinned kubernetes-validate (1.37.0) carries schemas for; bump both together.
NEWEST_KUBERNETES = "1.37.0"

# Kinds from CRDs (the Prometheus operator's): no schema offline; only a cluster with the CRD checks them.
CRD_KINDS = frozenset({"PrometheusRule", "ServiceMonitor"})

_SEVERITY_NAMES = {0: "unknown", 1: "info", 2: "warning", 3: "error"}


def kube_versions(chart: Path = CHART) -> tuple[str, str]:
    """(oldest, newest) Kubernetes version to validate against: the floor of Chart.yaml's
    ``kubeVersion`` and the newest schema the validator has."""
    constraint = str(yaml.safe_load((chart / "Chart.yaml").read_text()).get("kubeVersion", ""))
    match = re.search(r">=\s*v?(\d+)\.(\d+)", constraint)
    if match is None:
        raise ValueError(f"Chart.yaml kubeVersion {constraint!r} has no `>=` floor")
    return f"{match.group(1)}.{match.group(2)}.0", NEWEST_KUBERNETES


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Layer one values file over another the way `helm -f a -f b` does (maps merge, the rest replaces)."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def value_set(name: str, chart: Path = CHART) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for file in VALUE_SETS[name]:
        values = merge(values, yaml.safe_load((chart / file).read_text()) or {})
    return values


def lint(values: dict[str, Any], kube_version: str, chart: Path = CHART) -> list[Finding]:
    """`helm lint --strict`: warnings count as failures, infos do not."""
    report = helm.lint(chart, values, strict=True, kube_version=f"v{kube_version}", namespace=NAMESPACE)
    findings = [Finding("helm-lint", str(chart), error) for error in report.get("errors") or []]
    for message in report.get("messages") or []:
        if int(message.get("severity", 0)) >= 2:
            level = _SEVERITY_NAMES.get(int(message["severity"]), "?")
            findings.append(Finding("helm-lint", message.get("path", ""), f"{level}: {message['error']}"))
    return findings


def render(values: dict[str, Any], chart: Path = CHART) -> dict[str, str]:
    """Template path -> rendered text (hooks included); raises helm's error on a broken template."""
    return helm.Chart.load(chart).render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)


def manifests(rendered: dict[str, str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every non-empty YAML document of the rendered templates, with the template it came from."""
    for template, text in sorted(rendered.items()):
        if not template.endswith((".yaml", ".yml")):
            continue
        for document in yaml.safe_load_all(text):
            if document:
                yield template, document


def validate(docs: list[tuple[str, dict[str, Any]]], kube_version: str) -> list[Finding]:
    """kubernetes-validate --strict on every manifest; an unknown kind fails unless it is a known CRD."""
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="batchivo-manifests-") as tmp:
        names: dict[str, str] = {}
        files = []
        for index, (template, doc) in enumerate(docs):
            if doc.get("kind") in CRD_KINDS:
                continue
            path = Path(tmp) / f"{index:03d}-{doc.get('kind', 'unknown')}.yaml"
            path.write_text(yaml.safe_dump(doc))
            names[str(path)] = f"{template} ({doc.get('kind')}/{doc.get('metadata', {}).get('name')})"
            files.append(str(path))
        if not files:
            return findings
        result = run(isolated_tool("kubernetes-validate", "--strict", "-k", kube_version, "--quiet", *files))
        for line in (result.stdout + result.stderr).splitlines():
            level, _, rest = line.partition(" ")
            if level not in ("ERROR", "WARN"):
                continue
            file, _, message = rest.partition(" ")
            findings.append(Finding(f"kubernetes-validate {kube_version}", names.get(file, file), message))
        if result.returncode != 0 and not findings:
            findings.append(Finding("kubernetes-validate", "manifests", result.stderr.strip() or "failed"))
    return findings


def check_value_set(name: str, values: dict[str, Any], chart: Path = CHART) -> list[Finding]:
    """Lint, render and validate one value set at both ends of the supported Kubernetes range."""
    findings: list[Finding] = []
    versions = kube_versions(chart)
    for version in versions:
        findings += [Finding(f"{f.check} [{name}]", f.where, f.message) for f in lint(values, version, chart)]
    try:
        rendered = render(values, chart)
    except helm.HelmError as exc:
        return [*findings, Finding(f"helm-render [{name}]", str(chart), str(exc))]
    docs = list(manifests(rendered))
    if not docs:
        findings.append(Finding(f"helm-render [{name}]", str(chart), "rendered no manifest"))
    for version in versions:
        findings += [Finding(f"{f.check} [{name}]", f.where, f.message) for f in validate(docs, version)]
    return findings


def check(chart: Path = CHART) -> list[Finding]:
    findings: list[Finding] = []
    for name in VALUE_SETS:
        findings += check_value_set(name, value_set(name, chart), chart)
    return findings


def schema_errors(values: dict[str, Any], chart: Path = CHART) -> str | None:
    """The schema's message when ``values`` are refused, else None."""
    try:
        helm.Chart.load(chart).validate_schema(values)
    except helm.HelmValuesError as exc:
        return str(exc)
    return None


def render_value_sets(destination: Path, chart: Path = CHART) -> dict[str, Path]:
    """Write each value set's manifests (one file per document) under ``destination/<set>/``."""
    out: dict[str, Path] = {}
    for name in VALUE_SETS:
        folder = destination / name
        folder.mkdir(parents=True, exist_ok=True)
        for index, (template, doc) in enumerate(manifests(render(value_set(name, chart), chart))):
            stem = Path(template).stem
            (folder / f"{index:03d}-{stem}-{doc.get('kind', 'x').lower()}.yaml").write_text(
                yaml.safe_dump(doc)
            )
        out[name] = folder
    return out
