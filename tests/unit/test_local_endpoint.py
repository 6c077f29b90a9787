"""The LocalEndpointUrl parameter: SAM CLI must resolve it, and in AWS (empty) it must change nothing."""

from __future__ import annotations

import json
import textwrap

import boto3
import pytest

from local.stack import LOCAL_PARAMETERS
from local.template import TEMPLATE_PATH, Template
from tests.unit.sam_cli import run_in_sam_cli

# What `sam local invoke` / `start-api` give each function: SAM CLI's own template provider,
# which resolves only the intrinsics it understands and stringifies the rest to "".
_SAM_ENVIRONMENTS = textwrap.dedent(
    """
    import json, sys
    from samcli.lib.providers.sam_function_provider import SamFunctionProvider
    from samcli.lib.providers.sam_stack_provider import SamLocalStackProvider
    from samcli.local.lambdafn.env_vars import EnvironmentVariables

    overrides = json.loads(sys.argv[2])
    stacks, _ = SamLocalStackProvider.get_stacks(sys.argv[1], parameter_overrides=overrides)
    result = {}
    for function in SamFunctionProvider(stacks).get_all():
        variables = (function.environment or {}).get("Variables", {})
        resolved = EnvironmentVariables(variables=variables, shell_env_values={}).resolve()
        result[function.name] = resolved.get("AWS_ENDPOINT_URL")
    print(json.dumps(result))
    """
)


def _sam_cli_endpoints(overrides: dict[str, str]) -> dict[str, str | None]:
    return run_in_sam_cli(_SAM_ENVIRONMENTS, str(TEMPLATE_PATH), json.dumps(overrides))


def test_given_local_endpoint_url_then_sam_cli_gives_it_to_every_function():
    endpoints = _sam_cli_endpoints({"LocalEndpointUrl": "http://127.0.0.1:4566"})
    assert len(endpoints) == len(Template(parameters=LOCAL_PARAMETERS).functions())
    assert set(endpoints.values()) == {"http://127.0.0.1:4566"}


def test_given_no_local_endpoint_then_every_function_gets_an_empty_value():
    assert set(_sam_cli_endpoints({}).values()) == {""}
    local_specs = Template(parameters=LOCAL_PARAMETERS).functions().values()
    assert {spec.environment["AWS_ENDPOINT_URL"] for spec in local_specs} == {""}


@pytest.mark.parametrize("service", ["dynamodb", "s3", "stepfunctions", "lambda"])
def test_given_an_empty_aws_endpoint_url_then_botocore_uses_the_aws_endpoint(monkeypatch, service):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    default = boto3.client(service, region_name="us-east-1").meta.endpoint_url
    monkeypatch.setenv("AWS_ENDPOINT_URL", "")
    assert boto3.client(service, region_name="us-east-1").meta.endpoint_url == default
    assert default.startswith("https://") and "amazonaws.com" in default
