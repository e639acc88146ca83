"""Settings read from the environment: the CORS allow-list, the history that fits the outbox."""

from __future__ import annotations

import pytest

from service.settings import LOCAL_ORIGINS, Settings, SettingsError


def test_by_default_pages_on_this_machine_on_any_port_are_allowed() -> None:
    assert Settings.from_env({}).cors.allow_origins == LOCAL_ORIGINS == Settings().cors.allow_origins
    assert LOCAL_ORIGINS == ("http://localhost:*", "http://127.0.0.1:*")
    assert Settings.from_env({"CORS_ALLOW_ORIGINS": " "}).cors.allow_origins == LOCAL_ORIGINS


def test_a_list_replaces_the_default_with_spaces_and_final_slashes_dropped() -> None:
    settings = Settings.from_env({"CORS_ALLOW_ORIGINS": "https://stand.example/, http://10.0.0.5:8000 ,null"})
    assert settings.cors.allow_origins == ("https://stand.example", "http://10.0.0.5:8000", "null")


@pytest.mark.parametrize("value", ["*", "http://*.example:8000"])
def test_a_star_stands_for_any_origin_or_any_part(value: str) -> None:
    assert Settings.from_env({"CORS_ALLOW_ORIGINS": value}).cors.allow_origins == (value,)


@pytest.mark.parametrize("bad", ["http://localhost:8000/docs", "localhost:8000", "http://a b"])
def test_what_is_not_an_origin_is_refused_by_name(bad: str) -> None:
    with pytest.raises(SettingsError, match=r"^CORS_ALLOW_ORIGINS must list origins") as caught:
        Settings.from_env({"CORS_ALLOW_ORIGINS": f"http://localhost:8000,{bad}"})
    assert repr(bad) in str(caught.value)


def test_the_history_fits_the_outbox_by_default_and_a_size_set_past_it_is_refused() -> None:
    assert Settings.from_env({}).history.size == 100
    # A small outbox alone stays a valid setting: the history shrinks to fit it.
    assert Settings.from_env({"WS_OUTBOX_FRAMES": "64"}).history.size == 62
    assert Settings.from_env({"WS_OUTBOX_FRAMES": "64", "CHANNEL_HISTORY_SIZE": "10"}).history.size == 10
    with pytest.raises(SettingsError, match="CHANNEL_HISTORY_SIZE"):
        Settings.from_env({"WS_OUTBOX_FRAMES": "64", "CHANNEL_HISTORY_SIZE": "63"})
