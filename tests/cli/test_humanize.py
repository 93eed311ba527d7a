"""Tests for swarmsim.cli.humanize (go-units HumanDuration)."""

from __future__ import annotations

import pytest

from swarmsim.cli.humanize import human_duration, since

MINUTE = 60
HOUR = 3600
DAY = 24 * HOUR


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "Less than a second"),
        (0, "Less than a second"),
        (0.999999999, "Less than a second"),
        (1, "1 second"),
        (1.999, "1 second"),
        (2, "2 seconds"),
        (59.999, "59 seconds"),
        (60, "About a minute"),
        (119.9, "About a minute"),
        (120, "2 minutes"),
        (59 * MINUTE + 59, "59 minutes"),
        (HOUR, "About an hour"),
        (HOUR + 29 * MINUTE + 59, "About an hour"),
        (HOUR + 30 * MINUTE, "2 hours"),
        (2 * HOUR, "2 hours"),
        (47 * HOUR + 29 * MINUTE, "47 hours"),
        (47 * HOUR + 30 * MINUTE, "2 days"),
        (13 * DAY, "13 days"),
        (13 * DAY + 23 * HOUR + 29 * MINUTE, "13 days"),
        (13 * DAY + 23 * HOUR + 30 * MINUTE, "2 weeks"),
        (14 * DAY, "2 weeks"),
        (59 * DAY, "8 weeks"),
        (60 * DAY, "2 months"),
        (364 * DAY, "12 months"),
        (729 * DAY, "24 months"),
        (730 * DAY, "2 years"),
        (3 * 365 * DAY, "3 years"),
        (3 * 365 * DAY - HOUR, "2 years"),
    ],
)
def test_human_duration_matches_go_units(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


def test_since_appends_ago() -> None:
    assert since(2 * HOUR) == "2 hours ago"
    assert since(HOUR) == "About an hour ago"
    assert since(0.2) == "Less than a second ago"


def test_task_state_style_lowercase() -> None:
    assert f"Running {since(26).lower()}" == "Running 26 seconds ago"
    assert f"Running {since(90).lower()}" == "Running about a minute ago"
