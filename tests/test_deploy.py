"""The deployment files, checked without a hub: the hub configuration's settings and the Kubernetes values.

Kubernetes itself cannot run here: ``deploy/kubernetes/values.yaml`` is checked for YAML
syntax and for using only options the Zero to JupyterHub chart documents (its
``values.schema.yaml``, chart 3.x/4.x; the subset this file uses is below). The real hub
runs in tests/test_hub.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from traitlets.config import Config

from .conftest import REPO

HUB_CONFIG = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"
VALUES = REPO / "deploy" / "kubernetes" / "values.yaml"
FREE = None
"""Below this key the chart accepts anything (its schema says ``additionalProperties: true``)."""
IMAGE = {"name": FREE, "tag": FREE, "pullPolicy": FREE, "pullSecrets": FREE}
# The chart's documented options this project may use, from the chart's values.schema.yaml.
CHART_OPTIONS: dict[str, Any] = {
    "hub": {
        "image": IMAGE,
        "db": {"type": FREE, "upgrade": FREE, "url": FREE, "password": FREE, "pvc": FREE},
        "extraEnv": FREE,
        "extraFiles": FREE,
        "extraVolumes": FREE,
        "extraVolumeMounts": FREE,
        "extraConfig": FREE,
        "config": FREE,
        "services": FREE,
        "loadRoles": FREE,
        "service": {"type": FREE, "ports": FREE, "annotations": FREE, "extraPorts": FREE, "loadBalancerIP": FREE},
        "resources": FREE,
        "networkPolicy": {"enabled": FREE, "ingress": FREE, "egress": FREE, "egressAllowRules": FREE},
        "baseUrl": FREE,
        "cookieSecret": FREE,
        "nodeSelector": FREE,
    },
    "proxy": {
        "service": {"type": FREE, "labels": FREE, "annotations": FREE, "nodePorts": FREE, "loadBalancerIP": FREE},
        "https": {"enabled": FREE, "type": FREE, "letsencrypt": FREE, "manual": FREE, "secret": FREE, "hosts": FREE},
        "secretToken": FREE,
    },
    "singleuser": {
        "image": IMAGE,
        "memory": {"limit": FREE, "guarantee": FREE},
        "cpu": {"limit": FREE, "guarantee": FREE},
        "storage": {"type": FREE, "capacity": FREE, "homeMountPath": FREE},
        "cmd": FREE,
        "defaultUrl": FREE,
        "extraEnv": FREE,
    },
    "cull": {"enabled": FREE, "users": FREE, "adminUsers": FREE, "removeNamedServers": FREE, "timeout": FREE,
             "every": FREE, "concurrency": FREE, "maxAge": FREE},
    "scheduling": {"userScheduler": {"enabled": FREE, "replicas": FREE}, "podPriority": FREE,
                   "userPlaceholder": FREE, "corePods": FREE, "userPods": FREE},
    "prePuller": {"hook": {"enabled": FREE}, "continuous": {"enabled": FREE}},
    "ingress": FREE,
}


def undocumented_keys(values: dict[str, Any], options: dict[str, Any], where: str = "") -> list[str]:
    """The dotted paths in ``values`` that are not among ``options``."""
    found = []
    for key, value in values.items():
        path = f"{where}.{key}" if where else key
        if key not in options:
            found.append(path)
        elif isinstance(options[key], dict):
            if not isinstance(value, dict):
                found.append(f"{path} (should be a mapping)")
            else:
                found += undocumented_keys(value, options[key], path)
    return found


def test_the_kubernetes_values_parse_and_use_only_the_charts_documented_options() -> None:
    values = yaml.safe_load(VALUES.read_text(encoding="utf-8"))
    assert undocumented_keys(values, CHART_OPTIONS) == []
    assert undocumented_keys({"hub": {"loadGroups": {}}, "cull": {"idle": 1}}, CHART_OPTIONS) == [
        "hub.loadGroups", "cull.idle"]  # the check can fail
    assert values["hub"]["db"]["type"] == "postgres" and values["cull"]["enabled"] is True
    loaded = values["hub"]["extraFiles"]["course-config"]
    assert loaded["mountPath"].startswith("/usr/local/etc/jupyterhub/jupyterhub_config.d/")
    assert "deploy/jupyterhub/jupyterhub_config.py" in loaded["stringData"]
    groups = values["hub"]["extraFiles"]["groups"]["data"]
    assert any(name.startswith("trainees-") for name in groups) and "instructors" in groups


def load_hub_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> Config:
    """Evaluate jupyterhub_config.py as JupyterHub does, with these environment variables."""
    monkeypatch.setenv("ADAPTIVE_POLICING_VAR", str(tmp_path / "var"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    namespace = {"get_config": lambda: config, "load_subconfig": lambda _path: None, "__file__": str(HUB_CONFIG)}
    exec(compile(HUB_CONFIG.read_text(encoding="utf-8"), str(HUB_CONFIG), "exec"), namespace)
    return config


def test_on_one_machine_the_hub_listens_on_loopback_and_runs_the_course_and_the_culler(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("ADAPTIVE_POLICING_HUB_KUBERNETES", raising=False)
    config = load_hub_config(monkeypatch, tmp_path)
    assert config.JupyterHub.ip == "127.0.0.1" and config.JupyterHub.hub_ip == "127.0.0.1"
    services = {service["name"]: service for service in config.JupyterHub.services}
    assert set(services) == {"course", "console", "formgrader", "idle-culler"}
    assert services["formgrader"]["cwd"].endswith("grading") and "--ServerApp.terminals_enabled=False" in (
        services["formgrader"]["command"])
    assert services["course"]["url"].startswith("http://127.0.0.1:") and "--hub" in services["course"]["command"]
    roles = {role["name"]: role for role in config.JupyterHub.load_roles}
    assert roles["course-instructor"]["groups"] == ["instructors"]
    assert roles["course-coordinator"]["groups"] == ["formgrade-adaptive-policing"]
    assert "servers!user" not in roles["user"]["scopes"] and "self" not in roles["user"]["scopes"]
    assert "trainees-DEMO1A" in config.JupyterHub.load_groups
    assert config.Spawner.mem_limit and config.Spawner.cpu_limit
    assert config.JupyterHub.authenticator_class == "shared-password"


def test_under_zero_to_jupyterhub_the_chart_keeps_its_addresses_and_culler(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = load_hub_config(monkeypatch, tmp_path, ADAPTIVE_POLICING_HUB_KUBERNETES="1",
                             ADAPTIVE_POLICING_HUB_SERVICE_IP="0.0.0.0", ADAPTIVE_POLICING_HUB_SERVICE_HOST="hub")
    assert "ip" not in config.JupyterHub and "db_url" not in config.JupyterHub
    assert "authenticator_class" not in config.JupyterHub
    services = {service["name"]: service for service in config.JupyterHub.services}
    assert set(services) == {"course", "console", "formgrader"}
    assert services["course"]["url"] == "http://hub:8868"
    assert services["course"]["command"][services["course"]["command"].index("--ip") + 1] == "0.0.0.0"


def test_the_hub_gives_the_formgrader_and_the_console_the_gradebook_s_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = "postgresql+psycopg://grader:secret@db.example:5432/gradebook"
    monkeypatch.delenv("ADAPTIVE_POLICING_HUB_KUBERNETES", raising=False)
    config = load_hub_config(monkeypatch, tmp_path, ADAPTIVE_POLICING_GRADEBOOK_URL=url)
    services = {service["name"]: service for service in config.JupyterHub.services}
    assert services["formgrader"]["environment"]["ADAPTIVE_POLICING_GRADEBOOK_URL"] == url
    assert services["console"]["environment"]["ADAPTIVE_POLICING_GRADEBOOK_URL"] == url
