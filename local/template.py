"""template.yaml as the single source of truth for local runs and tests.

Reads the SAM template (CloudFormation short-form tags included), merges SAM Globals into
each function, resolves the intrinsic functions the template uses against local parameter
values, and exposes what the local server and the tests need: resources' properties,
functions (code, handler, environment) and HTTP API routes with their authorizer.
"""

from __future__ import annotations

import copy
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "template.yaml"

LOCAL_REGION = "us-east-1"
LOCAL_ACCOUNT = "123456789012"
LOCAL_STACK = "offers-local"
LOCAL_API_ID = "local"


class _CfnLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when built
    """YAML loader that turns ``!Ref x`` into ``{"Ref": "x"}`` and ``!Sub s`` into ``{"Fn::Sub": s}``."""


def _construct_tag(loader: _CfnLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "Condition":
        return {"Condition": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


_parsed: dict[tuple[str, int], dict[str, Any]] = {}


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The template, parsed once per process and file version (tests start a stack per test:
    parsing was half of that); every caller gets its own copy to change."""
    version = (str(path), path.stat().st_mtime_ns)
    if version not in _parsed:
        with path.open() as handle:
            _parsed[version] = yaml.load(handle, Loader=_CfnLoader)
    return copy.deepcopy(_parsed[version])


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function_id: str
    authorizer: str | None

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class FunctionSpec:
    logical_id: str
    function_name: str
    code_dir: Path
    module: str
    attribute: str
    environment: dict[str, str]
    timeout: int
    memory: int
    routes: list[Route] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.function_name


@dataclass(frozen=True)
class AuthorizerSpec:
    name: str
    function_id: str
    identity_headers: tuple[str, ...]
    simple_responses: bool


def _merge(base: Any, override: Any) -> Any:
    """SAM Globals semantics: maps merge key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base.get(key), value) if key in base else value
        return merged
    return override


class Template:
    """A template with parameter values, able to resolve intrinsics to local values."""

    def __init__(
        self,
        document: dict[str, Any] | None = None,
        *,
        parameters: dict[str, str] | None = None,
        dynamic_references: dict[str, str] | None = None,
    ):
        self.document = document if document is not None else load_template()
        self.resources: dict[str, dict[str, Any]] = self.document.get("Resources", {})
        self.parameters = {
            name: str(spec["Default"])
            for name, spec in self.document.get("Parameters", {}).items()
            if "Default" in spec
        }
        self.parameters.update(parameters or {})
        missing = [name for name in self.document.get("Parameters", {}) if name not in self.parameters]
        if missing:
            raise ValueError(f"template parameters without a value: {', '.join(missing)}")
        self.conditions = {
            name: bool(self.resolve(expr)) for name, expr in self.document.get("Conditions", {}).items()
        }
        # Values for {{resolve:...}} dynamic references, keyed by the resolved reference text;
        # by default a fresh random value for every Secrets Manager secret the template defines.
        self.dynamic_references = (
            dynamic_references if dynamic_references is not None else self._local_secret_values()
        )

    def _local_secret_values(self) -> dict[str, str]:
        values = {}
        for logical_id in self.resources_of_type("AWS::SecretsManager::Secret"):
            reference = f"{{{{resolve:secretsmanager:{self.physical_id(logical_id)}:SecretString}}}}"
            values[reference] = secrets.token_urlsafe(36)
        return values

    # -- physical names and attributes ------------------------------------------------------

    def physical_id(self, logical_id: str) -> str:
        resource = self.resources[logical_id]
        kind = resource["Type"]
        props = resource.get("Properties", {})
        if kind == "AWS::DynamoDB::Table":
            return self.resolve(props.get("TableName", f"{LOCAL_STACK}-{logical_id}"))
        if kind == "AWS::S3::Bucket":
            return self.resolve(props.get("BucketName", f"{LOCAL_STACK}-{logical_id}".lower()))
        if kind == "AWS::Serverless::StateMachine":
            return self.attribute(logical_id, "Arn")  # Ref of a state machine is its ARN
        if kind == "AWS::Serverless::HttpApi":
            return LOCAL_API_ID
        if kind == "AWS::Logs::LogGroup":
            return self.resolve(props.get("LogGroupName", f"/{LOCAL_STACK}/{logical_id}"))
        if kind == "AWS::SecretsManager::Secret":
            return self._arn("secretsmanager", f"secret:{LOCAL_STACK}-{logical_id}")
        if kind == "AWS::Serverless::Function" and "FunctionName" in props:
            return self.resolve(props["FunctionName"])
        if kind == "AWS::Scheduler::ScheduleGroup" and "Name" in props:
            return self.resolve(props["Name"])
        if kind == "AWS::SQS::Queue":
            return self.resolve(props.get("QueueName", f"{LOCAL_STACK}-{logical_id}"))
        return f"{LOCAL_STACK}-{logical_id}"

    def state_machine_name(self, logical_id: str) -> str:
        name = self.resources[logical_id].get("Properties", {}).get("Name")
        return self.resolve(name) if name else f"{LOCAL_STACK}-{logical_id}"

    def state_machine_definition(self, logical_id: str) -> str:
        """The ASL document with the template's DefinitionSubstitutions applied."""
        props = self.resources[logical_id]["Properties"]
        text = (ROOT / props["DefinitionUri"]).read_text()
        for name, value in self.resolve(props.get("DefinitionSubstitutions", {})).items():
            text = text.replace("${" + name + "}", str(value))
        return text

    def _arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{LOCAL_REGION}:{LOCAL_ACCOUNT}:{resource}"

    def attribute(self, logical_id: str, name: str) -> str:
        kind = self.resources[logical_id]["Type"]
        if name == "Arn":
            if kind == "AWS::DynamoDB::Table":
                return self._arn("dynamodb", f"table/{self.physical_id(logical_id)}")
            if kind == "AWS::S3::Bucket":
                return f"arn:aws:s3:::{self.physical_id(logical_id)}"
            if kind == "AWS::Serverless::Function":
                return self._arn("lambda", f"function:{self.physical_id(logical_id)}")
            if kind == "AWS::Serverless::StateMachine":
                return self._arn("states", f"stateMachine:{self.state_machine_name(logical_id)}")
            if kind == "AWS::Logs::LogGroup":
                return self._arn("logs", f"log-group:{self.physical_id(logical_id)}:*")
            if kind == "AWS::IAM::Role":
                return f"arn:aws:iam::{LOCAL_ACCOUNT}:role/{LOCAL_STACK}-{logical_id}"
            if kind == "AWS::SQS::Queue":
                return self._arn("sqs", self.physical_id(logical_id))
            if kind == "AWS::Scheduler::ScheduleGroup":
                return self._arn("scheduler", f"schedule-group/{self.physical_id(logical_id)}")
        if name == "QueueUrl":
            return f"https://sqs.{LOCAL_REGION}.amazonaws.com/{LOCAL_ACCOUNT}/{self.physical_id(logical_id)}"
        if name in ("Name", "TableName", "BucketName", "QueueName"):
            return self.physical_id(logical_id)
        if name == "StreamArn":
            return self._arn("dynamodb", f"table/{self.physical_id(logical_id)}/stream/local")
        raise KeyError(f"attribute {logical_id}.{name} is not emulated")

    def _ref(self, name: str) -> Any:
        pseudo = {
            "AWS::Region": LOCAL_REGION,
            "AWS::AccountId": LOCAL_ACCOUNT,
            "AWS::StackName": LOCAL_STACK,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": None,
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.resources:
            return self.physical_id(name)
        raise KeyError(f"unresolvable Ref {name}")

    # -- intrinsic functions ----------------------------------------------------------------

    def resolve(self, value: Any) -> Any:  # noqa: PLR0912 - one branch per intrinsic
        if isinstance(value, list):
            return [item for item in (self.resolve(v) for v in value) if item is not None]
        if isinstance(value, str):
            return self._resolve_dynamic_reference(value)
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((name, arg),) = value.items()
            if name == "Ref":
                return self._ref(arg)
            if name == "Fn::Sub":
                return self._sub(arg)
            if name == "Fn::GetAtt":
                return self.attribute(arg[0], arg[1])
            if name == "Fn::If":
                condition, when_true, when_false = arg
                return self.resolve(when_true if self.conditions[condition] else when_false)
            if name == "Fn::Equals":
                return self.resolve(arg[0]) == self.resolve(arg[1])
            if name == "Fn::Not":
                return not self.resolve(arg[0])
            if name == "Fn::And":
                return all(self.resolve(a) for a in arg)
            if name == "Fn::Or":
                return any(self.resolve(a) for a in arg)
            if name == "Condition":
                return self.conditions[arg]
            if name == "Fn::Join":
                return arg[0].join(str(v) for v in self.resolve(arg[1]))
            if name == "Fn::Select":
                return self.resolve(arg[1])[int(self.resolve(arg[0]))]
            if name == "Fn::Split":
                return self.resolve(arg[1]).split(arg[0])
        resolved = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not None}  # AWS::NoValue removes the key

    def _sub(self, arg: Any) -> str:
        template, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return str(self.attribute(logical_id, attribute))
            return str(self._ref(name))

        return self._resolve_dynamic_reference(re.sub(r"\$\{([^}!]+)\}", replace, template))

    def _resolve_dynamic_reference(self, text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            reference = match.group(0)
            if reference not in self.dynamic_references:
                raise KeyError(f"no local value for dynamic reference {reference}")
            return self.dynamic_references[reference]

        return re.sub(r"\{\{resolve:[^}]+\}\}", replace, text)

    # -- views used by the local server and tests --------------------------------------------

    def resources_of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return {lid: res for lid, res in self.resources.items() if res["Type"] == kind}

    def properties(self, logical_id: str) -> dict[str, Any]:
        return self.resolve(self.resources[logical_id].get("Properties", {}))

    def function_properties(self, logical_id: str) -> dict[str, Any]:
        globals_ = self.document.get("Globals", {}).get("Function", {})
        return _merge(globals_, self.resources[logical_id].get("Properties", {}))

    def functions(self) -> dict[str, FunctionSpec]:
        specs: dict[str, FunctionSpec] = {}
        for logical_id in self.resources_of_type("AWS::Serverless::Function"):
            props = self.function_properties(logical_id)
            module, attribute = props["Handler"].rsplit(".", 1)
            environment = self.resolve(props.get("Environment", {}).get("Variables", {}))
            spec = FunctionSpec(
                logical_id=logical_id,
                function_name=self.physical_id(logical_id),
                code_dir=ROOT / props["CodeUri"],
                module=module,
                attribute=attribute,
                environment={k: str(v) for k, v in environment.items()},
                timeout=int(props.get("Timeout", 3)),
                memory=int(props.get("MemorySize", 128)),
            )
            spec.routes = self._routes_of(logical_id, props)
            specs[logical_id] = spec
        return specs

    def _routes_of(self, function_id: str, props: dict[str, Any]) -> list[Route]:
        routes = []
        for event in props.get("Events", {}).values():
            if event["Type"] != "HttpApi":
                continue
            event_props = event.get("Properties", {})
            api_id = event_props.get("ApiId", {}).get("Ref")
            auth = event_props.get("Auth", {}).get("Authorizer")
            if auth is None and api_id:
                auth = self.resources[api_id]["Properties"].get("Auth", {}).get("DefaultAuthorizer")
            routes.append(
                Route(
                    method=event_props.get("Method", "ANY").upper(),
                    path=event_props.get("Path", "$default"),
                    function_id=function_id,
                    authorizer=None if auth in (None, "NONE") else auth,
                )
            )
        return routes

    def queue_consumers(self) -> dict[str, str]:
        """Function logical id -> the logical id of the queue its SQS event source reads."""
        consumers = {}
        for function_id in self.resources_of_type("AWS::Serverless::Function"):
            for event in self.resources[function_id].get("Properties", {}).get("Events", {}).values():
                if event["Type"] == "SQS":
                    consumers[function_id] = event["Properties"]["Queue"]["Fn::GetAtt"][0]
        return consumers

    def scheduled_functions(self) -> dict[str, str]:
        """Function logical id -> the schedule expression of its EventBridge rule (``Type: Schedule``)."""
        scheduled = {}
        for function_id in self.resources_of_type("AWS::Serverless::Function"):
            for event in self.resources[function_id].get("Properties", {}).get("Events", {}).values():
                if event["Type"] == "Schedule":
                    scheduled[function_id] = event["Properties"]["Schedule"]
        return scheduled

    def routes(self) -> list[Route]:
        return [route for spec in self.functions().values() for route in spec.routes]

    def authorizers(self) -> dict[str, AuthorizerSpec]:
        found: dict[str, AuthorizerSpec] = {}
        for api in self.resources_of_type("AWS::Serverless::HttpApi").values():
            for name, spec in api["Properties"].get("Auth", {}).get("Authorizers", {}).items():
                function_id = spec["FunctionArn"]["Fn::GetAtt"][0]
                headers = spec.get("Identity", {}).get("Headers", [])
                found[name] = AuthorizerSpec(
                    name=name,
                    function_id=function_id,
                    identity_headers=tuple(h.lower() for h in headers),
                    simple_responses=bool(spec.get("EnableSimpleResponses", False)),
                )
        return found
