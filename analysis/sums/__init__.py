r"""Sum forms over a run: their normal form, batched evaluation, streaming and run data.

The data-dependent bounds of this package's own theorems (:mod:`analysis.statements`) are
sympy expressions in a small language: ``Sum`` over the step index ``t`` (rows of the run data,
``1..T``) and the coordinate ``i`` (columns, ``1..d``) of the run functions ``g(t, i)``,
``m(t, i)``, ``v(t, i)``, ``Sv(t, i)``, ``vmax(t, i)`` and ``beta1t(t)``
(:mod:`analysis.symbols`), joined by ``+``, ``*``, powers, ``Abs``, ``log``, ``exp``. This
module is its one implementation:

* :func:`normalize`, :func:`split`: the normal form the proofs compare and certify in (sums
  distributed over additions, index-free factors pulled out; Karr's convention for ranges);
* :func:`evaluate`, :func:`evaluate_batch`: its value on a stored run, in NumPy, all steps at
  once (long double sums, rounded once to float64);
* :class:`StreamingForm`: the same value at every step of a training run, from accumulators
  updated once per step (torch, on the run's device);
* :data:`RECURRENCES`, :func:`run_data`, :class:`RunState`: how m, v, Sv and vmax follow from
  the gradients, written once, run over a stored run or one step at a time.

``tests/analysis/test_sums.py`` holds the three against each other on random forms.

Example:
    >>> import numpy as np, sympy as sp, torch
    >>> from analysis.sums import StreamingForm
    >>> from analysis.symbols import T, Sv, d, g, i, t
    >>> form = sp.Sum(sp.sqrt(Sv(T, i)) + sp.Sum(g(t, i) ** 2, (t, 1, T)), (i, 1, d))
    >>> grads = np.array([[1.0, 2.0], [3.0, 0.0]])
    >>> data = run_data(grads, beta2=0.5, beta1t=np.zeros(2))
    >>> batched = evaluate(form.subs({T: 2, d: 2}), data)
    >>> sf = StreamingForm({"f": form}, {"beta2": 0.5}, d=2)
    >>> for row in grads:
    ...     sf.update(torch.tensor(row))
    >>> abs(float(sf.evaluate()["f"]) - batched) < 1e-12 * batched
    True
    >>> normalize(sp.Sum(2 * Sv(t, i) + g(1, i), (t, 1, T))) == (
    ...     T * g(1, i) + 2 * sp.Sum(Sv(t, i), (t, 1, T)))
    True
"""

from __future__ import annotations

from ._batched import ROUNDING_RTOL, evaluate, evaluate_batch, to_float64
from ._language import AXES, RUN_FUNCTIONS
from ._normal import is_scalar, normalize, split
from ._recurrences import RECURRENCES, WIDE, Recurrence, linear_scan, run_data

_TORCH_NAMES = ("DYNAMIC", "RunState", "StreamingForm")


def __getattr__(name):
    # the streaming half needs torch; the proofs and the batched half do not load it
    if name in _TORCH_NAMES:
        from . import _streaming, _streaming_compile

        return getattr(_streaming_compile if name == "DYNAMIC" else _streaming, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AXES",
    "DYNAMIC",
    "RECURRENCES",
    "ROUNDING_RTOL",
    "RUN_FUNCTIONS",
    "WIDE",
    "Recurrence",
    "RunState",
    "StreamingForm",
    "evaluate",
    "evaluate_batch",
    "is_scalar",
    "linear_scan",
    "normalize",
    "run_data",
    "split",
    "to_float64",
]
