"""events/env.json gives `sam local invoke` what SAM CLI can't resolve from the template.

SAM CLI resolves parameters and pseudo parameters in environment variables but not
``Fn::GetAtt`` of resources (a queue's URL, a role's ARN): each such variable must be in
events/env.json, with the value the local stack resolves, or the function calls nothing real.
"""

from __future__ import annotations

from local.samples import sample_environment
from local.stack import LOCAL_PARAMETERS
from local.template import Template


def test_given_a_function_variable_from_a_resource_attribute_then_env_json_holds_its_local_value():
    template = Template(parameters=LOCAL_PARAMETERS)
    environment = sample_environment()
    wanted: dict[str, str] = {}
    for logical_id in template.resources_of_type("AWS::Serverless::Function"):
        variables = template.function_properties(logical_id).get("Environment", {}).get("Variables", {})
        for name, value in variables.items():
            if isinstance(value, dict) and "Fn::GetAtt" in value:
                wanted[name] = template.resolve(value)
    assert wanted, "the template has resource attributes in function environments"
    assert {name: environment.get(name) for name in wanted} == wanted
