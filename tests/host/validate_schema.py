#!/usr/bin/python3
"""validate_schema.py FILE...: each FILE (a JSON array of incidents, as `hungtaskd report
--json` prints it) against docs/incident.schema.json.  Prints the first errors of each
file that does not validate; exit 0 only when every file validates."""
import json
import os
import sys

import jsonschema

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(top, "docs", "incident.schema.json")) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

bad = 0
for path in sys.argv[1:]:
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{path}: {e}")
        bad += 1
        continue
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors[:3]:
        where = "/".join(str(p) for p in e.absolute_path)
        print(f"{path}: /{where}: {e.message[:200]}")
    bad += bool(errors)
sys.exit(1 if bad else 0)
