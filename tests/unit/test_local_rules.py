"""The local runner of EventBridge schedule rules: the template's scheduled functions, their
rates, and the scheduled event each firing sends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from local.rules import rate_seconds, schedule_rules
from local.stack import LOCAL_PARAMETERS
from local.template import Template


@pytest.mark.parametrize(
    ("expression", "seconds"), [("rate(5 minutes)", 300), ("rate(1 hour)", 3600), ("rate(2 days)", 172800)]
)
def test_given_a_rate_then_its_period_in_seconds(expression: str, seconds: int):
    assert rate_seconds(expression) == seconds


def test_given_a_cron_expression_then_the_local_runner_says_it_cannot_run_it():
    with pytest.raises(ValueError, match="unsupported"):
        rate_seconds("cron(0 12 * * ? *)")


def test_given_the_template_then_the_points_expiry_job_fires_at_its_rate_with_a_scheduled_event():
    fired = []
    rules = schedule_rules(
        Template(parameters=LOCAL_PARAMETERS), lambda name, event: fired.append((name, event))
    )
    expiry = next(rule for rule in rules if rule.function_id == "ExpirePointsFunction")

    expiry.fire(datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))

    assert expiry.period_seconds == 300
    name, event = fired[0]
    assert name == "ExpirePointsFunction"
    assert (event["detail-type"], event["source"], event["time"]) == (
        "Scheduled Event",
        "aws.events",
        "2030-01-02T03:04:05Z",
    )


def test_given_an_override_then_every_rule_runs_at_that_period():
    rules = schedule_rules(Template(parameters=LOCAL_PARAMETERS), lambda name, event: None, 2.0)

    assert rules and all(rule.period_seconds == 2.0 for rule in rules)
