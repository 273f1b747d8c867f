"""A valid catalog with one hostile string in every free-text field of every entity kind.

The free-text fields are found from the models, not listed by hand: every ``str`` field (also in
lists, in nested models and as dict values) whose only constraint is its length and, for short
text, "one line" (:data:`spbe_cli.models.common.ONE_LINE`). Ids, references, codes, URLs, dates
and choices have a stricter pattern or a fixed set of values and are left alone, as are the few
short-text fields that a rule checks against a vocabulary (:data:`VOCABULARY`): a hostile value
there would only make the catalog invalid, and every command would refuse it.
"""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from spbe_cli.models import MODELS
from spbe_cli.models.common import ONE_LINE

Kind = Literal["line", "prose"]

#: A chapter of prose (``metadata.prosa``) holding the string in a heading, a paragraph, a list,
#: a link text and an emphasis. Prose is Markdown by design: its author's ``|`` may make a table
#: and ``[a](https://...)`` a link; raw HTML, images and other link schemes may not.
PROSE_FILE = "prosa/latar-belakang.md"
PROSE = """# Latar Belakang @@

Paragraf: @@

- butir @@
- **@@**

Lihat [@@](https://contoh.go.id).
"""

#: Short-text fields that rules check against a list of values (a dimension, a pillar, a muatan,
#: a reference list and code) or against the region data (the Pemda's name): not free text.
#: ``field`` anywhere, or ``Model.field``.
VOCABULARY = frozenset(
    {
        "dimensi",
        "elemen",
        "muatan",
        "pilar",
        "pilar_kesiapan",
        "sifat",
        "sub_aspek",
        "validitas",
        "DataInformasi.jenis",
        "Infrastruktur.jenis",
        "Keamanan.jenis",
        "Referensi.daftar",
        "Referensi.kode",
        "Pemda.nama",
        "Provinsi.nama",
    }
)


def _text_kind(annotation: Any, metadata: list[Any]) -> Kind | None:
    """``line`` or ``prose`` for a free-text string, else None."""
    constraints = list(metadata)
    while get_origin(annotation) is typing.Annotated:
        annotation, *extra = get_args(annotation)
        constraints += extra
    if annotation is not str:
        return None
    patterns = [getattr(c, "pattern", None) for c in constraints if hasattr(c, "pattern")]
    if any(p not in (None, ONE_LINE) for p in patterns):
        return None
    return "line" if ONE_LINE in patterns else "prose"


def _optional(annotation: Any) -> Any:
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _fit(value: str, kind: Kind) -> str:
    """The hostile value as the field accepts it: short text is one line, without tabs."""
    if kind == "prose":
        return value
    return " ".join(value.replace("\t", " ").splitlines()) or "x"


def _mutate(
    value: Any, annotation: Any, metadata: list[Any], hostile: str, hits: list[str], where: str
) -> Any:
    annotation = _optional(annotation)
    kind = _text_kind(annotation, metadata)
    if kind is not None:
        if isinstance(value, str | int | float):
            hits.append(where)
            return _fit(hostile, kind) + " " + str(value)
        return value
    while get_origin(annotation) is typing.Annotated:
        annotation = get_args(annotation)[0]
    origin = get_origin(annotation)
    if origin is list and isinstance(value, list):
        (item,) = get_args(annotation)
        return [_mutate(v, item, [], hostile, hits, f"{where}[]") for v in value]
    if origin is dict and isinstance(value, dict):
        _key, item = get_args(annotation)
        return {k: _mutate(v, item, [], hostile, hits, f"{where}.{k}") for k, v in value.items()}
    if (
        isinstance(annotation, type)
        and issubclass(annotation, BaseModel)
        and isinstance(value, dict)
    ):
        return mutate_model(value, annotation, hostile, hits, where)
    return value


def mutate_model(
    data: dict[str, Any], model: type[BaseModel], hostile: str, hits: list[str], where: str
) -> dict[str, Any]:
    """``data`` with the hostile string in every free-text field; absent prose fields added."""
    fields: dict[str, FieldInfo] = {
        info.alias or name: info for name, info in model.model_fields.items()
    }
    out = dict(data)
    for key, info in fields.items():
        if key in VOCABULARY or f"{model.__name__}.{key}" in VOCABULARY:
            continue
        path = f"{where}.{key}"
        if key in out:
            out[key] = _mutate(out[key], info.annotation, info.metadata, hostile, hits, path)
        elif _text_kind(_optional(info.annotation), info.metadata) == "prose":
            hits.append(path)
            out[key] = hostile
    return out


def hostile_catalog(source: Path, dest: Path, hostile: str) -> list[str]:
    """Copy the catalog under ``source`` to ``dest`` with ``hostile`` in every free-text field.

    Returns the fields changed (``program:SC-01.nama``...). YAML is written by PyYAML, which
    spells a control character as a double-quoted escape (``"\\e[31m"``).
    """
    hits: list[str] = []
    for path in sorted(source.rglob("*")):
        target = dest / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix != ".yaml":
            target.write_bytes(path.read_bytes())
            continue
        docs = []
        for doc in yaml.safe_load_all(path.read_text("utf-8")):
            model = MODELS.get(doc.get("entitas", "")) if isinstance(doc, dict) else None
            if model is not None:
                doc = mutate_model(
                    doc, model, hostile, hits, f"{doc['entitas']}:{doc.get('id', '')}"
                )
                if doc["entitas"] == "metadata":
                    doc.setdefault("prosa", {})["latar_belakang"] = PROSE_FILE
                    hits.append("metadata:.prosa.latar_belakang")
            docs.append(doc)
        target.write_text(
            yaml.safe_dump_all(docs, allow_unicode=False, sort_keys=False, width=10**6), "utf-8"
        )
    prose = dest / PROSE_FILE
    prose.parent.mkdir(parents=True, exist_ok=True)
    prose.write_text(PROSE.replace("@@", hostile), "utf-8")
    return hits
