"""Pydantic v2 models: request bodies, stored records and responses."""
