"""Print the Markdown table of every bundled rule (pasted into docs/rules.md).

    PYTHONPATH=src python scripts/rules_table.py > /tmp/table.md
"""

from __future__ import annotations

from tradestd.rules import bundled_packs


def main() -> None:
    for pack in bundled_packs():
        ref = pack.ref
        print(f"### `{ref.id}` {ref.version} (effective {ref.effective_from}): {pack.title}\n")
        print("| Rule | Severity | Title | Scope |")
        print("|---|---|---|---|")
        for r in pack.rules:
            print(f"| `{r.id}` | {r.severity.value} | {r.title} | {r.scope.describe()} |")
        print()


if __name__ == "__main__":
    main()
