"""Summarise tradestd JSON reports: files flagged, error findings per file, findings per rule.

Used for the uk-cds precision figures in docs/rules.md::

    tradestd validate --no-config --format json --rules wco --rules declaration \\
        --xsd .../DocumentMetaData_2_DMS.xsd --xsd .../WCO_DEC_2_DMS.xsd FILES... > dec.json
    python scripts/findings_summary.py dec.json
    python scripts/findings_summary.py --rules-only dec.json   # rule findings only

``--rules-only`` counts only findings of rules (issues with a ``rule_id``), so messages of
another schema version, whose XSD errors are not the rules' business, still give the
share of declarations a rule pack flags.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def main(args: list[str]) -> int:
    rules_only = "--rules-only" in args
    paths = [a for a in args if a != "--rules-only"]
    files = flagged = 0
    by_rule: Counter[tuple[str, str]] = Counter()
    for path in paths:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
        for result in report["results"]:
            files += 1
            issues = [i for i in result["issues"] if i.get("rule_id") or not rules_only]
            errors = [i for i in issues if i["severity"] == "error"]
            flagged += bool(errors)
            for issue in issues:
                if issue["severity"] in ("error", "warning"):
                    by_rule[(issue["severity"], issue["code"])] += 1
    errors = sum(n for (severity, _), n in by_rule.items() if severity == "error")
    print(f"files {files}, with an error {flagged}, error findings {errors} "
          f"({errors / max(files, 1):.2f} per file)")
    for (severity, code), count in sorted(by_rule.items(), key=lambda kv: (kv[0][0], -kv[1])):
        print(f"  {severity:7} {code:16} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
