"""Offers service shared layer: models, store, services and the HTTP api glue.

Layering (each imports only the ones below it):
    api/       request context, errors -> HTTP, cursors, dialect mappers
    services/  business rules
    store/     DynamoDB and S3 access; every key format lives in store/keys.py
    models/    pydantic v2 models
    errors, clock, ids, settings   shared by all of the above
"""

from offers.pydantic_plugins import install as _defer_pydantic_plugin_loader

_defer_pydantic_plugin_loader()  # before pydantic builds a validator (cold start)
