"""Makes the values.schema.json that readme-generator-for-helm wrote strict, by the rules in
tests/chart/schema-rules.yaml: every object closed unless listed as open, plus enums, ranges and
patterns on single values. Run by tests/chart/run (--update-docs and the staleness check).

    python strict_schema.py SCHEMA.json RULES.yaml    rewrites SCHEMA.json in place
"""
import fnmatch
import json
import sys

import yaml


def walk(node, path=""):
    """Yields (dotted path, schema node) for every value under node, depth first."""
    for key, child in (node.get("properties") or {}).items():
        p = f"{path}.{key}" if path else key
        yield p, child
        yield from walk(child, p)


def matching(pattern, paths):
    return [p for p in paths if fnmatch.fnmatchcase(p, pattern)]


def main(schema_path, rules_path):
    with open(schema_path) as f:
        schema = json.load(f)
    with open(rules_path) as f:
        rules = yaml.safe_load(f)
    nodes = dict(walk(schema))
    errors = []

    open_paths = {}
    for pattern, extra in (rules.get("open") or {}).items():
        found = [p for p in matching(pattern, nodes) if nodes[p].get("type") == "object"]
        if not found:
            errors.append(f"open: '{pattern}' matches no object of values.yaml")
        for p in found:
            open_paths[p] = extra or {}

    for path, node in [("", schema)] + list(nodes.items()):
        if node.get("type") != "object":
            continue
        if path in open_paths:
            node.update(open_paths[path])
        elif node.get("properties"):
            node["additionalProperties"] = False
        else:
            errors.append(f"'{path}' is an object with no declared keys: list it under `open` in {rules_path}"
                          " (with the schema of its values) or declare its keys in values.yaml")

    for pattern, extra in (rules.get("values") or {}).items():
        found = matching(pattern, nodes)
        if not found:
            errors.append(f"values: '{pattern}' matches no value of values.yaml")
        for p in found:
            nodes[p].update(extra)

    for key, node in (rules.get("extra") or {}).items():
        if key in schema["properties"]:
            errors.append(f"extra: '{key}' is already a value of values.yaml")
        schema["properties"][key] = node

    if errors:
        for e in errors:
            print(f"strict_schema.py: {e}", file=sys.stderr)
        return 1
    with open(schema_path, "w") as f:
        json.dump(schema, f, indent=4)
        f.write("\n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
