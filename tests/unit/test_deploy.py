"""The deployment files agree with the project: what the Dockerfile copies exists, the script fills every
placeholder of the nginx configuration, and the image checks the health address Streamlit serves."""

import re

from tests.conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_everything_the_image_copies_exists_and_it_runs_the_app():
    sources = [line.split()[1:-1] for line in DOCKERFILE.splitlines() if line.startswith("COPY ")]
    assert sources
    for paths in sources:
        for path in paths:
            assert (ROOT / path).exists(), path
    assert 'CMD ["python", "-m", "ui.serve"' in DOCKERFILE
    assert "FROM python:3.11-slim" in DOCKERFILE


def test_the_health_check_asks_streamlits_health_address():
    assert re.search(r"HEALTHCHECK .*\n?.*_stcore/health", DOCKERFILE)


def test_the_replica_script_fills_every_placeholder_of_the_nginx_configuration():
    placeholders = set(re.findall(r"@[A-Z]+@", (ROOT / "deploy" / "nginx.conf").read_text()))
    script = (ROOT / "deploy" / "two_replicas.sh").read_text()
    assert placeholders and all(f"s|{p}|" in script for p in placeholders)
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in script  # one secret shared by the replicas
