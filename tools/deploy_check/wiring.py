"""Every domain service of the Makefile's SERVICES list is wired into compose, the Helm chart, the
Tiltfile and the CI/CD workflows, so a new service cannot be forgotten in one of them."""

from __future__ import annotations

from pathlib import Path

import helm_python as helm
import yaml

from tools.deploy_check import chart, compose, tilt
from tools.deploy_check.common import CHART, ROOT, Finding, makefile_services


def chart_services(chart_dir: Path = CHART) -> set[str]:
    """Values blocks with a `database` key are domain services (values.yaml's own convention) and each
    needs its templates/<svc>.yaml; both must be there."""
    values = yaml.safe_load((chart_dir / "values.yaml").read_text())
    blocks = {key for key, value in values.items() if isinstance(value, dict) and "database" in value}
    return {svc for svc in blocks if (chart_dir / "templates" / f"{svc}.yaml").is_file()}


def check(root: Path = ROOT, services: list[str] | None = None) -> list[Finding]:
    wanted = makefile_services(root / "Makefile") if services is None else services
    findings: list[Finding] = []
    compose_services = compose.services(root / "compose.yaml")
    for svc in wanted:
        for name in (f"{svc}-api", f"{svc}-worker", f"migrate-{svc}"):
            if name not in compose_services:
                findings.append(
                    Finding("wiring", "compose.yaml", f"service {svc}: no compose service {name}")
                )

    in_chart = chart_services(root / "charts" / "batchivo")
    try:
        defaults = chart.render({}, root / "charts" / "batchivo")
    except helm.HelmError as exc:  # the chart check names the problem; here it only means nothing renders
        defaults = {}
        findings.append(Finding("wiring", "charts/batchivo", f"the defaults do not render: {exc}"))
    rendered = {
        doc["metadata"]["name"] for _, doc in chart.manifests(defaults) if doc.get("kind") == "Deployment"
    }
    for svc in wanted:
        if svc not in in_chart:
            findings.append(
                Finding(
                    "wiring", "charts/batchivo", f"service {svc}: no values block or templates/{svc}.yaml"
                )
            )
        for deployment in (f"{chart.RELEASE}-{svc}-api", f"{chart.RELEASE}-{svc}-worker"):
            if deployment not in rendered:
                findings.append(
                    Finding(
                        "wiring", "charts/batchivo", f"service {svc}: the defaults render no {deployment}"
                    )
                )

    try:
        in_tilt = tilt.services_in_tiltfile(root / "Tiltfile", root)
    except Exception as exc:  # the tilt check reports the evaluation error itself
        in_tilt = set()
        findings.append(Finding("wiring", "Tiltfile", f"does not evaluate: {exc}"))
    for svc in wanted:
        if svc not in in_tilt:
            findings.append(
                Finding("wiring", "Tiltfile", f"service {svc}: not in the SERVICES table (no image)")
            )

    release = root / ".github" / "workflows" / "release.yml"
    if release.is_file():
        text = release.read_text()
        for svc in wanted:
            if f"services/{svc}" not in text:
                findings.append(
                    Finding("wiring", str(release.relative_to(root)), f"service {svc}: no image built")
                )
    else:
        findings.append(Finding("wiring", ".github/workflows/release.yml", "missing"))
    return findings
