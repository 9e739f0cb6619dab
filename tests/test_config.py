from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings, missing_for_serve

BASE = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "MS_TENANT_ID": "t", "MS_CLIENT_ID": "c",
        "MS_CLIENT_SECRET": "x", "WEBINAR_BOT_SECRET_KEY": "k", "PUBLIC_URL": "https://bot.example.com"}


def settings(tmp_path, **env):
    return load_settings({**BASE, "WEBINAR_BOT_DB": str(tmp_path / "x.db"), **env}, dotenv=None)


def test_defaults_follow_the_contract(tmp_path):
    s = settings(tmp_path)
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.graph_api_url == "https://graph.microsoft.com/v1.0"
    assert s.ms_authority_host == "https://login.microsoftonline.com"
    assert s.graph_notifications == "webhook" and s.slack_command == "/webinar" and s.log_level == "INFO"
    assert s.notification_url == "https://bot.example.com/graph/notifications"
    assert missing_for_serve(s) == []


@pytest.mark.parametrize("env, variable", [
    ({"GRAPH_API_URL": "graph.microsoft.com/v1.0"}, "GRAPH_API_URL"),
    ({"SLACK_API_URL": "ftp://x"}, "SLACK_API_URL"),
    ({"PUBLIC_URL": "not a url"}, "PUBLIC_URL"),
    ({"GRAPH_NOTIFICATIONS": "push"}, "GRAPH_NOTIFICATIONS"),
    ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ({"SMTP_URL": "http://mail"}, "SMTP_URL"),
    ({"WEBINAR_BOT_DB": "/nonexistent-folder/x.db"}, "WEBINAR_BOT_DB"),
    ({"WEBINAR_BOT_DB": "/etc/hostname/x.db"}, "WEBINAR_BOT_DB"),
    ({"SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
])
def test_invalid_values_name_the_variable_in_one_line(tmp_path, env, variable):
    with pytest.raises(ConfigError) as error:
        settings(tmp_path, **env)
    message = str(error.value)
    assert message.startswith(variable) and "\n" not in message


def test_dotenv_is_read_and_environment_wins(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text('# comment\nexport LOG_LEVEL="DEBUG"\nGRAPH_NOTIFICATIONS=poll\nSLACK_COMMAND=/web\n')
    s = load_settings({"SLACK_COMMAND": "/webinars", "WEBINAR_BOT_DB": str(tmp_path / "a.db")}, dotenv=dotenv)
    assert s.log_level == "DEBUG" and s.graph_notifications == "poll" and s.slack_command == "/webinars"


def test_missing_variables_are_listed_and_poll_mode_needs_no_public_url(tmp_path):
    s = load_settings({"WEBINAR_BOT_DB": str(tmp_path / "a.db")}, dotenv=None)
    assert set(missing_for_serve(s)) == {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "MS_TENANT_ID", "MS_CLIENT_ID",
                                         "MS_CLIENT_SECRET", "WEBINAR_BOT_SECRET_KEY", "PUBLIC_URL"}
    polled = settings(tmp_path, GRAPH_NOTIFICATIONS="poll", PUBLIC_URL="")
    assert missing_for_serve(polled) == []


def test_secrets_are_not_in_repr(tmp_path):
    s = settings(tmp_path, MS_CLIENT_SECRET="very-secret-value")
    assert "very-secret-value" not in repr(s)


def test_env_example_lists_every_variable():
    from bot.config import ENV_FIELDS

    text = (Path(__file__).parents[1] / ".env.example").read_text()
    assert all(f"{variable}=" in text for variable in ENV_FIELDS)
