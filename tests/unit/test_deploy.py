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


def test_the_proxy_bounds_what_the_apps_server_does_not():
    """A connection that never finishes its request stays open in the app's own server: nginx must close it,
    and bound the connections one address holds, generously (a class shares one address)."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    seconds = {name: int(value) for name, value in re.findall(r"^\s*(\w+_timeout) (\d+)s;", conf, re.M)}
    assert seconds["client_header_timeout"] <= 15 and seconds["client_body_timeout"] <= 15
    assert seconds["keepalive_timeout"] <= 30 and seconds["send_timeout"] <= 60
    assert re.search(r"limit_conn_zone \$binary_remote_addr zone=(\w+):", conf)
    per_address = int(re.search(r"^\s*limit_conn \w+ (\d+);", conf, re.M).group(1))
    assert 300 <= per_address <= 2000  # 120 students behind one address, a few connections each
