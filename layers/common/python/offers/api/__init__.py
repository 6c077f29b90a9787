"""HTTP glue: request context per dialect, errors -> HTTP, cursors, responses."""
