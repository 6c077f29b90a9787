"""The service's Logger and Metrics (Powertools), shared by every function in a container.

Service name, log level and metrics namespace come from the POWERTOOLS_* environment that
template.yaml sets for every function.
"""

from __future__ import annotations

import warnings

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()

# Read-only endpoints publish no business metric; Powertools would warn on every such call.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
