"""Fixtures of the training-harness and command-line tests."""

import os

import pytest


@pytest.fixture
def unwritable(tmp_path):
    """A folder nothing can be created in: a 0555 folder, or, for root (whom permissions do
    not stop), /proc, where no file or folder can be made."""
    if os.geteuid() == 0:
        yield "/proc"
        return
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    yield str(folder)
    folder.chmod(0o755)


def tree(root):
    """{relative path: bytes} of every file under ``root``."""
    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = f.read()
    return out
