#!/usr/bin/env python3
"""Print "VALID TOTAL" from a Frama-C WP JSON report (-wp-report-json).

proofs/run.sh compares these with the goal lines of the log and with its
"Proved goals" line: three independent counts of one run must agree, or the
gate fails (a status the log parser does not know cannot hide a goal)."""
import json
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    report = json.load(f)
main = report.get("wp:global", {}).get("wp:main", {})
print(main.get("valid", 0), main.get("total", 0))
