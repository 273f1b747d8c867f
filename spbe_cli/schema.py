"""JSON Schema of every kind of catalog document, generated from the pydantic models.

Editors (VS Code's YAML extension and anything else built on ``yaml-language-server``) use these
files to complete field names, show the Indonesian field docstrings as descriptions, and flag
mistakes while people type. The schemas follow what ``spbe validate`` accepts:

* The loader keeps every plain scalar as text and the models read it strictly, so ``nomor: 12``
  is valid for a text field and ``tahun: "2026"`` for a year. An editor reads those scalars as
  YAML 1.2 core values (a number, a boolean), so free-text fields also accept numbers and
  booleans, and number and boolean fields also accept their textual forms (digits for a whole
  number, digits with a point for a decimal, ``true``/``false`` for a boolean). Codes and ids
  keep ``type: string`` with their pattern: an unquoted ``94.04`` is a number to an editor, and
  the schema asks to quote it.
* Dates are ``YYYY-MM-DD`` only; the keys of per-year mappings (``target``) are years.
* Rules the models enforce in Python are repeated where JSON Schema can say them (a regulation in
  force needs a number and a year; a decimal has at most 15 digits before the point).
* The combined schema picks the kind by ``entitas`` (``if``/``then`` per kind), so one wrong
  value gives one error, not one per kind.
* What a schema cannot see: an editor reads ``1.5e8`` and ``150000000`` (or ``2025.0`` and
  ``2025``) as the same number, while spbe asks for plain notation. ``spbe validate`` reports
  those, and so does ``spbe lsp`` in the editor (tests/test_schema_boundaries.py keeps the
  table of values on which the two agree, and of these two exceptions).

The schemas are draft-07, the newest draft the YAML extension fully supports, and are written
with sorted keys so that regenerating them gives the same bytes.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from spbe_cli import __version__
from spbe_cli.models import MODELS, Regulasi, describe_fields
from spbe_cli.models.common import ONE_LINE

DRAFT = "http://json-schema.org/draft-07/schema#"
REF_TEMPLATE = "#/definitions/{model}"
COMBINED = "katalog"

_INTEGER_TEXT = r"^-?\d+$"
#: A decimal as spbe reads it (models/common.py): plain notation, at most 15 digits before the
#: point and 6 after it.
_NUMBER_TEXT = r"^-?\d{1,15}(\.\d{1,6})?$"
#: Bounds of a decimal without its own: 15 digits before the point.
_NUMBER_LIMIT = 1e15
_YEAR_TEXT = r"^(194[5-9]|19[5-9]\d|20\d\d|2100)$"
_DATE_TEXT = r"^\d{4}-\d{2}-\d{2}$"
#: The only texts the models read as a boolean.
_BOOL_TEXT = "^(true|false)$"


def file_name(kind: str) -> str:
    """The file name of a kind's schema, e.g. ``spbe-program.schema.json``."""
    return f"spbe-{kind}.schema.json"


class _Generator(GenerateJsonSchema):
    """Pydantic's generator, widened to the scalars a YAML editor sees for what spbe accepts."""

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        result = super().str_schema(schema)
        if result.get("pattern", ONE_LINE) == ONE_LINE:
            # Free text: an unquoted 12 or true is still text for spbe.
            result["type"] = ["string", "number", "boolean"]
        else:
            said = _pattern_messages().get(result["pattern"])
            if said is not None:
                result["patternErrorMessage"] = said
            quote = _quote_messages().get(result["pattern"])
            if quote is not None:
                # An unquoted 94.04 is a number to the editor: a type error (errorMessage).
                result["errorMessage"] = quote
        return result

    def int_schema(self, schema: core_schema.IntSchema) -> JsonSchemaValue:
        return {"anyOf": [super().int_schema(schema), {"type": "string", "pattern": _INTEGER_TEXT}]}

    def float_schema(self, schema: core_schema.FloatSchema) -> JsonSchemaValue:
        number = super().float_schema(schema)
        return {"anyOf": [number, {"type": "string", "pattern": _NUMBER_TEXT}]}

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        number: JsonSchemaValue = {"type": "number"}
        for key, word in (
            ("ge", "minimum"),
            ("le", "maximum"),
            ("gt", "exclusiveMinimum"),
            ("lt", "exclusiveMaximum"),
        ):
            limit = schema.get(key)
            if limit is not None:
                number[word] = float(str(limit))
        number.setdefault("exclusiveMaximum", _NUMBER_LIMIT)
        number.setdefault("exclusiveMinimum", -_NUMBER_LIMIT)
        return {"anyOf": [number, {"type": "string", "pattern": _NUMBER_TEXT}]}

    def bool_schema(self, schema: core_schema.BoolSchema) -> JsonSchemaValue:  # noqa: ARG002
        return {
            "anyOf": [
                {"type": "boolean"},
                {"type": "string", "pattern": _BOOL_TEXT},
            ]
        }

    def date_schema(self, schema: core_schema.DateSchema) -> JsonSchemaValue:  # noqa: ARG002
        said = _indonesian("schema.editor_date")
        return {
            "type": "string",
            "format": "date",
            "pattern": _DATE_TEXT,
            "patternErrorMessage": said,
        }

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        result = super().dict_schema(schema)
        keys = schema.get("keys_schema")
        while keys is not None and keys.get("type") == "function-before":
            keys = keys.get("schema")  # the year type reads text before the int check
        if keys is not None and keys.get("type") == "int":
            years = keys.get("ge") == 1945 and keys.get("le") == 2100
            result["propertyNames"] = {"pattern": _YEAR_TEXT if years else _INTEGER_TEXT}
        return result


def _indonesian(key: str) -> str:
    """A message in Indonesian: the schema files are the same bytes whatever the language."""
    from spbe_cli.i18n import t, use_language

    with use_language("id"):
        return t(key)


_PATTERN_MESSAGES: dict[str, str] = {}


def _pattern_messages() -> dict[str, str]:
    """Pattern -> what an editor says when a value does not match it, in words.

    ``patternErrorMessage`` is read by yaml-language-server instead of showing the regular
    expression.
    """
    if not _PATTERN_MESSAGES:
        from spbe_cli.loader import code_formats
        from spbe_cli.models import ID_PATTERN

        for pattern, key in code_formats().items():
            _PATTERN_MESSAGES[pattern] = _indonesian("schema.editor_code").format(
                format=_indonesian(key)
            )
        _PATTERN_MESSAGES[ID_PATTERN] = _indonesian("hint.id_pattern")
    return _PATTERN_MESSAGES


_QUOTE_MESSAGES: dict[str, str] = {}


def _quote_messages() -> dict[str, str]:
    """Pattern of a numeric code -> what the editor says when the code is left unquoted."""
    if not _QUOTE_MESSAGES:
        from spbe_cli.loader import code_formats

        for pattern, key in code_formats().items():
            if pattern.startswith("^[0-9]"):
                said = _indonesian("schema.editor_quote").format(format=_indonesian(key))
                _QUOTE_MESSAGES[pattern] = said
    return _QUOTE_MESSAGES


#: Rules a model checks in Python, said in JSON Schema, by kind.
_EXTRA: dict[str, dict[str, Any]] = {
    # Regulasi._numbered_when_enacted
    "regulasi": {
        "if": {
            "properties": {"status": {"enum": ["berlaku", "diubah", "dicabut"]}},
            "required": ["status"],
        },
        "then": {
            "required": ["nomor", "tahun"],
            "properties": {
                "nomor": {"not": {"enum": [None, ""]}},
                "tahun": {"not": {"enum": [None, ""]}},
            },
        },
    },
}
assert set(_EXTRA) <= set(MODELS) and MODELS["regulasi"] is Regulasi


def _draft07(node: Any) -> Any:
    """Wrap a ``$ref`` that has siblings in ``allOf``: draft-07 ignores a ``$ref``'s siblings."""
    if isinstance(node, list):
        return [_draft07(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _draft07(value) for key, value in node.items()}
    if "$ref" in result and len(result) > 1:
        result["allOf"] = [{"$ref": result.pop("$ref")}]
    return result


def reachable_models(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every model reachable from ``model`` by its fields, by class name."""
    from spbe_cli.catalog import nested_models

    found: dict[str, type[BaseModel]] = {}
    todo = [model]
    while todo:
        cls = todo.pop()
        if cls.__name__ in found:
            continue
        found[cls.__name__] = cls
        for info in cls.model_fields.values():
            todo.extend(nested_models(info.annotation))
    return found


def _describe(properties: dict[str, Any], model: type[BaseModel]) -> None:
    """Put back the docstrings pydantic leaves out (a field whose default is a factory)."""
    for name, info in model.model_fields.items():
        prop = properties.get(name)
        if isinstance(prop, dict) and "description" not in prop and info.description:
            prop["description"] = info.description


def _finish(schema: dict[str, Any]) -> dict[str, Any]:
    """Use draft-07's ``definitions`` for the definitions pydantic puts under ``$defs``."""
    if "$defs" in schema:
        schema["definitions"] = schema.pop("$defs")
    return schema


def kind_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind of document."""
    describe_fields()
    model: type[BaseModel] = MODELS[kind]
    schema = _finish(
        model.model_json_schema(
            mode="validation", schema_generator=_Generator, ref_template=REF_TEMPLATE
        )
    )
    schema.update(_EXTRA.get(kind, {}))
    for name, cls in reachable_models(model).items():
        target = schema if cls is model else schema.get("definitions", {}).get(name)
        if target is not None:
            _describe(target.get("properties", {}), cls)
    schema = typing.cast(dict[str, Any], _draft07(schema))
    schema["$schema"] = DRAFT
    schema["$id"] = file_name(kind)
    schema["$comment"] = f"Dibuat oleh spbe {__version__} (spbe schema); jangan diubah manual."
    return schema


def catalog_schema() -> dict[str, Any]:
    """One schema for any catalog document: the kind named by ``entitas`` decides."""
    describe_fields()
    kinds = list(MODELS)
    refs, top = models_json_schema(
        [(MODELS[kind], "validation") for kind in kinds],
        schema_generator=_Generator,
        ref_template=REF_TEMPLATE,
    )
    definitions: dict[str, Any] = top.get("$defs", {})
    for kind in kinds:
        for name, cls in reachable_models(MODELS[kind]).items():
            if name in definitions:
                _describe(definitions[name].get("properties", {}), cls)
    definitions = _draft07(definitions)
    # One if/then per kind, chosen by `entitas`: a mistake is reported once, against the kind
    # the document names, not once per kind as a bare oneOf would.
    alternatives = []
    for kind in kinds:
        ref = refs[(MODELS[kind], "validation")]["$ref"]
        name = ref.rsplit("/", 1)[-1]
        definitions[name].update(_EXTRA.get(kind, {}))
        alternatives.append(
            {
                "if": {"properties": {"entitas": {"const": kind}}, "required": ["entitas"]},
                "then": {"$ref": ref},
            }
        )
    return {
        "$schema": DRAFT,
        "$id": file_name(COMBINED),
        "$comment": f"Dibuat oleh spbe {__version__} (spbe schema); jangan diubah manual.",
        "title": "Dokumen katalog SPBE",
        "description": (
            "Satu dokumen katalog SPBE; jenisnya ditentukan oleh kunci 'entitas' "
            f"({', '.join(kinds)})."
        ),
        "type": "object",
        "required": ["entitas"],
        "properties": {
            "entitas": {"description": "Jenis entitas dokumen ini.", "enum": kinds},
        },
        "allOf": alternatives,
        "definitions": definitions,
    }


def all_schemas() -> dict[str, dict[str, Any]]:
    """Every schema by file name: one per kind, then the combined one."""
    result = {file_name(kind): kind_schema(kind) for kind in MODELS}
    result[file_name(COMBINED)] = catalog_schema()
    return result


def dumps(schema: dict[str, Any]) -> str:
    """Serialise a schema deterministically (sorted keys, two-space indent, final newline)."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into ``folder`` (created if needed); return the paths written.

    Each file is written whole or not at all (a temporary file renamed over it), so an editor
    never reads half a schema, and a link in the folder is replaced, not written through.

    Raises:
        SpbeError: a file or the folder cannot be written.
    """
    from spbe_cli.export.common import write_file

    written = []
    for name, schema in all_schemas().items():
        path = folder / name
        write_file(path, dumps(schema).encode("utf-8"))
        written.append(path)
    return written
