"""The Tiltfile, evaluated offline: starlark-pyo3 runs it against stand-ins for Tilt's builtins that
record every call (and refuse unknown names and keywords, as Tilt does); the checks then ask whether
every service gets an image and every workload of the manifests it deploys is wired as a resource."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import helm_python as helm
import starlark as sl
import yaml

from tools.deploy_check import chart as chart_check
from tools.deploy_check.common import ROOT, Finding, makefile_services

WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod"})


@dataclass(frozen=True)
class Blob:
    """Tilt's Blob: YAML text returned by helm() / encode_yaml(), as opposed to a file name."""

    text: str


@dataclass
class TiltRun:
    """What the Tiltfile asked Tilt to do."""

    images: dict[str, dict[str, Any]] = field(default_factory=dict)
    manifests: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    local_resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    buttons: list[str] = field(default_factory=list)
    helm_calls: list[dict[str, Any]] = field(default_factory=list)
    local_commands: list[list[str]] = field(default_factory=list)


class TiltStubs:
    """Stand-ins for the Tilt builtins this project uses; each signature mirrors Tilt's API, so a
    misspelled keyword fails here as it would under Tilt."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.run = TiltRun()
        self.created: set[str] = set()  # files a local() command writes (named in its argv)

    # -- files ------------------------------------------------------------------------------------
    def _path(self, name: str) -> Path:
        return self.root / name

    def exists(self, path: str) -> bool:
        return self._path(path).exists() or path in self.created

    def read_file(self, file_path: str, default: Any = None) -> str:
        path = self._path(file_path)
        if path.is_file():
            return path.read_text()
        if file_path in self.created:
            return f"<written by local(): {file_path}>"
        if default is not None:
            return str(default)
        raise FileNotFoundError(f"read_file: {file_path} does not exist")

    def read_yaml(self, file_path: str, default: Any = None) -> Any:
        path = self._path(file_path)
        if path.is_file():
            return yaml.safe_load(path.read_text())
        if default is not None:
            return default
        raise FileNotFoundError(f"read_yaml: {file_path} does not exist")

    def listdir(self, directory: str, recursive: bool = False) -> list[str]:
        base = self._path(directory)
        if not base.is_dir():
            raise FileNotFoundError(f"listdir: {directory} is not a directory")
        found = base.rglob("*") if recursive else base.iterdir()
        return sorted(str(p.relative_to(self.root)) for p in found if p.is_file())

    def local(
        self,
        command: Any,
        quiet: bool = False,
        command_bat: Any = None,
        echo_off: bool = False,
        env: Any = None,
        dir: str = "",
        stdin: Any = None,
    ) -> str:
        argv = [str(a) for a in command] if isinstance(command, list) else [str(command)]
        self.run.local_commands.append(argv)
        self.created.update(a for a in argv if "/" in a and not a.startswith("-") and "\n" not in a)
        return ""

    # -- settings ---------------------------------------------------------------------------------
    def version_settings(self, check_updates: bool = True, constraint: str = "") -> None:
        return None

    def allow_k8s_contexts(self, contexts: Any) -> None:
        return None

    def default_registry(self, host: str, host_from_cluster: str = "", single_name: str = "") -> None:
        return None

    def update_settings(
        self,
        max_parallel_updates: int = 3,
        k8s_upsert_timeout_secs: int = 30,
        suppress_unused_image_warnings: Any = None,
    ) -> None:
        return None

    def k8s_namespace(self) -> str:
        return "default"

    # -- images -----------------------------------------------------------------------------------
    def docker_build(
        self,
        ref: str,
        context: str,
        build_args: Any = None,
        dockerfile: str = "Dockerfile",
        dockerfile_contents: str = "",
        live_update: Any = None,
        match_in_env_vars: bool = False,
        ignore: Any = None,
        only: Any = None,
        entrypoint: Any = None,
        target: str = "",
        ssh: Any = None,
        network: str = "",
        secret: Any = None,
        extra_tag: Any = None,
        container_args: Any = None,
        cache_from: Any = None,
        pull: bool = False,
        platform: str = "",
    ) -> None:
        if ref in self.run.images:
            raise ValueError(f"docker_build: image {ref} is built twice")
        for path in [context, dockerfile, *(only or [])]:
            if not self._path(path).exists():
                raise FileNotFoundError(f"docker_build({ref}): {path} does not exist")
        self.run.images[ref] = {
            "context": context,
            "dockerfile": dockerfile,
            "target": target,
            "build_args": dict(build_args or {}),
        }

    def fall_back_on(self, files: Any) -> str:
        return "fall_back_on"

    def sync(self, local_path: str, remote_path: str) -> str:
        if not self._path(local_path).exists():
            raise FileNotFoundError(f"sync: {local_path} does not exist")
        return "sync"

    def run_step(self, cmd: Any, trigger: Any = None, echo_off: bool = False) -> str:
        return "run"

    # -- manifests --------------------------------------------------------------------------------
    def helm(
        self,
        paths: str,
        name: str = "",
        namespace: str = "",
        values: Any = None,
        set: Any = None,
        kube_version: str = "",
        skip_crds: bool = False,
    ) -> sl.OpaquePythonObject:
        values_set: dict[str, Any] = {}
        for file in values or []:
            values_set = chart_check.merge(values_set, yaml.safe_load(self._path(file).read_text()) or {})
        self.run.helm_calls.append({"chart": paths, "name": name, "values": list(values or [])})
        rendered = helm.Chart.load(self._path(paths)).render(
            values_set, name=name or "chart", namespace=namespace or "default", is_install=True
        )
        docs = [doc for _, doc in chart_check.manifests(rendered)]
        return sl.OpaquePythonObject(Blob(yaml.safe_dump_all(docs)))

    def encode_yaml(self, obj: Any) -> sl.OpaquePythonObject:
        return sl.OpaquePythonObject(Blob(yaml.safe_dump(obj)))

    def k8s_yaml(self, yaml_input: Any, allow_duplicates: bool = False) -> None:
        inputs = yaml_input if isinstance(yaml_input, list) else [yaml_input]
        for item in inputs:
            text = item.text if isinstance(item, Blob) else self._path(str(item)).read_text()
            self.run.manifests += [doc for doc in yaml.safe_load_all(text) if doc]

    def k8s_resource(
        self,
        workload: str = "",
        new_name: str = "",
        port_forwards: Any = None,
        extra_pod_selectors: Any = None,
        trigger_mode: Any = None,
        resource_deps: Any = None,
        objects: Any = None,
        auto_init: bool = True,
        pod_readiness: str = "",
        links: Any = None,
        labels: Any = None,
        discovery_strategy: str = "",
    ) -> None:
        self.run.resources.append(
            {
                "workload": workload,
                "new_name": new_name,
                "resource_deps": list(resource_deps or []),
                "objects": list(objects or []),
            }
        )

    def port_forward(
        self, local_port: int, container_port: int = 0, name: str = "", link_path: str = "", host: str = ""
    ) -> str:
        return f"{local_port}:{container_port}"

    def link(self, url: str, name: str = "") -> str:
        return url

    def local_resource(
        self,
        name: str,
        cmd: Any = "",
        deps: Any = None,
        trigger_mode: Any = None,
        resource_deps: Any = None,
        ignore: Any = None,
        auto_init: bool = True,
        serve_cmd: Any = "",
        cmd_bat: Any = "",
        serve_cmd_bat: Any = "",
        allow_parallel: bool = False,
        links: Any = None,
        tags: Any = None,
        env: Any = None,
        serve_env: Any = None,
        readiness_probe: Any = None,
        dir: str = "",
        serve_dir: str = "",
        labels: Any = None,
    ) -> None:
        if name in self.run.local_resources:
            raise ValueError(f"local_resource {name} defined twice")
        self.run.local_resources[name] = {"resource_deps": list(resource_deps or [])}

    def cmd_button(
        self,
        name: str,
        argv: Any = None,
        resource: str = "",
        location: str = "",
        text: str = "",
        icon_name: str = "",
        icon_svg: str = "",
        env: Any = None,
        inputs: Any = None,
        requires_confirmation: bool = False,
        dir: str = "",
    ) -> None:
        self.run.buttons.append(name)

    def module(self) -> sl.Module:
        """The Tiltfile's global scope: every builtin above under its Tilt name."""
        module = sl.Module()
        names = [
            "read_file",
            "read_yaml",
            "listdir",
            "local",
            "version_settings",
            "allow_k8s_contexts",
            "default_registry",
            "update_settings",
            "k8s_namespace",
            "docker_build",
            "fall_back_on",
            "sync",
            "helm",
            "encode_yaml",
            "k8s_yaml",
            "k8s_resource",
            "port_forward",
            "link",
            "local_resource",
        ]
        for name in names:
            module.add_callable(name, getattr(self, name))
        module.add_callable("run", self.run_step)
        module.add_callable("_os_path_exists", self.exists)
        module.add_callable("_os_getcwd", lambda: str(self.root))
        module["TRIGGER_MODE_AUTO"] = 0
        module["TRIGGER_MODE_MANUAL"] = 1
        return module

    def extension(self, name: str) -> sl.FrozenModule:
        """``load('ext://...')``: the extensions this project loads, each a recording stand-in."""
        if name != "ext://uibutton":
            raise ValueError(
                f"load({name!r}): no stand-in for this extension; add one to tools/deploy_check/tilt.py"
            )
        module = sl.Module()
        module.add_callable("cmd_button", self.cmd_button)
        sl.eval(
            module, sl.parse("uibutton", 'location = struct(NAV = "nav", RESOURCE = "resource")\n'), _GLOBALS
        )
        return module.freeze()


_GLOBALS = sl.Globals.extended_by(
    [sl.LibraryExtension.StructType, sl.LibraryExtension.Json, sl.LibraryExtension.Print]
)


def _dialect() -> sl.Dialect:
    """Tilt's Starlark (starlark-go with its options): top-level if/for, nested def, lambda, load."""
    dialect = sl.Dialect.extended()
    dialect.enable_top_level_stmt = True
    return dialect


_PRELUDE = "os = struct(path = struct(exists = _os_path_exists), getcwd = _os_getcwd, environ = {})\n"


def evaluate(tiltfile: Path = ROOT / "Tiltfile", root: Path = ROOT) -> TiltRun:
    """Run the Tiltfile against the stand-ins; raises ``starlark.StarlarkError`` on any error."""
    stubs = TiltStubs(root)
    module = stubs.module()
    sl.eval(module, sl.parse("prelude", _PRELUDE), _GLOBALS)
    sl.eval(
        module,
        sl.parse(tiltfile.name, tiltfile.read_text(), _dialect()),
        _GLOBALS,
        sl.FileLoader(stubs.extension),
    )
    return stubs.run


def _workloads(manifests: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in manifests if doc.get("kind") in WORKLOAD_KINDS}


def _container_images(doc: dict[str, Any]) -> list[str]:
    spec = doc.get("spec", {})
    if doc.get("kind") == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    pod = spec.get("template", {}).get("spec", {}) if doc.get("kind") != "Pod" else spec
    return [c.get("image", "") for c in [*pod.get("initContainers", []), *pod.get("containers", [])]]


def _image_name(ref: str) -> str:
    """``registry/repo:tag@digest`` -> ``registry/repo``, as Tilt matches images."""
    ref = ref.split("@", 1)[0]
    last = ref.rsplit("/", 1)[-1]
    return ref[: len(ref) - len(last)] + last.split(":", 1)[0]


def check_run(run: TiltRun, services: list[str]) -> list[Finding]:
    findings: list[Finding] = []
    where = "Tiltfile"
    for svc in services:
        if f"batchivo/{svc}" not in run.images:
            findings.append(Finding("tilt", where, f"no docker_build for service {svc} (batchivo/{svc})"))
    for image in ("batchivo/gateway", "batchivo/frontend"):
        if image not in run.images:
            findings.append(Finding("tilt", where, f"no docker_build for {image}"))

    workloads = _workloads(run.manifests)
    used = {_image_name(img) for doc in workloads.values() for img in _container_images(doc)}
    for ref in run.images:
        if not any(name == ref or name.endswith("/" + ref) for name in used):
            findings.append(Finding("tilt", where, f"image {ref} is built but no deployed workload runs it"))

    objects = {(doc["metadata"]["name"], str(doc.get("kind", "")).lower()) for doc in run.manifests}
    names: set[str] = set(run.local_resources)
    claimed: set[str] = set()
    for resource in run.resources:
        if resource["workload"]:
            if resource["workload"] not in workloads:
                findings.append(
                    Finding("tilt", where, f"k8s_resource({resource['workload']!r}): no such workload")
                )
            claimed.add(resource["workload"])
        for obj in resource["objects"]:
            name, _, kind = obj.partition(":")
            if (name, kind.lower()) not in objects:
                findings.append(Finding("tilt", where, f"k8s_resource objects: {obj} is not deployed"))
        names.add(resource["new_name"] or resource["workload"])
    for workload in workloads:
        if workload not in claimed:
            names.add(workload)  # Tilt gives an unclaimed workload a resource named after it
            findings.append(Finding("tilt", where, f"workload {workload} is not wired by any k8s_resource"))
    for svc in services:
        for resource_name in (f"{svc}-api", f"{svc}-worker", f"{svc}-migrate"):
            if resource_name not in names:
                findings.append(Finding("tilt", where, f"no resource {resource_name} for service {svc}"))
    for resource in [*run.resources, *run.local_resources.values()]:
        for dep in resource["resource_deps"]:
            if dep not in names:
                label = resource.get("new_name") or resource.get("workload") or "local_resource"
                findings.append(
                    Finding("tilt", where, f"{label}: resource_deps names unknown resource {dep!r}")
                )
    return findings


def check(
    tiltfile: Path = ROOT / "Tiltfile", root: Path = ROOT, services: list[str] | None = None
) -> list[Finding]:
    try:
        run = evaluate(tiltfile, root)
    except (sl.StarlarkError, OSError, ValueError, helm.HelmError) as exc:
        return [
            Finding(
                "tilt",
                str(tiltfile.relative_to(root) if tiltfile.is_relative_to(root) else tiltfile),
                f"evaluation failed: {exc}",
            )
        ]
    return check_run(run, makefile_services() if services is None else services)


def services_in_tiltfile(tiltfile: Path = ROOT / "Tiltfile", root: Path = ROOT) -> set[str]:
    """The domain services the Tiltfile builds an image for."""
    return {ref.removeprefix("batchivo/") for ref in evaluate(tiltfile, root).images} - {
        "gateway",
        "frontend",
    }


__all__ = ["TiltRun", "check", "evaluate", "os", "services_in_tiltfile"]
