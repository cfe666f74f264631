"""Mode detection from the message alone."""

import pytest

from assistant.modes import detect_mode


@pytest.mark.parametrize(
    ("message", "mode"),
    [
        ("how have companies handled a lost item?", "ask"),
        ("that story where a store took back tires", "ask"),
        (
            "customer's replacement part has been lost by the courier twice and she's furious",
            "suggest",
        ),
        ("caller is crying because her husband died, what should I do", "suggest"),
        ("I need discussion questions on empowerment for my team meeting", "discuss"),
        ("role-play ideas about late deliveries", "discuss"),
    ],
)
def test_detect_mode(message, mode):
    assert detect_mode(message) == mode
