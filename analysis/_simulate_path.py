r"""The online iteration with a *coefficient path*: learned :math:`\beta_{1t}, \beta_{2t}, \rho_t`.

:func:`analysis.simulate.run` routes here when a run is given a ``path`` (or its
:class:`~analysis.algorithm.Algorithm` has ``safeguard``): a callable
``path(t, g, m) -> dict`` giving step :math:`t`'s coefficients from the past (``g``: the
gradient :math:`g_t` just observed, ``m``: :math:`m_{t-1}`; both (B, d)), as a hypergradient
rule does; or a dict of (T,) / (T, B, d) arrays. Keys it may set: ``beta1``, ``beta2``,
``rho``; a missing key keeps the config's constant (for ``beta1``, its schedule). Per
coordinate (:math:`c_t = 1`, :math:`\beta_{3t} = 0`):

.. math::
    m_t = \beta_{1t} m_{t-1} + (1-\beta_{1t}) g_t,\quad
    v_t = \beta_{2t} v_{t-1} + (1-\beta_{2t}) g_t^2,\quad
    \hat v_t = \rho_t\,\ell_t + (1-\rho_t)\,\bar v_t,

:math:`\bar v_t = \frac1t\sum_{s \le t} v_s`, :math:`\ell_t = \max_{s\le t} v_s`
(``long_memory=MAX_AVERAGE``, the AMSGrad/AVGrad interpolation) or :math:`\ell_t = v_t`
(``AVERAGE``, MADA's Adam/AVGrad interpolation). With ``safeguard=True``,
:math:`\hat v_t \leftarrow` :func:`safeguard` :math:`(\hat v_t, \hat v_{t-1}, \alpha_t,
\alpha_{t-1})` before the step :math:`x_{t+1} = \Pi_{\mathcal F}(x_t - \alpha_t m_t /
(\sqrt{\hat v_t} + \epsilon))`. No bias correction.
"""

from __future__ import annotations

import numpy as np

from .algorithm import EpsPlacement, LongMemory

PATH_KEYS = ("beta1", "beta2", "rho")
_TINY = np.finfo(np.float64).smallest_subnormal


def safeguard(v_hat, v_hat_prev, alpha_t, alpha_prev):
    r""":math:`\max(\hat v_t, (\alpha_t/\alpha_{t-1})^2\hat v_{t-1})`: makes
    :math:`\sqrt{\hat v_t}/\alpha_t` non-decreasing per coordinate (the safe set's
    monotonicity), generalising AMSGrad's max (:math:`\alpha_t = \alpha_{t-1}`).

    It needs one buffer, :math:`\hat v_{t-1}`, the size of the parameters.

        >>> safeguard(np.array([1.0, 4.0]), np.array([8.0, 2.0]), 0.5, 1.0).tolist()
        [2.0, 4.0]
    """
    return np.maximum(v_hat, (alpha_t / alpha_prev) ** 2 * v_hat_prev)


def _coefficients(path, t, g, m, c, beta1):
    if callable(path):
        got = path(t, g, m)
    else:
        got = {k: np.asarray(a, dtype=np.float64)[t - 1] for k, a in path.items()}
    unknown = set(got) - set(PATH_KEYS)
    if unknown:
        raise ValueError(f"path gave unknown key(s) {sorted(unknown)}; allowed: {PATH_KEYS}")
    out = {k: np.asarray(got.get(k, beta1 if k == "beta1" else c[k]), dtype=np.float64)
           for k in PATH_KEYS}  # fmt: skip
    for k, (lo, hi) in {"beta1": (0, 1), "beta2": (0, 1), "rho": (0, 1)}.items():
        if np.any(out[k] < lo) or np.any(out[k] > hi) or (k != "rho" and np.any(out[k] >= 1)):
            raise ValueError(f"path's {k} at step {t} must lie in [{lo}, {hi}"
                             f"{']' if k == 'rho' else ')'}, got {out[k]}")  # fmt: skip
    return out


def iterate(problem, alg, c, T, alphas, betas, rec):
    """Run the path iteration of ``alg`` with the constants ``c`` (``betas``: its beta_1t
    schedule); returns (x_{T+1}, v̂_T, the (T,) mean beta_1t) for the record."""
    if alg.long_memory not in (LongMemory.MAX_AVERAGE, LongMemory.AVERAGE):
        raise ValueError("a coefficient path needs long_memory 'max+average' or 'average', "
                         f"got {alg.long_memory.value!r}")  # fmt: skip
    if alg.bias_correction or alg.eps_placement is not EpsPlacement.OUTSIDE:
        raise ValueError("a coefficient path runs without bias correction, eps outside")
    B, d = problem.B, problem.d
    x = np.array(problem.x0, dtype=np.float64)
    m, v, vmax, vavg, vh = (np.zeros((B, d)) for _ in range(5))
    eps, beta1s = float(c["eps"]), np.empty(T)
    for t in range(1, T + 1):
        i = t - 1
        g = problem.grad(t, x)
        rec.step(i, x, g, problem.loss(t, x))
        k = _coefficients(c["path"], t, g, m, c, betas[i])
        beta1s[i] = float(np.mean(k["beta1"]))
        m = k["beta1"] * m + (1.0 - k["beta1"]) * g
        v = k["beta2"] * v + (1.0 - k["beta2"]) * (g * g)
        vmax = np.maximum(vmax, v)
        vavg = vavg * ((t - 1) / t) + v * (1.0 / t)
        long = vmax if alg.long_memory is LongMemory.MAX_AVERAGE else v
        new = k["rho"] * long + (1.0 - k["rho"]) * vavg
        if alg.safeguard and t > 1:
            new = safeguard(new, vh, alphas[i], alphas[i - 1])
        vh = new
        root = np.sqrt(vh)
        x = problem.project(x - alphas[i] * m / np.maximum(root + eps, _TINY), root)
        rec.moments(i, vh, v)
    return x, vh, beta1s
