"""Record the shape of plan.json (every key path with its value type, over the mini
fixture plan, the bundled plan and tests/fixtures/no-parts, a plan in other conventions) in schema/plan.shape.json, for the current
SCHEMA_VERSION. Run it on purpose, after bumping the version for a change of shape
(docs/json.md, versioning policy): `make contract-shape`. Golden-file updates
(PLANDOC_UPDATE_GOLDEN=1) never rewrite this record."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plandoc.pipeline import compile_plan  # noqa: E402
from plandoc.export.plan_json import SCHEMA_VERSION, shape, to_dict  # noqa: E402

PLANS = [ROOT / "tests" / "fixtures" / "mini", ROOT / "plan", ROOT / "tests" / "fixtures" / "no-parts"]


def main() -> int:
    paths: set[str] = set()
    for plan_dir in PLANS:
        compiled = compile_plan(plan_dir)
        if compiled.plan is None:
            print(f"{plan_dir}: does not compile", file=sys.stderr)
            return 1
        paths |= shape(to_dict(compiled.plan))
    record = ROOT / "schema" / "plan.shape.json"
    record.write_text(json.dumps({"schema_version": SCHEMA_VERSION, "paths": sorted(paths)},
                                 ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{record.relative_to(ROOT)}: {len(paths)} paths, version {SCHEMA_VERSION}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
