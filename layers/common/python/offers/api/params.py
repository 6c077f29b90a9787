"""Powertools' route parameter markers, imported through ``offers.api`` (see ``offers.api.powertools``)."""

from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Query

__all__ = ["Body", "Header", "Query"]
