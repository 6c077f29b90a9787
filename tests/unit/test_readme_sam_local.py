"""The README's "sam local" steps: in an order that works on a fresh machine, dockerd started as
the shared tool says, and only make targets that exist."""

from __future__ import annotations

import re

import pytest

from local.template import ROOT

TOOL_README = ROOT.parent / "shared" / "tools" / "sam-local" / "README.md"


def _section_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = re.search(r"\n## sam local invoke and start-api\n(.*?)\n## ", text, re.S).group(1)
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [line for block in blocks for line in block.splitlines() if line and not line.startswith("#")]


def _first(commands: list[str], fragment: str) -> int:
    return next(index for index, line in enumerate(commands) if fragment in line)


def test_given_the_section_then_each_step_comes_after_what_it_needs():
    commands = _section_commands()
    order = [
        "apt-get update",
        "make .venv-sam/.installed",
        "/usr/sbin/dockerd",
        "build-image.sh",
        "make sam-local-check",
        "make build ARCH=x86_64",
        "make emulator",
        "local invoke",
        "make sam-api",
        "/redemptions",
        'kill "$(cat /tmp/sam-local/dockerd.pid)"',
    ]
    positions = [_first(commands, fragment) for fragment in order]
    assert positions == sorted(positions)


@pytest.mark.skipif(not TOOL_README.exists(), reason="needs ../shared/tools/sam-local")
def test_given_the_tools_readme_then_dockerd_is_started_and_stopped_exactly_as_it_says():
    usage = re.search(r"```sh\n(.*?)```", TOOL_README.read_text(), re.S).group(1)
    tool_lines = [
        line
        for line in usage.splitlines()
        if not line.startswith("#") and ("dockerd" in line or line == "mkdir -p /tmp/sam-local")
    ]
    commands = _section_commands()
    assert len(tool_lines) >= 3
    for line in tool_lines:
        assert any(line in command for command in commands), line


def test_given_the_section_then_every_make_target_it_runs_exists():
    makefile = (ROOT / "Makefile").read_text().replace("$(SAM_VENV)", ".venv-sam").replace("$(VENV)", ".venv")
    targets = set(re.findall(r"^([\w./-]+):", makefile, re.M))
    wanted = {
        target
        for line in _section_commands()
        for target in re.findall(r"\bmake (?:-s )?([\w./-]+)", line)
        if "=" not in target
    }
    assert wanted and wanted <= targets, wanted - targets
