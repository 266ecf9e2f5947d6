"""Lays out the Kubernetes JSON schemas for kubeconform, offline.

The schemas come from the pinned kubernetes-validate package (requirements.txt), which ships
the OpenAPI of each Kubernetes release converted to JSON schema. They refer to their shared
definitions by "/api/_definitions.json" relative to an https $id; kubeconform resolves
references relative to the schema file, so they are copied without the $id and with the
reference made relative, into
  OUT/v<version>-standalone-strict/<kind>-<group>-<version>.json
which is kubeconform's own naming ({{ .ResourceKind }}{{ .KindSuffix }}).

  python k8s_schemas.py 1.33.0 OUT_DIR
"""
import json
import os
import pathlib
import sys

import kubernetes_validate


def main(version: str, out: str) -> int:
    src = pathlib.Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / f"v{version}-local-strict"
    if not src.is_dir():
        print(f"k8s_schemas: kubernetes-validate has no schemas for Kubernetes {version} ({src})", file=sys.stderr)
        return 1
    dst = pathlib.Path(out) / f"v{version}-standalone-strict"
    stamp = dst / ".complete"
    if stamp.exists():
        return 0
    dst.mkdir(parents=True, exist_ok=True)
    count = 0
    for f in src.glob("*.json"):
        schema = json.loads(f.read_text())
        # Without the $id (https://kubernetes.io/api/...), references resolve relative to the file.
        schema.pop("$id", None)
        text = json.dumps(schema).replace('"/api/_definitions.json#', '"_definitions.json#')
        (dst / f.name).write_text(text)
        count += 1
    stamp.write_text(f"{count} schemas\n")
    print(f"k8s_schemas: {count} schemas for Kubernetes {version} in {dst}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: k8s_schemas.py K8S_VERSION OUT_DIR   (for example 1.33.0 ~/.cache/taskora/k8s-schemas)", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], os.path.expanduser(sys.argv[2])))
