"""An assistant over the shared, already-built index."""

import pytest

from assistant import Assistant


@pytest.fixture
def assistant(shared_index):
    return Assistant(shared_index, llm=None)
