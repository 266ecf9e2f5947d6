"""Chart tests: render charts/taskora with helm and assert on the objects it produces.

Run by tests/chart/run (which sets HELM to the pinned helm); also `pytest tests/chart` with a
helm 3 on PATH.
"""
import base64
import fnmatch
import json
import os
import pathlib
import shutil
import subprocess

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "taskora"
HELM = os.environ.get("HELM", "helm")
K8S_VERSION = os.environ.get("K8S_VERSION", "1.33.0")
RELEASE, NAMESPACE = "tk", "taskora"
KAGENT_APIS = ["kagent.dev/v1alpha2/Agent", "kagent.dev/v1alpha2/ModelConfig", "kagent.dev/v1alpha2/RemoteMCPServer"]
APP_VERSION = yaml.safe_load((CHART / "Chart.yaml").read_text())["appVersion"]
POD_KINDS = ("Deployment", "StatefulSet", "Job", "Pod")


def helm_template(*values_files, sets=(), api_versions=(), check=True):
    cmd = [HELM, "template", RELEASE, str(CHART), "--namespace", NAMESPACE, "--kube-version", K8S_VERSION]
    for f in values_files:
        cmd += ["-f", str(CHART / f)]
    for s in sets:
        cmd += ["--set", s]
    for a in api_versions:
        cmd += ["--api-versions", a]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


class Objects(list):
    def kind(self, kind):
        return [o for o in self if o["kind"] == kind]

    def get(self, kind, component=None, name=None):
        found = [o for o in self.kind(kind)
                 if (component is None or labels(o).get("app.kubernetes.io/component") == component)
                 and (name is None or o["metadata"]["name"] == name)]
        assert len(found) == 1, f"expected one {kind} component={component} name={name}, found {len(found)}"
        return found[0]


def render(*values_files, sets=(), api_versions=()):
    out = helm_template(*values_files, sets=sets, api_versions=api_versions).stdout
    return Objects(d for d in yaml.safe_load_all(out) if d)


def render_error(*values_files, sets=(), api_versions=()):
    proc = helm_template(*values_files, sets=sets, api_versions=api_versions, check=False)
    assert proc.returncode != 0, "the render should have failed"
    return proc.stderr


def labels(obj):
    return obj["metadata"].get("labels") or {}


def pod_spec(obj):
    return obj["spec"] if obj["kind"] == "Pod" else obj["spec"]["template"]["spec"]


def containers(obj, init=True):
    spec = pod_spec(obj)
    return list(spec.get("containers", [])) + (list(spec.get("initContainers", [])) if init else [])


def env_of(container):
    return {e["name"]: e for e in container.get("env", [])}


def workloads(objs):
    return [o for o in objs if o["kind"] in POD_KINDS]


@pytest.fixture(scope="module")
def dev():
    return render("values-dev.yaml")


@pytest.fixture(scope="module")
def prod():
    return render("values-prod.yaml")


# --- the whole app, labels, names ---------------------------------------------------------

@pytest.mark.parametrize("values", ["values.yaml", "values-dev.yaml", "values-prod.yaml"])
def test_every_component_is_deployed_and_found_by_labels(values):
    objs = render(values)
    for comp in ("frontend", "backend", "mcp-server"):
        dep = objs.get("Deployment", comp)
        svc = objs.get("Service", comp)
        # The Service selects exactly the pods of its Deployment, by name+instance+component.
        pod_labels = dep["spec"]["template"]["metadata"]["labels"]
        assert svc["spec"]["selector"] == dep["spec"]["selector"]["matchLabels"]
        assert all(pod_labels[k] == v for k, v in svc["spec"]["selector"].items())
        assert set(svc["spec"]["selector"]) == {"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component"}
    sts = objs.get("StatefulSet", "postgresql")
    assert sts["spec"]["replicas"] == 1
    for o in objs:
        assert labels(o).get("app.kubernetes.io/instance") == RELEASE, o["metadata"]["name"]
        assert labels(o).get("app.kubernetes.io/managed-by") == "Helm"
        assert o["metadata"].get("namespace") == NAMESPACE, o["metadata"]["name"]


def test_ports_and_in_cluster_urls(prod):
    ports = {"frontend": 3000, "backend": 8000, "mcp-server": 8001}
    for comp, port in ports.items():
        dep = prod.get("Deployment", comp)
        assert containers(dep, init=False)[0]["ports"][0]["containerPort"] == port
        assert prod.get("Service", comp)["spec"]["ports"][0]["port"] == port
    fe_cm = prod.get("ConfigMap", "frontend")["data"]
    assert fe_cm["BACKEND_URL"] == f"http://{prod.get('Service', 'backend')['metadata']['name']}:8000"
    be_cm = prod.get("ConfigMap", "backend")["data"]
    assert be_cm["MCP_SERVER_URL"] == f"http://{prod.get('Service', 'mcp-server')['metadata']['name']}:8001/mcp"
    assert be_cm["APP_ENV"] == "production" and be_cm["AGENT_BACKEND"] == "offline"
    # Both Services of PostgreSQL (ClusterIP and the StatefulSet's headless one) on 5432.
    pg_svcs = [s for s in prod.kind("Service") if labels(s)["app.kubernetes.io/component"] == "postgresql"]
    assert sorted(s["spec"].get("clusterIP", "") for s in pg_svcs) == ["", "None"]
    assert all(s["spec"]["ports"][0]["port"] == 5432 for s in pg_svcs)


def test_images_default_to_app_version_and_take_the_deploy_tags():
    objs = render("values-dev.yaml")
    images = {c["image"] for o in workloads(objs) for c in containers(o)}
    assert f"taskora/frontend:{APP_VERSION}" in images
    assert f"taskora/backend:{APP_VERSION}" in images
    assert f"taskora/mcp-server:{APP_VERSION}" in images
    assert not any(i.endswith(":latest") for i in images)
    pg_image = containers(objs.get("StatefulSet", "postgresql"))[0]["image"]
    assert pg_image.startswith("postgres:") and pg_image != "postgres:latest"

    objs = render("values-dev.yaml", sets=["frontend.image.tag=fe-1a2b", "backend.image.tag=be-3c4d",
                                           "mcpServer.image.tag=mcp-5e6f", "postgresql.image.repository=local/pg",
                                           "postgresql.image.tag=stand-in-1"])
    assert containers(objs.get("Deployment", "frontend"))[0]["image"] == "taskora/frontend:fe-1a2b"
    assert containers(objs.get("Deployment", "mcp-server"))[0]["image"] == "taskora/mcp-server:mcp-5e6f"
    assert containers(objs.get("StatefulSet", "postgresql"))[0]["image"] == "local/pg:stand-in-1"
    # The migration Job and every helm test pod run the backend image: no extra image needed.
    for o in objs.kind("Job") + objs.kind("Pod"):
        assert {c["image"] for c in containers(o)} == {"taskora/backend:be-3c4d"}, o["metadata"]["name"]


def test_latest_tag_is_refused():
    err = render_error(sets=["backend.image.tag=latest"])
    assert 'the tag "latest" is not allowed' in err


# --- security ------------------------------------------------------------------------------

@pytest.mark.parametrize("values", ["values-dev.yaml", "values-prod.yaml"])
def test_restricted_pod_security(values):
    objs = render(values, sets=["kagent.enabled=false"])
    assert workloads(objs)
    for o in workloads(objs):
        name = o["metadata"]["name"]
        spec = pod_spec(o)
        assert spec["automountServiceAccountToken"] is False, name
        psc = spec["securityContext"]
        assert psc["runAsNonRoot"] is True and psc["seccompProfile"]["type"] == "RuntimeDefault", name
        assert not spec.get("hostNetwork") and not spec.get("hostPID") and not spec.get("hostIPC"), name
        is_pg = labels(o)["app.kubernetes.io/component"] == "postgresql"
        assert psc["runAsUser"] == (999 if is_pg else 10001), name
        for v in spec.get("volumes", []):
            assert set(v) - {"name"} <= {"emptyDir", "configMap", "secret", "persistentVolumeClaim", "projected"}, name
        for c in containers(o):
            sc = c["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False, name
            assert sc["readOnlyRootFilesystem"] is True, name
            assert sc["runAsNonRoot"] is True, name
            assert sc["capabilities"]["drop"] == ["ALL"] and not sc["capabilities"].get("add"), name
            assert not sc.get("privileged"), name
            assert c["resources"]["requests"] and c["resources"]["limits"], name
    # every ServiceAccount (the app's, and the one ai-ops hands kubectl-ai a token of) mounts no token
    assert len(objs.kind("ServiceAccount")) == 2
    for sa in objs.kind("ServiceAccount"):
        assert sa["automountServiceAccountToken"] is False, sa["metadata"]["name"]


def test_ai_ops_identity_reads_the_namespace_and_scales_but_never_secrets(dev):
    """templates/ai-ops/rbac.yaml: what an external AI engine may do (docs/AI-OPS.md, "The boundary")."""
    sa = dev.get("ServiceAccount", "ai-ops")
    role = dev.get("Role", "ai-ops")
    binding = dev.get("RoleBinding", "ai-ops")
    assert not dev.kind("ClusterRole") and not dev.kind("ClusterRoleBinding")
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role["metadata"]["name"]}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": sa["metadata"]["name"], "namespace": "taskora"}]
    for rule in role["rules"]:
        assert "*" not in rule["resources"] and "*" not in rule["verbs"] and "*" not in rule["apiGroups"], rule
        assert not {"secrets", "namespaces", "persistentvolumeclaims/delete"} & set(rule["resources"]), rule
        assert not {"delete", "deletecollection", "create", "escalate", "bind", "impersonate"} & set(rule["verbs"]), rule
    writes = {(g, r) for rule in role["rules"] for g in rule["apiGroups"] for r in rule["resources"]
              if set(rule["verbs"]) & {"update", "patch"}}
    assert writes == {("apps", "deployments/scale"), ("apps", "statefulsets/scale"), ("apps", "deployments"), ("apps", "statefulsets")}
    off = render("values-dev.yaml", sets=("aiOps.serviceAccount.create=false",))
    assert not off.kind("Role") and len(off.kind("ServiceAccount")) == 1


def test_postgresql_runs_read_only_as_999_with_writable_dirs(dev):
    sts = dev.get("StatefulSet", "postgresql")
    spec = pod_spec(sts)
    assert spec["securityContext"]["fsGroup"] == 999
    mounts = {m["mountPath"]: m["name"] for m in containers(sts)[0]["volumeMounts"]}
    vols = {v["name"]: v for v in spec["volumes"]}
    for path in ("/var/run/postgresql", "/tmp"):
        assert "emptyDir" in vols[mounts[path]], path
    assert mounts["/var/lib/postgresql/data"] == "data"
    claim = sts["spec"]["volumeClaimTemplates"][0]
    assert claim["metadata"]["name"] == "data" and claim["spec"]["resources"]["requests"]["storage"] == "1Gi"
    env = env_of(containers(sts)[0])
    assert env["PGDATA"]["value"].startswith("/var/lib/postgresql/data/")
    assert env["POSTGRES_PASSWORD"]["valueFrom"]["secretKeyRef"]["key"] == "database-password"
    headless = dev.get("Service", "postgresql", name=sts["spec"]["serviceName"])
    assert headless["spec"]["clusterIP"] == "None"


def test_probes_on_contract_paths(prod):
    # The frontend's readiness (/api/ready: the backend answers) is not its liveness (/api/health:
    # the server itself), so a backend outage takes it out of the Service without restarting it.
    paths = {"frontend": ("/api/health", "/api/health", "/api/ready"),
             "backend": ("/healthz", "/healthz", "/readyz"),
             "mcp-server": ("/healthz", "/healthz", "/readyz")}
    for comp, (startup, live, ready) in paths.items():
        c = containers(prod.get("Deployment", comp))[0]
        assert c["startupProbe"]["httpGet"]["path"] == startup
        assert c["livenessProbe"]["httpGet"]["path"] == live
        assert c["readinessProbe"]["httpGet"]["path"] == ready
    pg = containers(prod.get("StatefulSet", "postgresql"))[0]
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert pg[probe]["exec"]["command"][0] == "pg_isready"
    for o in prod.kind("Deployment") + prod.kind("StatefulSet"):
        c = containers(o)[0]
        assert c["livenessProbe"] != c["readinessProbe"], o["metadata"]["name"]


def test_probe_timings_come_from_values():
    objs = render("values-dev.yaml", sets=["frontend.readinessProbe.periodSeconds=7", "backend.livenessProbe.failureThreshold=9",
                                           "mcpServer.startupProbe.timeoutSeconds=4", "postgresql.livenessProbe.periodSeconds=30"])
    assert containers(objs.get("Deployment", "frontend"))[0]["readinessProbe"]["periodSeconds"] == 7
    assert containers(objs.get("Deployment", "backend"))[0]["livenessProbe"]["failureThreshold"] == 9
    assert containers(objs.get("Deployment", "mcp-server"))[0]["startupProbe"]["timeoutSeconds"] == 4
    pg = containers(objs.get("StatefulSet", "postgresql"))[0]
    assert pg["livenessProbe"]["periodSeconds"] == 30 and pg["livenessProbe"]["exec"]["command"][0] == "pg_isready"
    # the paths stay the contract's
    assert containers(objs.get("Deployment", "frontend"))[0]["readinessProbe"]["httpGet"]["path"] == "/api/ready"


def test_resources_fit_a_4_cpu_8_gib_minikube_with_room_to_spare(prod):
    def cpu(v):
        v = str(v)
        return float(v[:-1]) / 1000 if v.endswith("m") else float(v)

    def mem(v):
        units = {"Mi": 1 / 1024, "Gi": 1}
        return float(v[:-2]) * units[v[-2:]]

    req_cpu = req_mem = lim_mem = 0.0
    for o in prod.kind("Deployment") + prod.kind("StatefulSet"):
        n = o["spec"]["replicas"]
        for c in containers(o):
            req_cpu += n * cpu(c["resources"]["requests"]["cpu"])
            req_mem += n * mem(c["resources"]["requests"]["memory"])
            lim_mem += n * mem(c["resources"]["limits"]["memory"])
    assert req_cpu <= 2.0, f"prod requests {req_cpu} CPU: more than half of a 4 CPU Minikube"
    assert req_mem <= 4.0, f"prod requests {req_mem} GiB: more than half of an 8 GiB Minikube"
    assert lim_mem <= 6.0, f"prod memory limits {lim_mem} GiB leave no room on an 8 GiB Minikube"


def test_checksum_annotations_roll_pods_on_config_change():
    a = render("values-dev.yaml")
    b = render("values-dev.yaml", sets=["logLevel=WARNING"])
    ann = lambda objs, comp: objs.get("Deployment", comp)["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    assert ann(a, "backend") != ann(b, "backend")
    assert ann(a, "mcp-server") != ann(b, "mcp-server")
    assert ann(a, "frontend") == ann(b, "frontend")


# --- secrets -------------------------------------------------------------------------------

SECRET_KEYS = {"database-password", "jwt-secret", "mcp-service-token", "llm-api-key"}


def secret_refs(objs):
    refs = []
    for o in workloads(objs):
        for c in containers(o):
            for e in c.get("env", []):
                ref = e.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    refs.append((o["metadata"]["name"], e["name"], ref["name"], ref["key"]))
    return refs


def test_generated_secret_is_kept_and_complete(dev):
    secret = dev.get("Secret", name=f"{RELEASE}-taskora")
    assert set(secret["data"]) == SECRET_KEYS
    assert secret["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    for key in ("database-password", "jwt-secret", "mcp-service-token"):
        assert len(base64.b64decode(secret["data"][key])) >= 32, key
    assert secret["data"]["llm-api-key"] == ""
    # No secret value in any committed values file, and the generated values are random.
    other = render("values-dev.yaml").get("Secret", name=f"{RELEASE}-taskora")
    assert other["data"]["jwt-secret"] != secret["data"]["jwt-secret"]
    for f in ("values.yaml", "values-dev.yaml", "values-prod.yaml"):
        values = yaml.safe_load((CHART / f).read_text()) or {}
        assert not (values.get("llm") or {}).get("apiKey"), f
        assert not (values.get("externalDatabase") or {}).get("url"), f
    for _, _, name, key in secret_refs(dev):
        assert key in SECRET_KEYS and name == f"{RELEASE}-taskora"
    # The backend's pods roll when the generated Secret changes.
    assert "checksum/secret" in dev.get("Deployment", "backend")["spec"]["template"]["metadata"]["annotations"]


def test_llm_key_given_on_the_command_line_lands_in_the_secret():
    objs = render("values-dev.yaml", sets=["llm.apiKey=sk-test-123", "llm.agentBackend=openai"])
    assert base64.b64decode(objs.get("Secret", name=f"{RELEASE}-taskora")["data"]["llm-api-key"]) == b"sk-test-123"
    backend = containers(objs.get("Deployment", "backend"))[0]
    assert env_of(backend)["LLM_API_KEY"]["valueFrom"]["secretKeyRef"]["key"] == "llm-api-key"


def test_existing_secret_replaces_the_generated_one():
    objs = render("values-prod.yaml", sets=["existingSecret=my-secrets"])
    assert not objs.kind("Secret")
    refs = secret_refs(objs)
    assert refs and all(name == "my-secrets" and key in SECRET_KEYS for _, _, name, key in refs)
    used = {(w, var) for w, var, _, _ in refs}
    backend = f"{RELEASE}-taskora-backend"
    for var in ("DATABASE_PASSWORD", "JWT_SECRET", "MCP_SERVICE_TOKEN", "LLM_API_KEY"):
        assert (backend, var) in used, var
    assert (f"{RELEASE}-taskora-mcp-server", "MCP_SERVICE_TOKEN") in used
    assert (f"{RELEASE}-taskora-postgresql", "POSTGRES_PASSWORD") in used
    assert "checksum/secret" not in objs.get("Deployment", "backend")["spec"]["template"]["metadata"]["annotations"]


# --- database: built-in and external ------------------------------------------------------

def test_builtin_database_url(dev):
    env = env_of(containers(dev.get("Deployment", "backend"))[0])
    host = dev.get("Service", "postgresql", name=f"{RELEASE}-taskora-postgresql")["metadata"]["name"]
    assert env["DATABASE_URL"]["value"] == f"postgresql://taskora:$(DATABASE_PASSWORD)@{host}:5432/taskora"
    # $(VAR) expansion only sees variables defined before it.
    names = [e["name"] for e in containers(dev.get("Deployment", "backend"))[0]["env"]]
    assert names.index("DATABASE_PASSWORD") < names.index("DATABASE_URL")


def test_external_database_from_existing_secret():
    objs = render("values-prod.yaml", sets=["postgresql.enabled=false", "externalDatabase.existingSecret=neon",
                                            "externalDatabase.existingSecretUrlKey=url"])
    assert not objs.kind("StatefulSet")
    assert not [o for o in objs if labels(o).get("app.kubernetes.io/component") == "postgresql"]
    for o in (objs.get("Deployment", "backend"), objs.get("Deployment", "mcp-server"), objs.get("Job", "migrations")):
        for c in containers(o):
            env = env_of(c)
            assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {"name": "neon", "key": "url"}, o["metadata"]["name"]
            assert "DATABASE_PASSWORD" not in env
    # The NetworkPolicies open the external database's port, not the built-in pods.
    be_np = objs.get("NetworkPolicy", "backend")
    db_rules = [r for r in be_np["spec"]["egress"] if r["ports"][0]["port"] == 5432]
    assert db_rules and [p["ipBlock"]["cidr"] for p in db_rules[0]["to"]] == ["0.0.0.0/0"]
    assert "10.0.0.0/8" in db_rules[0]["to"][0]["ipBlock"]["except"]  # not the cluster nor the LAN (issue 26)


def test_external_database_from_url():
    url = "postgresql://u:p@db.example.com:5432/taskora?sslmode=require"
    objs = render("values-dev.yaml", sets=["postgresql.enabled=false", f"externalDatabase.url={url}"])
    app_secret = objs.get("Secret", name=f"{RELEASE}-taskora-database")
    assert base64.b64decode(app_secret["data"]["database-url"]).decode() == url
    assert "helm.sh/hook" not in (app_secret["metadata"].get("annotations") or {})
    hook_secret = objs.get("Secret", name=f"{RELEASE}-taskora-migrations-db")
    assert hook_secret["metadata"]["annotations"]["helm.sh/hook"] == "post-install,pre-upgrade"
    job = objs.get("Job", "migrations")
    assert int(hook_secret["metadata"]["annotations"]["helm.sh/hook-weight"]) < int(job["metadata"]["annotations"]["helm.sh/hook-weight"])
    for c in containers(job):
        assert env_of(c)["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == f"{RELEASE}-taskora-migrations-db"
    backend = containers(objs.get("Deployment", "backend"))[0]
    assert env_of(backend)["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == f"{RELEASE}-taskora-database"


@pytest.mark.parametrize("sets, message", [
    (["postgresql.enabled=false"], "postgresql.enabled=false needs an external database"),
    (["externalDatabase.existingSecret=x"], "externalDatabase.* is set while postgresql.enabled=true"),
    (["postgresql.enabled=false", "externalDatabase.existingSecret=x", "externalDatabase.url=postgresql://a"],
     "set only one of externalDatabase.url and externalDatabase.existingSecret"),
    (["kagent.enabled=true", "existingSecret=s", "kagent.modelConfig.apiKeySecret=s"], "names the app's Secret (existingSecret)"),
    (["ingress.host="], "ingress.enabled=true needs ingress.host"),
    (["frontend.autoscaling.enabled=true", "frontend.autoscaling.minReplicas=5"], "minReplicas (5) is above maxReplicas (4)"),
])
def test_contradictory_values_fail_with_one_clear_line(sets, message):
    err = render_error(sets=sets)
    assert message in err, err


def test_migrations_hook_job(dev):
    job = dev.get("Job", "migrations")
    ann = job["metadata"]["annotations"]
    assert ann["helm.sh/hook"] == "post-install,pre-upgrade"
    assert "before-hook-creation" in ann["helm.sh/hook-delete-policy"]
    main = pod_spec(job)["containers"][0]
    assert main["command"] == ["alembic", "upgrade", "head"]
    assert pod_spec(job)["restartPolicy"] == "Never" and job["spec"]["backoffLimit"] >= 1
    assert job["spec"]["activeDeadlineSeconds"] > 0
    wait = pod_spec(job)["initContainers"][0]
    assert wait["command"][:2] == ["python", "-c"] and "create_connection" in wait["command"][2]
    assert env_of(wait)["WAIT_SECONDS"]["value"] == "180"
    assert {"DATABASE_URL", "JWT_SECRET", "MCP_SERVICE_TOKEN", "APP_ENV"} <= set(env_of(main))


# --- replicas, PDB, HPA, Services, Ingress ------------------------------------------------

def test_prod_replicas_rolling_update_and_pdbs(prod):
    for comp in ("frontend", "backend", "mcp-server"):
        dep = prod.get("Deployment", comp)
        assert dep["spec"]["replicas"] == 2
        assert dep["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
        pdb = prod.get("PodDisruptionBudget", comp)
        assert pdb["spec"]["minAvailable"] == 1
        assert pdb["spec"]["selector"]["matchLabels"] == dep["spec"]["selector"]["matchLabels"]
    assert {labels(p)["app.kubernetes.io/component"] for p in prod.kind("PodDisruptionBudget")} == {"frontend", "backend", "mcp-server"}
    assert not prod.kind("HorizontalPodAutoscaler")


def test_no_pdb_with_one_replica(dev):
    assert not dev.kind("PodDisruptionBudget")
    assert all(d["spec"]["replicas"] == 1 for d in dev.kind("Deployment"))


def test_optional_hpa():
    objs = render("values-dev.yaml", sets=["backend.autoscaling.enabled=true", "backend.autoscaling.minReplicas=2",
                                           "backend.autoscaling.maxReplicas=5"])
    hpa = objs.get("HorizontalPodAutoscaler", "backend")
    assert hpa["spec"]["scaleTargetRef"]["name"] == objs.get("Deployment", "backend")["metadata"]["name"]
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 5)
    assert "replicas" not in objs.get("Deployment", "backend")["spec"]
    assert objs.get("PodDisruptionBudget", "backend")
    assert objs.get("Deployment", "frontend")["spec"]["replicas"] == 1


def test_dev_frontend_on_a_nodeport_without_ingress(dev):
    svc = dev.get("Service", "frontend")
    assert svc["spec"]["type"] == "NodePort" and svc["spec"]["ports"][0]["nodePort"] == 30080
    assert not dev.kind("Ingress")
    for comp in ("backend", "mcp-server"):
        assert dev.get("Service", comp)["spec"]["type"] == "ClusterIP"


def test_prod_frontend_behind_an_ingress_with_tls(prod):
    svc = prod.get("Service", "frontend")
    assert svc["spec"]["type"] == "ClusterIP"
    ing = prod.get("Ingress", "frontend")
    assert ing["spec"]["ingressClassName"] == "nginx"
    rule = ing["spec"]["rules"][0]
    assert rule["host"] == "taskora.local"
    backend = rule["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == svc["metadata"]["name"] and backend["port"]["name"] == svc["spec"]["ports"][0]["name"]
    assert ing["spec"]["tls"][0]["hosts"] == ["taskora.local"]
    assert prod.get("ConfigMap", "frontend")["data"]["COOKIE_SECURE"] == "true"


def test_ingress_on_off_and_configurable():
    assert not render("values-prod.yaml", sets=["ingress.enabled=false"]).kind("Ingress")
    ing = render(sets=["ingress.className=traefik", "ingress.host=todo.example.org"]).get("Ingress")
    assert ing["spec"]["ingressClassName"] == "traefik"
    assert ing["spec"]["rules"][0]["host"] == "todo.example.org"
    assert "tls" not in ing["spec"]


# --- kagent --------------------------------------------------------------------------------

def test_kagent_off_by_default_even_with_the_crds():
    objs = render("values-prod.yaml", api_versions=KAGENT_APIS)
    assert not objs.kind("Agent") and not objs.kind("ModelConfig") and not objs.kind("RemoteMCPServer")


def test_kagent_skipped_without_the_crds():
    objs = render("values-prod.yaml", sets=["kagent.enabled=true", "existingSecret=s"])
    assert not objs.kind("Agent") and not objs.kind("ModelConfig") and not objs.kind("RemoteMCPServer")
    assert objs.get("Deployment", "backend")  # the rest of the install goes ahead


def test_kagent_agent_model_config_and_tool_server_with_the_crds():
    objs = render("values-prod.yaml", sets=["kagent.enabled=true", "existingSecret=s"], api_versions=KAGENT_APIS)
    agent, model, server = objs.get("Agent"), objs.get("ModelConfig"), objs.get("RemoteMCPServer")
    assert agent["apiVersion"] == model["apiVersion"] == server["apiVersion"] == "kagent.dev/v1alpha2"
    assert agent["spec"]["type"] == "Declarative"
    decl = agent["spec"]["declarative"]
    assert decl["modelConfig"] == model["metadata"]["name"] and decl["runtime"] == "go"
    tool = decl["tools"][0]
    assert tool["type"] == "McpServer" and tool["mcpServer"]["kind"] == "RemoteMCPServer"
    # kagent v0.9.12 refuses a RemoteMCPServer of another namespace unless it allows it
    # (allowedNamespaces, default Same): the release's own, in the release's namespace.
    assert tool["mcpServer"]["name"] == server["metadata"]["name"] and "namespace" not in tool["mcpServer"]
    assert server["metadata"]["namespace"] == agent["metadata"]["namespace"]
    assert server["spec"]["url"] == f"http://{RELEASE}-taskora-kagent-tools.{server['metadata']['namespace']}:8084/mcp"
    assert "k8s_get_pod_logs" in tool["mcpServer"]["toolNames"]
    assert not any(t in tool["mcpServer"]["toolNames"] for t in ("k8s_delete_resource", "k8s_apply_manifest"))
    # the agent's key comes from its own Secret, never the app's (existingSecret)
    assert model["spec"]["apiKeySecret"] == f"{RELEASE}-kagent-llm" and model["spec"]["apiKeySecretKey"] == "llm-api-key"
    assert model["spec"]["provider"] == "OpenAI" and model["spec"]["openAI"] == {}
    objs = render(sets=["kagent.enabled=true", "kagent.modelConfig.apiKeySecret=kagent-openai",
                        "kagent.modelConfig.apiKeySecretKey=OPENAI_API_KEY"], api_versions=KAGENT_APIS)
    spec = objs.get("ModelConfig")["spec"]
    assert (spec["apiKeySecret"], spec["apiKeySecretKey"]) == ("kagent-openai", "OPENAI_API_KEY")


def test_kagent_tool_server_acts_as_the_ai_ops_service_account():
    objs = render("values-prod.yaml", sets=["kagent.enabled=true"], api_versions=KAGENT_APIS)
    dep = objs.get("Deployment", "kagent-tools")
    pod = dep["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == f"{RELEASE}-taskora-ai-ops" and pod["automountServiceAccountToken"] is False
    # the token mounted explicitly where kubectl's in-cluster config reads it
    token = next(v for v in pod["volumes"] if v["name"] == "token")["projected"]["sources"]
    assert token[0]["serviceAccountToken"]["path"] == "token" and token[0]["serviceAccountToken"]["expirationSeconds"] == 3600
    assert {"name": "token", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True} in pod["containers"][0]["volumeMounts"]
    c = pod["containers"][0]
    assert c["command"] == ["/tool-server"] and c["args"] == ["--port", "8084", "--tools", "k8s"]
    assert c["image"] == "ghcr.io/kagent-dev/kagent/tools:0.2.1"
    role = objs.get("Role", "ai-ops")
    assert not any("secrets" in r["resources"] for r in role["rules"]), role["rules"]
    assert not objs.kind("ClusterRole") and not objs.kind("ClusterRoleBinding")
    err = render_error(sets=["kagent.enabled=true", "aiOps.serviceAccount.create=false"], api_versions=KAGENT_APIS)
    assert "needs aiOps.serviceAccount.create=true" in err, err


@pytest.mark.parametrize("sets, block", [
    ([], {"openAI": {}}),
    (["kagent.modelConfig.openAI.baseUrl=http://m:8080/v1"], {"openAI": {"baseUrl": "http://m:8080/v1"}}),
    (["kagent.modelConfig.provider=AzureOpenAI", "kagent.modelConfig.azureOpenAI.azureEndpoint=https://a.openai.azure.com",
      "kagent.modelConfig.azureOpenAI.apiVersion=2024-10-21"],
     {"azureOpenAI": {"azureEndpoint": "https://a.openai.azure.com", "apiVersion": "2024-10-21"}}),
    (["kagent.modelConfig.provider=Ollama", "kagent.modelConfig.ollama.host=http://o:11434"], {"ollama": {"host": "http://o:11434"}}),
    (["kagent.modelConfig.provider=Gemini"], {"gemini": {}}),
    (["kagent.modelConfig.provider=Anthropic"], {"anthropic": {}}),
])
def test_kagent_model_config_has_its_providers_block_and_no_other(sets, block):
    spec = render(sets=["kagent.enabled=true"] + sets, api_versions=KAGENT_APIS).get("ModelConfig")["spec"]
    blocks = {k: v for k, v in spec.items() if k in ("openAI", "azureOpenAI", "ollama", "gemini", "anthropic")}
    assert blocks == block, spec
    assert ("apiKeySecret" in spec) == (spec["provider"] != "Ollama")


@pytest.mark.parametrize("sets, message", [
    (["kagent.modelConfig.provider=AzureOpenAI"], "/kagent/modelConfig/azureOpenAI/azureEndpoint"),
    (["kagent.modelConfig.provider=AzureOpenAI", "kagent.modelConfig.azureOpenAI.azureEndpoint=https://a"], "/kagent/modelConfig/azureOpenAI/apiVersion"),
    (["kagent.modelConfig.provider=Ollama"], "/kagent/modelConfig/ollama/host"),
    (["kagent.modelConfig.provider=Bedrock"], "/kagent/modelConfig/provider"),
    (["kagent.runtime=java"], "/kagent/runtime"),
])
def test_kagent_schema_refuses_a_provider_without_its_block(sets, message):
    err = render_error(sets=["kagent.enabled=true"] + sets, api_versions=KAGENT_APIS)
    assert message in err, err


def test_kagent_read_only_tools_need_no_approval_and_scale_does():
    agent = render("values-prod.yaml", sets=["kagent.enabled=true", "existingSecret=s"], api_versions=KAGENT_APIS).get("Agent")
    server = agent["spec"]["declarative"]["tools"][0]["mcpServer"]
    assert all(t.startswith("k8s_get_") or t in ("k8s_describe_resource", "k8s_scale") for t in server["toolNames"]), server
    assert server["requireApproval"] == ["k8s_scale"]


def test_kagent_any_mutating_tool_is_listed_under_require_approval():
    # kagent v0.9.12's CRD: every requireApproval entry must also be in toolNames (a CEL rule).
    agent = render("values-prod.yaml", sets=["kagent.enabled=true", "existingSecret=s",
                                             "kagent.toolNames={k8s_get_resources,k8s_patch_resource,k8s_delete_resource,k8s_get_pod_logs}"],
                   api_versions=KAGENT_APIS).get("Agent")
    server = agent["spec"]["declarative"]["tools"][0]["mcpServer"]
    assert server["requireApproval"] == ["k8s_patch_resource", "k8s_delete_resource"]
    assert set(server["requireApproval"]) <= set(server["toolNames"])


# --- NetworkPolicies: the allowed flows, evaluated -----------------------------------------

def _selects(selector, pod_labels):
    for k, v in (selector.get("matchLabels") or {}).items():
        if pod_labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        val, op = pod_labels.get(expr["key"]), expr["operator"]
        if op == "In" and val not in expr["values"]:
            return False
        if op == "NotIn" and val in expr["values"]:
            return False
        if op == "Exists" and val is None:
            return False
        if op == "DoesNotExist" and val is not None:
            return False
    return True


def _peer_matches(peer, other):
    if "ipBlock" in peer:
        if "ip" in other:  # an address outside the cluster's pods: in the block and not excepted
            import ipaddress
            ip = ipaddress.ip_address(other["ip"])
            block = peer["ipBlock"]
            return ip in ipaddress.ip_network(block["cidr"]) and \
                not any(ip in ipaddress.ip_network(e) for e in block.get("except", []))
        return other.get("external", False)
    if "namespaceSelector" in peer:
        return _selects(peer["namespaceSelector"], other.get("ns_labels", {})) and \
            _selects(peer.get("podSelector", {}), other["labels"])
    return other.get("ns_labels", {}).get("kubernetes.io/metadata.name") == NAMESPACE and \
        _selects(peer["podSelector"], other["labels"])


def _allowed(policies, direction, pod, other, port, proto="TCP"):
    """Is traffic of `pod` in `direction` (ingress/egress) with `other` on port allowed?"""
    key = "ingress" if direction == "ingress" else "egress"
    peer_key = "from" if direction == "ingress" else "to"
    applying = [p for p in policies if _selects(p["spec"]["podSelector"], pod["labels"])
                and key.capitalize() in p["spec"]["policyTypes"]]
    if not applying:
        return True
    for p in applying:
        for rule in p["spec"].get(key) or []:
            ports = rule.get("ports")
            if ports and not any(pt["port"] == port and pt.get("protocol", "TCP") == proto for pt in ports):
                continue
            peers = rule.get(peer_key)
            if not peers or any(_peer_matches(peer, other) for peer in peers):
                return True
    return False


def flow(policies, src, dst, port, proto="TCP"):
    return _allowed(policies, "egress", src, dst, port, proto) and _allowed(policies, "ingress", dst, src, port, proto)


def _pod(objs, component):
    return {"labels": {"app.kubernetes.io/name": "taskora", "app.kubernetes.io/instance": RELEASE,
                       "app.kubernetes.io/component": component},
            "ns_labels": {"kubernetes.io/metadata.name": NAMESPACE}}


def test_network_policies_allow_only_the_apps_flows(prod):
    nps = prod.kind("NetworkPolicy")
    deny = prod.get("NetworkPolicy", name=f"{RELEASE}-taskora-default-deny")
    assert deny["spec"]["policyTypes"] == ["Ingress", "Egress"] and "ingress" not in deny["spec"] and "egress" not in deny["spec"]
    p = {c: _pod(prod, c) for c in ("frontend", "backend", "mcp-server", "postgresql", "migrations", "helm-test")}
    outside = {"labels": {"app": "ingress-nginx"}, "ns_labels": {"kubernetes.io/metadata.name": "ingress-nginx"}}
    internet = {"labels": {}, "external": True}
    dns = {"labels": {"k8s-app": "kube-dns"}, "ns_labels": {"kubernetes.io/metadata.name": "kube-system"}}
    allowed = [
        (outside, p["frontend"], 3000), (p["frontend"], p["backend"], 8000), (p["backend"], p["mcp-server"], 8001),
        (p["backend"], p["postgresql"], 5432), (p["mcp-server"], p["postgresql"], 5432),
        (p["migrations"], p["postgresql"], 5432), (p["helm-test"], p["frontend"], 3000),
        (p["helm-test"], p["backend"], 8000), (p["helm-test"], p["mcp-server"], 8001),
    ]
    denied = [
        (p["frontend"], p["mcp-server"], 8001), (p["frontend"], p["postgresql"], 5432),
        (outside, p["backend"], 8000), (outside, p["mcp-server"], 8001), (outside, p["postgresql"], 5432),
        (p["mcp-server"], p["backend"], 8000), (p["postgresql"], p["backend"], 8000),
        (p["backend"], internet, 443), (p["mcp-server"], internet, 443), (p["frontend"], internet, 443),
        (p["postgresql"], internet, 443), (p["helm-test"], p["postgresql"], 5432), (p["backend"], p["mcp-server"], 5432),
    ]
    for src, dst, port in allowed:
        assert flow(nps, src, dst, port), f"{src['labels']} -> {dst['labels']}:{port} should be allowed"
    for src, dst, port in denied:
        assert not flow(nps, src, dst, port), f"{src['labels']} -> {dst['labels']}:{port} should be denied"
    for comp in ("frontend", "backend", "mcp-server", "migrations", "helm-test"):
        assert flow(nps, p[comp], dns, 53, "UDP") and flow(nps, p[comp], dns, 53, "TCP"), comp
    assert not flow(nps, p["postgresql"], dns, 53, "UDP")


def test_network_policy_llm_egress_only_with_the_openai_agent():
    objs = render("values-prod.yaml", sets=["llm.agentBackend=openai"])
    nps = objs.kind("NetworkPolicy")
    internet = {"labels": {}, "external": True}
    assert flow(nps, _pod(objs, "backend"), internet, 443)
    assert not flow(nps, _pod(objs, "mcp-server"), internet, 443)


def test_network_policy_external_database():
    objs = render("values-prod.yaml", sets=["postgresql.enabled=false", "externalDatabase.existingSecret=neon"])
    nps = objs.kind("NetworkPolicy")
    db = {"labels": {}, "external": True}
    for comp in ("backend", "mcp-server", "migrations"):
        assert flow(nps, _pod(objs, comp), db, 5432), comp
    assert not flow(nps, _pod(objs, "frontend"), db, 5432)


# --- helm tests ----------------------------------------------------------------------------

def test_helm_test_pods_check_behaviour(prod):
    tests = {o["metadata"]["name"].rsplit("-test-", 1)[1]: o for o in prod.kind("Pod")}
    assert set(tests) == {"backend-ready", "task-roundtrip", "frontend-login", "mcp-tools"}
    for name, pod in tests.items():
        assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
        assert labels(pod)["app.kubernetes.io/component"] == "helm-test"
        c = containers(pod)[0]
        assert c["command"][:2] == ["python", "-c"]
        compile(c["command"][2], name, "exec")  # the embedded script is valid Python
        # files/tests/wait_for_services.py runs first: a new pod's first connections may be refused
        assert c["command"][2].index("_wait_for_services(float(") < c["command"][2].index("# helm test:"), name
    script = lambda n: containers(tests[n])[0]["command"][2]
    assert "/readyz" in script("backend-ready")
    assert "/api/auth/signup" in script("task-roundtrip") and "PATCH" in script("task-roundtrip")
    assert "/login" in script("frontend-login")
    assert "tools/list" in script("mcp-tools")
    mcp_env = env_of(containers(tests["mcp-tools"])[0])
    assert mcp_env["MCP_SERVICE_TOKEN"]["valueFrom"]["secretKeyRef"]["key"] == "mcp-service-token"
    assert not render("values-prod.yaml", sets=["tests.enabled=false"]).kind("Pod")


def test_names_with_the_deploy_release_name():
    # deploy installs release "taskora": objects are then taskora-<component>, not taskora-taskora-*.
    proc = subprocess.run([HELM, "template", "taskora", str(CHART), "--namespace", NAMESPACE, "--kube-version",
                           K8S_VERSION, "-f", str(CHART / "values-dev.yaml")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    objs = Objects(d for d in yaml.safe_load_all(proc.stdout) if d)
    assert objs.get("Service", "frontend")["metadata"]["name"] == "taskora-frontend"
    assert objs.get("ConfigMap", "frontend")["data"]["BACKEND_URL"] == "http://taskora-backend:8000"
    assert objs.get("Secret")["metadata"]["name"] == "taskora"
    assert all(len(o["metadata"]["name"]) <= 63 for o in objs)


# --- the values schema -------------------------------------------------------------------

@pytest.mark.parametrize("sets, message", [
    (["frontend.replicas=3"], "additional properties 'replicas' not allowed"),
    (["replicaCount=2"], "additional properties 'replicaCount' not allowed"),
    (["backend.image.pullPolicy=Sometimes"], "value must be one of 'Always', 'IfNotPresent', 'Never'"),
    (["mcpServer.image.pullpolicy=Always"], "additional properties 'pullpolicy' not allowed"),
    (["frontend.service.type=Nodeport"], "value must be one of 'ClusterIP', 'NodePort', 'LoadBalancer'"),
    (["appEnv=prod"], "value must be one of 'development', 'production'"),
    (["llm.agentBackend=gpt"], "value must be one of 'offline', 'openai'"),
    (["backend.livenessProbe.periodSecond=5"], "additional properties 'periodSecond' not allowed"),
    (["postgresql.persistence.sise=1Gi"], "additional properties 'sise' not allowed"),
    (["frontend.resources.limits.memroy=1Gi"], "additional properties 'memroy' not allowed"),
    (["frontend.replicaCount=-1"], "minimum"),
    (["frontend.service.nodePort=80"], "/frontend/service/nodePort"),
    (["postgresql.containerPort=70000"], "maximum"),
    (["frontend.image.digest=sha256:abc"], "/frontend/image/digest"),
    (["podSecurityContext.runAsUser=0"], "minimum"),
])
def test_the_schema_refuses_typos_and_bad_values(sets, message):
    err = render_error("values-prod.yaml", sets=sets)
    assert "values don't meet the specifications of the schema" in err and message in err, err
    # helm lint refuses them too, before anything is installed
    cmd = [HELM, "lint", "--strict", str(CHART), "-f", str(CHART / "values-prod.yaml")]
    for s in sets:
        cmd += ["--set", s]
    lint = subprocess.run(cmd, capture_output=True, text=True)
    assert lint.returncode != 0 and message in lint.stdout + lint.stderr, lint.stdout


def test_the_schema_accepts_what_the_docs_show(tmp_path):
    values = tmp_path / "ok.yaml"
    values.write_text(yaml.safe_dump({
        "commonLabels": {"team": "todo"},
        "frontend": {"service": {"type": "NodePort", "nodePort": 30080}, "podLabels": {"tier": "web"},
                     "resources": {"limits": {"cpu": 2}}},
        "backend": {"image": {"digest": "sha256:" + "a" * 64, "pullPolicy": "Always"}},
        "llm": {"agentBackend": "openai", "baseUrl": "http://10.0.0.5:11434/v1"},
        "ingress": {"annotations": {"nginx.ingress.kubernetes.io/proxy-body-size": "1m"}},
        "postgresql": {"affinity": {"nodeAffinity": {}}},
    }))
    helm_template("values-prod.yaml", str(values))


def test_every_object_of_the_schema_is_closed_or_declared_open():
    schema = json.loads((CHART / "values.schema.json").read_text())
    rules = yaml.safe_load((ROOT / "tests/chart/schema-rules.yaml").read_text())

    def objects(node, path=""):
        if node.get("type") == "object":
            yield path, node
        for k, child in (node.get("properties") or {}).items():
            yield from objects(child, f"{path}.{k}" if path else k)

    found = list(objects(schema))
    assert len(found) > 50
    for path, node in found:
        if node.get("additionalProperties") is False:
            continue
        assert path in rules["extra"] or any(fnmatch.fnmatchcase(path, pat) for pat in rules["open"]), \
            f"{path} is neither closed nor listed as open"


# --- pod templates stay the same across chart-only releases --------------------------------

CHART_VERSION_LABELS = ("helm.sh/chart", "app.kubernetes.io/version")
TEMPLATE_KINDS = ("Deployment", "StatefulSet", "Job")


def test_pod_templates_and_selectors_carry_no_chart_version(prod, dev):
    for objs in (prod, dev):
        for o in objs.kind("Deployment") + objs.kind("StatefulSet") + objs.kind("Job") + objs.kind("Pod"):
            meta = o["metadata"] if o["kind"] == "Pod" else o["spec"]["template"]["metadata"]
            for label in CHART_VERSION_LABELS:
                assert label not in meta["labels"], f"{o['metadata']['name']}: pod labels carry {label}"
            selector = (o["spec"].get("selector") or {}).get("matchLabels") or {}
            assert not set(selector) & set(CHART_VERSION_LABELS), o["metadata"]["name"]
            spread = pod_spec(o).get("topologySpreadConstraints") or []
            for c in spread:
                assert not set(c["labelSelector"]["matchLabels"]) & set(CHART_VERSION_LABELS)
        # the objects themselves keep them (for people and tools that read the release)
        assert labels(objs.get("StatefulSet", "postgresql"))["helm.sh/chart"].startswith("taskora-")


def test_a_chart_version_only_release_leaves_every_pod_template_unchanged(tmp_path):
    copy = tmp_path / "taskora"
    shutil.copytree(CHART, copy)
    chart_yaml = copy / "Chart.yaml"
    text = chart_yaml.read_text()
    old = yaml.safe_load(text)["version"]
    chart_yaml.write_text(text.replace(f"version: {old}", f"version: {old}-next.1", 1))
    sets = ["existingSecret=taskora-secrets"]  # as deploy installs (a generated Secret is random per render)

    def templates(chart):
        cmd = [HELM, "template", RELEASE, str(chart), "--namespace", NAMESPACE, "--kube-version", K8S_VERSION,
               "-f", str(chart / "values-prod.yaml"), "--set", sets[0]]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        objs = [d for d in yaml.safe_load_all(proc.stdout) if d]
        return {(o["kind"], o["metadata"]["name"]): o["spec"]["template"] for o in objs if o["kind"] in TEMPLATE_KINDS}, objs

    before, objs_before = templates(CHART)
    after, objs_after = templates(copy)
    assert {k for k, _ in before} >= {"Deployment", "StatefulSet", "Job"}
    assert before == after
    # the release did change: the objects' own labels name the new chart version
    sts = lambda objs: next(o for o in objs if o["kind"] == "StatefulSet")
    assert labels(sts(objs_after))["helm.sh/chart"] == f"taskora-{old}-next.1" != labels(sts(objs_before))["helm.sh/chart"]


# --- pod metadata, placement, volumes ------------------------------------------------------

COMPONENT_KEYS = {"frontend": "frontend", "backend": "backend", "mcp-server": "mcpServer", "postgresql": "postgresql"}


def _workload(objs, comp):
    return objs.get("StatefulSet" if comp == "postgresql" else "Deployment", comp)


def test_pod_annotations_and_labels_from_values():
    sets = []
    for comp, key in COMPONENT_KEYS.items():
        sets += [f"{key}.podAnnotations.example\\.com/owner={comp}-team", f"{key}.podLabels.tier={comp}",
                 f"{key}.podLabels.app\\.kubernetes\\.io/component=hijacked"]
    objs = render("values-prod.yaml", sets=sets)
    for comp in COMPONENT_KEYS:
        w = _workload(objs, comp)
        meta = w["spec"]["template"]["metadata"]
        assert meta["annotations"]["example.com/owner"] == f"{comp}-team"
        assert meta["labels"]["tier"] == comp
        # a pod label never overrides a selector label: the Service and the PDB still find the pods
        assert meta["labels"]["app.kubernetes.io/component"] == comp
        assert _selects(w["spec"]["selector"], meta["labels"])


def test_topology_spread_on_in_prod_only(prod, dev):
    for comp in ("frontend", "backend", "mcp-server"):
        dep = prod.get("Deployment", comp)
        spread = pod_spec(dep)["topologySpreadConstraints"]
        assert {c["topologyKey"] for c in spread} == {"kubernetes.io/hostname", "topology.kubernetes.io/zone"}
        for c in spread:
            # it counts this component's pods only, and never blocks scheduling on a one-node cluster
            assert c["labelSelector"]["matchLabels"] == dep["spec"]["selector"]["matchLabels"]
            assert c["maxSkew"] == 1 and c["whenUnsatisfiable"] == "ScheduleAnyway"
        assert "topologySpreadConstraints" not in pod_spec(dev.get("Deployment", comp))
    mine = {"maxSkew": 2, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"x": "y"}}}
    objs = render("values-dev.yaml", sets=[f"backend.topologySpreadConstraints[0].{k}={v}" for k, v in mine.items() if k != "labelSelector"]
                  + ["backend.topologySpreadConstraints[0].labelSelector.matchLabels.x=y"])
    assert pod_spec(objs.get("Deployment", "backend"))["topologySpreadConstraints"] == [mine]


def test_extra_volumes_and_mounts_per_component(tmp_path):
    values = {key: {"extraVolumes": [{"name": "extra", "configMap": {"name": f"{comp}-extra"}}],
                    "extraVolumeMounts": [{"name": "extra", "mountPath": "/etc/extra", "readOnly": True}]}
              for comp, key in COMPONENT_KEYS.items()}
    f = tmp_path / "extra.yaml"
    f.write_text(yaml.safe_dump(values))
    objs = render("values-prod.yaml", str(f))
    for comp in COMPONENT_KEYS:
        w = _workload(objs, comp)
        vols = {v["name"]: v for v in pod_spec(w)["volumes"]}
        assert vols["extra"]["configMap"]["name"] == f"{comp}-extra"
        assert "tmp" in vols  # the chart's own volumes stay
        mounts = {m["mountPath"]: m for m in containers(w, init=False)[0]["volumeMounts"]}
        assert mounts["/etc/extra"]["name"] == "extra" and "/tmp" in mounts


COMBOS = [("values.yaml", []), ("values-dev.yaml", []), ("values-prod.yaml", []),
          ("values-prod.yaml", ["frontend.autoscaling.enabled=true", "backend.autoscaling.enabled=true"]),
          ("values-prod.yaml", ["postgresql.enabled=false", "externalDatabase.existingSecret=neon"])]


@pytest.mark.parametrize("values, sets", COMBOS)
def test_ephemeral_storage_bounded_on_every_container_and_emptydir(values, sets):
    objs = render(values, sets=sets)
    for o in workloads(objs):
        for c in containers(o):
            for kind in ("requests", "limits"):
                assert "ephemeral-storage" in c["resources"][kind], f"{o['metadata']['name']}/{c['name']}: no ephemeral-storage {kind}"
        for v in pod_spec(o).get("volumes", []):
            if "emptyDir" in v:
                assert v["emptyDir"].get("sizeLimit"), f"{o['metadata']['name']}: emptyDir {v['name']} has no sizeLimit"


# --- egress ports from values ---------------------------------------------------------------

def test_database_port_from_values():
    objs = render("values-prod.yaml", sets=["postgresql.containerPort=6543"])
    nps = objs.kind("NetworkPolicy")
    p = {c: _pod(objs, c) for c in ("backend", "mcp-server", "migrations", "postgresql")}
    for comp in ("backend", "mcp-server", "migrations"):
        assert flow(nps, p[comp], p["postgresql"], 6543), comp
        assert not flow(nps, p[comp], p["postgresql"], 5432), comp
    pg = containers(objs.get("StatefulSet", "postgresql"))[0]
    assert pg["ports"][0]["containerPort"] == 6543 and env_of(pg)["PGPORT"]["value"] == "6543"
    assert pg["readinessProbe"]["exec"]["command"][3:5] == ["-p", "6543"]


@pytest.mark.parametrize("sets, port", [
    (["llm.baseUrl=http://10.0.0.5:11434/v1"], 11434),   # a local OpenAI-compatible model server
    (["llm.baseUrl=https://llm.example.com/v1"], 443),
    (["llm.baseUrl=http://llm.internal/v1"], 80),
    (["llm.baseUrl=https://llm.example.com:8443/v1", "networkPolicy.llmEgressPort=9443"], 9443),
])
def test_llm_egress_port_from_the_base_url(sets, port):
    objs = render("values-prod.yaml", sets=["llm.agentBackend=openai"] + sets)
    nps = objs.kind("NetworkPolicy")
    internet = {"labels": {}, "external": True}
    assert flow(nps, _pod(objs, "backend"), internet, port)
    assert not flow(nps, _pod(objs, "backend"), internet, 443 if port != 443 else 80)
    assert not flow(nps, _pod(objs, "mcp-server"), internet, port)


def test_every_app_server_drains_within_its_grace_period():
    """Each app server gets SHUTDOWN_DRAIN_SECONDS and a grace period that covers the drain plus
    25 s for the requests in flight (the frontend drains like the backend and MCP server)."""
    objs = render("values-prod.yaml", sets=["shutdownDrainSeconds=8"])
    for comp in ("frontend", "backend", "mcp-server"):
        assert objs.get("ConfigMap", comp)["data"]["SHUTDOWN_DRAIN_SECONDS"] == "8"
        assert pod_spec(objs.get("Deployment", comp))["terminationGracePeriodSeconds"] == 33


# --- issue 26: the reference app hardened ------------------------------------------------

@pytest.mark.parametrize("ip, reachable", [
    ("8.8.8.8", True), ("203.0.113.9", True),
    ("10.96.0.1", False),      # the API server's usual ClusterIP
    ("172.18.0.2", False), ("192.168.1.10", False), ("100.64.0.1", False),
    ("169.254.169.254", False),  # a cloud's instance metadata
])
def test_egress_to_anywhere_leaves_out_private_ranges_and_the_api_server(ip, reachable):
    sets = ["llm.agentBackend=openai", "postgresql.enabled=false", "externalDatabase.existingSecret=neon"]
    objs = render("values-prod.yaml", sets=sets)
    nps = objs.kind("NetworkPolicy")
    dst = {"labels": {}, "ip": ip}
    assert flow(nps, _pod(objs, "backend"), dst, 443) == reachable  # the LLM
    for comp in ("backend", "mcp-server", "migrations"):
        assert flow(nps, _pod(objs, comp), dst, 5432) == reachable, comp  # the database
    # opted in (a model server or database in the cluster or on the LAN): everything on those ports
    objs = render("values-prod.yaml", sets=sets + ["networkPolicy.privateEgress=true"])
    nps = objs.kind("NetworkPolicy")
    assert flow(nps, _pod(objs, "backend"), dst, 443) and flow(nps, _pod(objs, "mcp-server"), dst, 5432)
    # a narrower range is taken as given
    objs = render("values-prod.yaml", sets=sets + ["externalDatabase.egressCIDR=192.168.1.0/24"])
    nps = objs.kind("NetworkPolicy")
    assert flow(nps, _pod(objs, "backend"), {"labels": {}, "ip": "192.168.1.10"}, 5432)
    assert not flow(nps, _pod(objs, "backend"), {"labels": {}, "ip": "8.8.8.8"}, 5432)


def test_prod_tls_without_a_certificate_fails_saying_how_to_get_one():
    err = render_error("values-prod.yaml", sets=["ingress.host=todo.example.com"])
    assert "ingress.tls.secretName" in err and "cert-manager" in err and "kubectl create secret tls" in err, err
    assert "ingress.tls.controllerDefaultCertificate=true" in err and "todo.example.com" in err, err
    for extra in (["ingress.tls.secretName=todo-tls"], ["ingress.tls.controllerDefaultCertificate=true"],
                  ["ingress.tls.enabled=false"], ["appEnv=development"]):
        ing = render("values-prod.yaml", sets=["ingress.host=todo.example.com"] + extra).get("Ingress")
        assert ing["spec"]["rules"][0]["host"] == "todo.example.com"
    ing = render("values-prod.yaml", sets=["ingress.host=todo.example.com", "ingress.tls.secretName=todo-tls"]).get("Ingress")
    assert ing["spec"]["tls"] == [{"hosts": ["todo.example.com"], "secretName": "todo-tls"}]
    # local names can have no public certificate: the controller's default one is the expected choice
    for host in ("taskora.local", "app.localhost", "todo.test"):
        assert render("values-prod.yaml", sets=[f"ingress.host={host}"]).get("Ingress")


def test_prod_ingress_rate_limits_per_client_address(prod):
    annotations = prod.get("Ingress", "frontend")["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/limit-rps"] == "20"
    assert annotations["nginx.ingress.kubernetes.io/limit-burst-multiplier"] == "5"


def test_login_limits_from_values_and_the_bff_token_from_the_secret(prod):
    data = prod.get("ConfigMap", "backend")["data"]
    assert {k: data[k] for k in data if k.startswith("AUTH_")} == {
        "AUTH_ACCOUNT_MAX_FAILURES": "10", "AUTH_ADDRESS_MAX_FAILURES": "100", "AUTH_FAILURE_WINDOW_SECONDS": "60",
        "AUTH_HASH_CONCURRENCY": "2", "AUTH_HASH_QUEUE": "64", "AUTH_HASH_WAIT_SECONDS": "10"}
    objs = render("values-prod.yaml", sets=["backend.auth.addressMaxFailures=500", "backend.auth.hashConcurrency=4"])
    data = objs.get("ConfigMap", "backend")["data"]
    assert data["AUTH_ADDRESS_MAX_FAILURES"] == "500" and data["AUTH_HASH_CONCURRENCY"] == "4"
    fe = prod.get("Deployment", "frontend")
    token = env_of(containers(fe)[0])["BACKEND_SERVICE_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert token == {"name": f"{RELEASE}-taskora", "key": "mcp-service-token"}
    assert "checksum/secret" in fe["spec"]["template"]["metadata"]["annotations"]
    objs = render("values-prod.yaml", sets=["existingSecret=mine"])
    token = env_of(containers(objs.get("Deployment", "frontend"))[0])["BACKEND_SERVICE_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert token == {"name": "mine", "key": "mcp-service-token"}
    # extraEnv still comes after it
    objs = render("values-prod.yaml", sets=["frontend.extraEnv[0].name=X", "frontend.extraEnv[0].value=y"])
    names = [e["name"] for e in containers(objs.get("Deployment", "frontend"))[0]["env"]]
    assert names == ["BACKEND_SERVICE_TOKEN", "X"]
