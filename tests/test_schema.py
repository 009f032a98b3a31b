"""The JSON Schemas in data/schema/ are generated from the model and stay in step with it."""

from __future__ import annotations

import json

from generator.model.schema import SCHEMAS, schema_text
from tests.helpers import EXAMPLE, ROOT


def test_committed_schemas_match_the_model() -> None:
    for name, model in SCHEMAS.items():
        committed = (ROOT / "data" / "schema" / name).read_text(encoding="utf-8")
        assert committed == schema_text(model), f"{name} is stale: run `make schema`"


def test_schema_forbids_unknown_keys_and_yaml_files_reference_it() -> None:
    plan = json.loads((ROOT / "data" / "schema" / "plan.schema.json").read_text("utf-8"))
    assert plan["additionalProperties"] is False
    assert "title" in plan["required"]
    for name in ("plan", "units", "ledger", "awards", "nominations"):
        first = (EXAMPLE / f"{name}.yaml").read_text("utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schema/{name}.schema.json"
