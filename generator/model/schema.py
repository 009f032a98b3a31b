"""JSON Schemas of the plan files, so editors complete and check the YAML.

The model only says what the schemas are; ``generator.pipeline.plan_files.write_schemas``
writes them.
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from generator.model.awards import Awards, Nominations
from generator.model.plan import Ledger, Organisation, PlanText

SCHEMAS: dict[str, type[BaseModel]] = {
    "plan.schema.json": PlanText,
    "units.schema.json": Organisation,
    "ledger.schema.json": Ledger,
    "awards.schema.json": Awards,
    "nominations.schema.json": Nominations,
}


def schema_text(model: type[BaseModel]) -> str:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def schema_texts() -> dict[str, str]:
    """File name -> JSON Schema text of each plan file (``plandocs schema`` writes them)."""
    return {name: schema_text(model) for name, model in SCHEMAS.items()}
