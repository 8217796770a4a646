"""The API's documentation page, written from its OpenAPI description so the two can't drift:
each operation with its parameters and an example address."""

import dataclasses
from functools import lru_cache

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from haveyoursay.api.views import api

# An address to try for each operation: its path with the parameters filled, and a query.
EXAMPLE_QUERIES = {
    "consultations": "?status=open&limit=10",
    "meetings": "?since=2022-01-01&until=2022-12-31",
    "decisions": "?outcome=approved",
    "people": "?body=cabinet",
}
# What each status an operation can answer with means, for a person reading the page.
STATUSES = {
    "404": "404 if there is no such record",
    "422": "422 if a parameter is not right, saying which and why",
}
EXAMPLE_PATH_VALUES = {"slug": "{slug}", "meeting_id": "{meeting_id}", "decision_id": "{decision_id}"}


@dataclasses.dataclass(frozen=True)
class Parameter:
    name: str
    where: str
    required: bool
    kind: str
    description: str


@dataclasses.dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    summary: str
    description: str
    parameters: tuple
    errors: tuple
    example: str


def kind_of(schema):
    """A parameter's type in words: "whole number, 1 to 100", "date", "one of: open, closed"."""
    options = [option for option in schema.get("anyOf", [schema]) if option.get("type") != "null"]
    schema = {**schema, **(options[0] if options else {})}
    if schema.get("type") == "array":
        items = schema.get("items", {})
        return kind_of(items) + " (repeat for several)"
    if "enum" in schema:
        return "one of: " + ", ".join(str(value) for value in schema["enum"])
    if schema.get("type") == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        words = "whole number"
        if low is not None and high is not None and high < 2**31:
            words += f", {low:,} to {high:,}"
        elif low is not None:
            words += f", from {low:,}"
        if "default" in schema:
            words += f" (default {schema['default']})"
        return words
    if schema.get("format") == "date":
        return "date, YYYY-MM-DD"
    if schema.get("pattern"):
        return "letters, numbers, hyphens and underscores"
    return "text"


@lru_cache(maxsize=1)
def operations():
    description = api.get_openapi_schema(path_prefix=reverse("api:openapi-json").removesuffix("openapi.json"))
    found = []
    for path, methods in description["paths"].items():
        for method, operation in methods.items():
            parameters = tuple(
                Parameter(
                    name=p["name"],
                    where=p["in"],
                    required=p.get("required", False),
                    kind=kind_of(p.get("schema", {})),
                    description=p.get("description") or p.get("schema", {}).get("description", ""),
                )
                for p in operation.get("parameters", [])
            )
            name = operation["operationId"]
            codes = sorted(operation.get("responses", {}))
            example = path
            for key, value in EXAMPLE_PATH_VALUES.items():
                example = example.replace("{" + key + "}", value)
            found.append(
                Operation(
                    id=name,
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    description=" ".join(operation.get("description", "").split()),
                    parameters=parameters,
                    errors=tuple(STATUSES[code] for code in codes if code in STATUSES),
                    example=example + EXAMPLE_QUERIES.get(name, ""),
                )
            )
    return found


@require_safe
def page(request):
    return render(
        request,
        "api/docs.html",
        {
            "operations": operations(),
            "openapi_url": reverse("api:openapi-json"),
            "base_url": request.build_absolute_uri(reverse("api:openapi-json").removesuffix("openapi.json")),
            "open_data_url": reverse("decisions:open_data"),
        },
    )
