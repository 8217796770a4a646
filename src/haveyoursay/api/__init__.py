"""The read-only JSON API (`/api/v1/`), its OpenAPI description and its documentation page (`/api/`)."""
