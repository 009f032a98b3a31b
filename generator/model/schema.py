"""JSON Schemas of the plan files, so editors complete and check the YAML."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from generator.model.awards import Awards, Nominations
from generator.model.plan import Ledger, Organisation, PlanText
from generator.write.atomic import write_bytes_atomic

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


def write_schemas(folder: Path) -> list[Path]:
    written = []
    for name, model in SCHEMAS.items():
        path = folder / name
        write_bytes_atomic(path, schema_text(model).encode("utf-8"))
        written.append(path)
    return written
