"""OpenAPI: the error answers every API view can give, documented once.

drf-spectacular documents only the success answer of an operation; the API also
answers 401 (no or bad token), 403, 404 (another person's object, or none), 400 (bad
input) and 429 (throttled), always as JSON. A client generated from the schema, and the
schema fuzz tests (tests/fuzz/), need those listed."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ERROR_DETAIL = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})

FIELD_ERRORS = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {},
        "description": "Field name (or `detail`) to a message or a list of messages.",
    },
    description="The input was refused; the body says which field and why.",
)

WRITE_METHODS = {"POST", "PUT", "PATCH"}


class ErrorAwareSchema(AutoSchema):
    """AutoSchema plus the error responses the view can actually produce."""

    def _error_responses(self) -> dict[str, OpenApiResponse]:
        errors = {
            "401": OpenApiResponse(ERROR_DETAIL, description="No or invalid credentials."),
            "403": OpenApiResponse(ERROR_DETAIL, description="Not allowed for this user."),
        }
        if self.method in WRITE_METHODS:
            errors["400"] = FIELD_ERRORS
            errors["415"] = OpenApiResponse(ERROR_DETAIL, description="Unsupported media type.")
        elif any(p.get("in") == "query" for p in self._get_parameters()):
            errors["400"] = FIELD_ERRORS
        if "{" in self.path:
            errors["404"] = OpenApiResponse(
                ERROR_DETAIL, description="No such object, or not one this user may see."
            )
        if self.view.get_throttles():
            errors["429"] = OpenApiResponse(ERROR_DETAIL, description="Too many requests.")
        return errors

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, error in self._error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(error, code, direction=direction)
        return responses
