"""One torch thread for the tests of tiny networks: a second thread costs more than it saves there,
most of all on a busy machine. Import ``one_torch_thread`` into a test module to use it there."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)  # the next module gets the machine as it was
