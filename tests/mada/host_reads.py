"""A dispatch mode that counts host reads, for the tests of a step that must make none."""

from torch.utils._python_dispatch import TorchDispatchMode


class HostReads(TorchDispatchMode):
    """Counts the aten calls that copy a tensor's value to the host (``.item()``, ``bool()``).

    On CUDA each is a device sync; on the CPU it is free but counts alike, so a test on the
    CPU shows which calls would sync.
    """

    def __init__(self):
        super().__init__()
        self.reads = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if func.overloadpacket.__name__ == "_local_scalar_dense":
            self.reads += 1
        return func(*args, **(kwargs or {}))
