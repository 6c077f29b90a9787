"""The no-Docker local runner: template.yaml's functions behind a local HTTP API on moto."""
