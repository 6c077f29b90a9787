"""HTTP glue: request context per dialect, errors -> HTTP, cursors, responses."""

from offers.api.powertools import install as _lazy_powertools_event_handler

_lazy_powertools_event_handler()  # before anything imports Powertools' event handler (cold start)
