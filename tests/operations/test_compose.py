"""docker-compose.yml as operators use it (no Docker engine here: the file is read, not run)."""

import re

import yaml

from tests.fixtures.services import BASE_DIR

COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def test_the_scale_profile_runs_two_web_processes_on_shared_state_behind_a_proxy():
    services = COMPOSE["services"]
    assert services["web2"]["profiles"] == ["scale"] and services["proxy"]["profiles"] == ["scale"]
    for name in ("web", "web2", "worker"):
        service = services[name]
        assert "media:/app/var/media" in service["volumes"], name  # one file storage for all
        assert service["environment"]["CELERY_BROKER_URL"] == services["web"]["environment"]["CELERY_BROKER_URL"]
        assert service["environment"]["CACHE_URL"] == services["web"]["environment"]["CACHE_URL"]
    config_path = services["proxy"]["volumes"][0].split(":")[0]
    config = (BASE_DIR / config_path).read_text()
    assert set(re.findall(r"server (\w+):8000", config)) == {"web", "web2"}


def test_health_checks_use_the_health_endpoint_and_a_backup_service_keeps_its_files():
    assert "/healthz" in " ".join(COMPOSE["services"]["web"]["healthcheck"]["test"])
    backup = COMPOSE["services"]["backup"]
    assert "backup_site" in " ".join(backup["command"]) and "backups:/app/var/backups" in backup["volumes"]
    assert "backups" in COMPOSE["volumes"]
