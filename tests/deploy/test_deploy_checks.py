"""Each offline deploy check can fail: it is shown a deliberately broken copy of an artefact and must
name the problem. `make lint` runs the same checks over the real artefacts."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tools.deploy_check import chart, compose, policy, tilt, wiring, workflows
from tools.deploy_check.common import ROOT, Finding, makefile_services


def messages(findings: list[Finding]) -> str:
    return "\n".join(map(str, findings))


@pytest.fixture
def chart_copy(tmp_path: Path) -> Path:
    target = tmp_path / "batchivo"
    shutil.copytree(chart.CHART, target)
    return target


# ---- Helm ---------------------------------------------------------------------------------------------


def test_kube_versions_come_from_the_chart() -> None:
    oldest, newest = chart.kube_versions()
    assert oldest == "1.25.0"
    assert newest == chart.NEWEST_KUBERNETES


def test_a_broken_template_fails_lint_and_render(chart_copy: Path) -> None:
    gateway = chart_copy / "templates" / "gateway.yaml"
    gateway.write_text(gateway.read_text() + "\n{{- if .Values.gateway.enabled }}\nunclosed: true\n")
    found = chart.check_value_set("defaults", {}, chart_copy)
    text = messages(found)
    assert "helm-lint" in text
    assert "helm-render" in text
    assert "gateway.yaml" in text


def test_a_nil_value_in_a_template_fails(chart_copy: Path) -> None:
    auth = chart_copy / "templates" / "auth.yaml"
    auth.write_text(auth.read_text() + "\n{{ .Values.auth.nothing.here }}\n")
    assert "nil pointer" in messages(chart.check_value_set("defaults", {}, chart_copy))


def test_an_invalid_manifest_fails_validation_at_both_ends_of_the_range(chart_copy: Path) -> None:
    (chart_copy / "templates" / "broken-service.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: broken\nspec:\n  portz:\n    - port: 80\n"
    )
    found = [f for f in chart.check_value_set("defaults", {}, chart_copy) if "kubernetes-validate" in f.check]
    text = messages(found)
    assert "portz" in text
    assert "1.25.0" in text
    assert chart.NEWEST_KUBERNETES in text


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"auth": {"replicaCount": -1}}, r"/auth/replicaCount.*minimum"),
        ({"inventory": {"replicaz": 2}}, r"/inventory.*additional properties 'replicaz' not allowed"),
        ({"gateway": {"image": {"tag": None}}}, r"/gateway/image.*missing property 'tag'"),
        ({"global": {"policyExceptions": {"CKV_K8S_22": "ok"}}}, r"policyExceptions.*"),
    ],
)
def test_the_values_schema_refuses_bad_values_with_a_clear_message(values: dict, expected: str) -> None:
    error = chart.schema_errors(values)
    assert error is not None
    assert re.search(expected, error, re.DOTALL), error


def test_every_value_set_passes_the_schema() -> None:
    for name in chart.VALUE_SETS:
        assert chart.schema_errors(chart.value_set(name)) is None, name


# ---- compose ------------------------------------------------------------------------------------------


@pytest.fixture
def compose_copy(tmp_path: Path) -> Path:
    for name in ("compose.yaml", "compose.override.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "deploy").mkdir()
    shutil.copy(ROOT / compose.EXAMPLE_ENV, tmp_path / compose.EXAMPLE_ENV)
    return tmp_path


def test_compose_copy_is_valid_as_is(compose_copy: Path) -> None:
    assert compose.check(compose_copy) == []


def test_an_invalid_compose_file_fails(compose_copy: Path) -> None:
    path = compose_copy / "compose.yaml"
    path.write_text(path.read_text().replace("  gateway:\n", "  gateway:\n    restat: always\n", 1))
    found = compose.check(compose_copy)
    assert found
    assert "restat" in messages(found)


def test_a_required_variable_missing_from_the_example_env_fails(compose_copy: Path) -> None:
    env = compose_copy / compose.EXAMPLE_ENV
    env.write_text("\n".join(line for line in env.read_text().splitlines() if "REDIS_PASSWORD" not in line))
    assert "REDIS_PASSWORD" in messages(compose.check(compose_copy))


# ---- Tiltfile -----------------------------------------------------------------------------------------


def tiltfile_variant(tmp_path: Path, old: str, new: str) -> Path:
    text = (ROOT / "Tiltfile").read_text()
    assert old in text
    variant = tmp_path / "Tiltfile"
    variant.write_text(text.replace(old, new, 1))
    return variant


def test_the_tiltfile_builds_every_service_and_wires_every_workload() -> None:
    run = tilt.evaluate()
    assert {f"batchivo/{svc}" for svc in makefile_services()} <= set(run.images)
    assert tilt.check_run(run, makefile_services()) == []


def test_a_misspelled_tilt_call_fails(tmp_path: Path) -> None:
    variant = tiltfile_variant(tmp_path, "k8s_resource(", "k8s_resourse(")
    found = tilt.check(variant, ROOT, ["auth"])
    assert "k8s_resourse" in messages(found)


def test_a_misspelled_keyword_fails(tmp_path: Path) -> None:
    variant = tiltfile_variant(tmp_path, "resource_deps=deps", "resource_dep=deps")
    assert "unexpected keyword argument 'resource_dep'" in messages(tilt.check(variant, ROOT, ["auth"]))


def test_a_service_missing_from_the_tilt_table_fails(tmp_path: Path) -> None:
    variant = tiltfile_variant(tmp_path, "{'name': 'inventory'", "# {'name': 'inventory'")
    text = messages(tilt.check(variant, ROOT, ["auth", "inventory"]))
    assert "no docker_build for service inventory" in text
    assert "batchivo-inventory-api is not wired" in text


def test_an_unknown_resource_dependency_fails(tmp_path: Path) -> None:
    variant = tiltfile_variant(
        tmp_path, "resource_deps=['postgres', 'dev-secrets']", "resource_deps=['postgress', 'dev-secrets']"
    )
    assert "unknown resource 'postgress'" in messages(tilt.check(variant, ROOT, ["auth"]))


# ---- every service everywhere ------------------------------------------------------------------------


def test_a_new_service_missing_everywhere_is_named_in_each_place() -> None:
    # "shipping" is not a service (the catalog, then production, once the example here, now are wired).
    text = messages(wiring.check(services=[*makefile_services(), "shipping"]))
    for where in ("compose.yaml", "charts/batchivo", "Tiltfile", "release.yml"):
        assert "service shipping" in text and where in text, where
    for wired in ("auth", "inventory", "catalog", "production", "webhooks"):
        assert wired not in text, wired


def test_the_real_artefacts_wire_every_service() -> None:
    assert wiring.check() == []


# ---- policy -------------------------------------------------------------------------------------------


def test_hadolint_flags_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN cd /tmp && apt-get install -y curl\nCMD python -m http.server\n")
    codes = {f.message.split()[0] for f in policy.hadolint([bad])}
    assert {"DL3007", "DL3003", "DL3025"} <= codes


def test_checkov_flags_a_privileged_pod(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "bad", "namespace": "x"},
                "spec": {
                    "containers": [{"name": "c", "image": "nginx", "securityContext": {"privileged": True}}]
                },
            }
        )
    )
    found = policy.checkov(["-d", str(tmp_path), "--framework", "kubernetes"], "pod")
    assert "CKV_K8S_16" in messages(found)  # privileged container


def test_a_policy_skip_without_a_reason_is_a_finding(tmp_path: Path) -> None:
    manifest = {
        "metadata": {
            "name": "x",
            "annotations": {
                "checkov.io/skip1": "CKV_K8S_11=",
                "checkov.io/skip2": "CKV_K8S_35=secrets come from secretKeyRef only, never inline",
            },
        }
    }
    found = policy.manifest_skip_findings(manifest, "x")
    assert len(found) == 1
    assert "skip1" in found[0].message
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("# checkov:skip=CKV_DOCKER_2\nFROM python:3.11-slim\n")
    assert policy.dockerfile_skip_findings(dockerfile)


def test_the_shipped_dockerfiles_pass_hadolint() -> None:
    assert policy.hadolint([ROOT / name for name in policy.DOCKERFILES]) == []


# ---- workflows ----------------------------------------------------------------------------------------


def test_actionlint_flags_a_broken_workflow(tmp_path: Path) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "ci.yml").write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo ${{ github.nonexistent_context_key }}\n"
        "      - uses: actions/checkout@v4\n        with:\n          no-such-input: 1\n"
    )
    text = messages(workflows.actionlint(tmp_path))
    assert "nonexistent_context_key" in text
    assert "no-such-input" in text
