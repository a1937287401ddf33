"""Two op tables with one signature: per-tensor loops and ``torch._foreach_*``.

The MADA kernel (``mada/_kernel.py``) is written once against this interface. The for-loop
path calls it per parameter with one-element lists through :data:`LOOP`; the foreach path
calls it once per (device, dtype) bucket through :data:`FOREACH`. Both tables perform the
same elementwise operations in the same order, which is why the two paths agree bit for
bit on CPU (where ``_foreach`` ops run the per-tensor kernels).

Every function takes lists of tensors; ``s`` arguments are Python scalars.
"""

from __future__ import annotations

import torch

Tensors = list[torch.Tensor]


class _Loop:
    @staticmethod
    def clone(xs):
        return [x.clone() for x in xs]

    @staticmethod
    def copy_(xs, ys):
        for x, y in zip(xs, ys):
            x.copy_(y)

    @staticmethod
    def sub(xs, ys):
        return [torch.sub(x, y) for x, y in zip(xs, ys)]

    @staticmethod
    def add(xs, ys, alpha=1.0):
        return [torch.add(x, y, alpha=alpha) for x, y in zip(xs, ys)]

    @staticmethod
    def add_(xs, ys, alpha=1.0):
        for x, y in zip(xs, ys):
            x.add_(y, alpha=alpha)

    @staticmethod
    def add_scalar_(xs, s):
        for x in xs:
            x.add_(s)

    @staticmethod
    def mul(xs, ys):
        return [torch.mul(x, y) for x, y in zip(xs, ys)]

    @staticmethod
    def mul_(xs, ys):
        for x, y in zip(xs, ys):
            x.mul_(y)

    @staticmethod
    def mul_scalar(xs, s):
        return [torch.mul(x, s) for x in xs]

    @staticmethod
    def mul_scalar_(xs, s):
        for x in xs:
            x.mul_(s)

    @staticmethod
    def div(xs, ys):
        return [torch.div(x, y) for x, y in zip(xs, ys)]

    @staticmethod
    def div_(xs, ys):
        for x, y in zip(xs, ys):
            x.div_(y)

    @staticmethod
    def div_scalar_(xs, s):
        for x in xs:
            x.div_(s)

    @staticmethod
    def addcmul_(xs, ys, zs, value=1.0):
        for x, y, z in zip(xs, ys, zs):
            x.addcmul_(y, z, value=value)

    @staticmethod
    def addcdiv_(xs, ys, zs, value=1.0):
        for x, y, z in zip(xs, ys, zs):
            x.addcdiv_(y, z, value=value)

    @staticmethod
    def lerp(xs, ys, w):
        return [torch.lerp(x, y, w) for x, y in zip(xs, ys)]

    @staticmethod
    def lerp_(xs, ys, w):
        for x, y in zip(xs, ys):
            x.lerp_(y, w)

    @staticmethod
    def sqrt(xs):
        return [torch.sqrt(x) for x in xs]

    @staticmethod
    def sign(xs):
        return [torch.sign(x) for x in xs]

    @staticmethod
    def maximum_(xs, ys):
        for x, y in zip(xs, ys):
            torch.maximum(x, y, out=x)

    @staticmethod
    def zero_where_zero_(xs, ys):
        """x <- 0 where y == 0 (no foreach form; both paths use this loop)."""
        for x, y in zip(xs, ys):
            x.masked_fill_(y == 0, 0.0)

    @staticmethod
    def dot(xs, ys):
        """Per-tensor inner products, each a 0-d tensor."""
        return [torch.dot(x.reshape(-1), y.reshape(-1)) for x, y in zip(xs, ys)]


class _Foreach(_Loop):
    # clone and dot are inherited: there is no _foreach_clone/_foreach_dot, and reusing the
    # per-tensor reduction keeps the hypergradient sums identical between the two paths.

    @staticmethod
    def copy_(xs, ys):
        torch._foreach_copy_(xs, ys)

    @staticmethod
    def sub(xs, ys):
        return torch._foreach_sub(xs, ys)

    @staticmethod
    def add(xs, ys, alpha=1.0):
        return torch._foreach_add(xs, ys, alpha=alpha)

    @staticmethod
    def add_(xs, ys, alpha=1.0):
        torch._foreach_add_(xs, ys, alpha=alpha)

    @staticmethod
    def add_scalar_(xs, s):
        torch._foreach_add_(xs, s)

    @staticmethod
    def mul(xs, ys):
        return torch._foreach_mul(xs, ys)

    @staticmethod
    def mul_(xs, ys):
        torch._foreach_mul_(xs, ys)

    @staticmethod
    def mul_scalar(xs, s):
        return torch._foreach_mul(xs, s)

    @staticmethod
    def mul_scalar_(xs, s):
        torch._foreach_mul_(xs, s)

    @staticmethod
    def div(xs, ys):
        return torch._foreach_div(xs, ys)

    @staticmethod
    def div_(xs, ys):
        torch._foreach_div_(xs, ys)

    @staticmethod
    def div_scalar_(xs, s):
        torch._foreach_div_(xs, s)

    @staticmethod
    def addcmul_(xs, ys, zs, value=1.0):
        torch._foreach_addcmul_(xs, ys, zs, value=value)

    @staticmethod
    def addcdiv_(xs, ys, zs, value=1.0):
        torch._foreach_addcdiv_(xs, ys, zs, value=value)

    @staticmethod
    def lerp(xs, ys, w):
        return torch._foreach_lerp(xs, ys, w)

    @staticmethod
    def lerp_(xs, ys, w):
        torch._foreach_lerp_(xs, ys, w)

    @staticmethod
    def sqrt(xs):
        return torch._foreach_sqrt(xs)

    @staticmethod
    def sign(xs):
        return torch._foreach_sign(xs)

    @staticmethod
    def maximum_(xs, ys):
        torch._foreach_maximum_(xs, ys)


LOOP = _Loop()
FOREACH = _Foreach()
