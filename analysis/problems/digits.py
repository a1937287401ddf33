r"""A small MLP on scikit-learn's bundled digits: a stochastic nonconvex problem.

Model (one hidden layer of width :math:`h`, 10 classes), for an input :math:`a \in [0, 1]^{64}`
(pixels / 16) with label :math:`y`:

.. math::
    z = W_1 a + b_1,\quad u = \tanh z,\quad o = W_2 u + b_2,\quad
    \ell(x; a, y) = \log\textstyle\sum_k e^{o_k} - o_y,

with :math:`x = (\mathrm{vec}\,W_1, b_1, \mathrm{vec}\,W_2, b_2)` (row-major,
:math:`d = 64h + h + 10h + 10`) in the box :math:`[-r, r]^d`. :math:`F` is the mean of
:math:`\ell` over the first ``n`` samples; :math:`f(x;\xi_t)` the mean over a minibatch of
``batch`` indices drawn uniformly with replacement per (seed, t) and instance.

**G_inf** (per sample, hence for every minibatch mean, by convexity of :math:`|\cdot|`). With
:math:`\delta_o = \mathrm{softmax}(o) - e_y`: :math:`|\delta_{o,k}| \le 1` and
:math:`\|\delta_o\|_1 = 2(1 - p_y) \le 2`. Then :math:`|\partial\ell/\partial W_{2,kj}| =
|\delta_{o,k} u_j| \le 1`, :math:`|\partial\ell/\partial b_{2,k}| \le 1`;
:math:`\delta_{u,j} = \sum_k W_{2,kj}\delta_{o,k}` has :math:`|\delta_{u,j}| \le 2r`,
:math:`\delta_{z,j} = (1 - u_j^2)\delta_{u,j}` too, so :math:`|\partial\ell/\partial W_{1,ji}| =
|\delta_{z,j} a_i| \le 2r` and :math:`|\partial\ell/\partial b_{1,j}| \le 2r`. Hence
:math:`G_\infty = \max(1, 2r)`.

**L** (a bound on the Hessian's operator norm over the box, which is convex, so every
:math:`\nabla\ell` and :math:`\nabla F` is :math:`L`-Lipschitz there in the Euclidean norm).
Along a direction :math:`v = (v_1, v_2)`, :math:`v_1 = (V_1, c_1)`, :math:`v_2 = (V_2, c_2)`:
:math:`\dot z = V_1 a + c_1`, :math:`\dot u = \mathrm{diag}(1 - u^2)\dot z`,
:math:`\ddot u = \tanh''(z)\odot\dot z^2`, :math:`\dot o = V_2 u + c_2 + W_2\dot u`,
:math:`\ddot o = 2V_2\dot u + W_2\ddot u`, and
:math:`\tfrac{d^2}{ds^2}\ell = \dot o^\top H\dot o + \delta_o^\top\ddot o` with
:math:`H = \mathrm{diag}(p) - pp^\top`, :math:`\|H\| \le \tfrac12`
(:math:`w^\top H w = \mathrm{Var}_p(w) \le (\max w - \min w)^2/4 \le \|w\|^2/2`). Let
:math:`s_a = \max_j\|a_j\|^2 + 1 \le 65`. Cauchy–Schwarz row-wise gives
:math:`\|\dot z\| \le \sqrt{s_a}\|v_1\|` (so :math:`\|\dot u\| \le \sqrt{s_a}\|v_1\|`),
:math:`\|V_2 u + c_2\| \le \sqrt{h+1}\|v_2\|` (:math:`|u_j| \le 1`), and
:math:`\|W_2\| \le \|W_2\|_F \le r\sqrt{10h}`. So, with :math:`\beta = r\sqrt{10h s_a}`,

- :math:`|\dot o^\top H\dot o| \le \tfrac12(\sqrt{h+1}\|v_2\| + \beta\|v_1\|)^2
  \le \tfrac12(h + 1 + \beta^2)\|v\|^2`;
- :math:`|2\delta_o^\top V_2\dot u| \le 2\sqrt2\|v_2\|\sqrt{s_a}\|v_1\| \le \sqrt{2s_a}\|v\|^2`
  (:math:`\|\delta_o\|_2 \le \|\delta_o\|_1^{1/2}\|\delta_o\|_\infty^{1/2} \le \sqrt2`);
- :math:`|\delta_o^\top W_2\ddot u| \le \max_j|(W_2^\top\delta_o)_j|\,\max|\tanh''|\,
  \|\dot z\|^2 \le 2r\cdot\tfrac{4}{3\sqrt3}\cdot s_a\|v\|^2`.

Hence :math:`L = \tfrac12(h + 1 + 10 h r^2 s_a) + \sqrt{2 s_a} + \tfrac{8}{3\sqrt3} r s_a`
(loose: the observed ratios are orders of magnitude smaller).

``f_star = 0.0`` is a *lower bound* (cross-entropy is nonnegative), not the minimum over the box.
"""

from __future__ import annotations

import numpy as np

from ._base import BoxProblem, rng_at

_N_IN, _N_OUT = 64, 10
_TANH2 = 4.0 / (3.0 * np.sqrt(3.0))  # max |tanh''|


def _load_digits():
    try:
        from sklearn.datasets import load_digits
    except ImportError as err:
        raise ImportError("DigitsMLP needs scikit-learn (pip install scikit-learn); the "
                          "other problems do not") from err  # fmt: skip
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y.astype(np.int64)


class DigitsMLP(BoxProblem):
    r"""Softmax cross-entropy of a tanh MLP (64 - ``hidden`` - 10) on the digits, batched over
    B instances with independent inits and minibatch streams; see the module docstring for
    the model and the derivations of ``G_inf`` and ``L``.

    ``n``: the training subset (the first ``n`` of the 1797 samples); ``batch``: minibatch
    size (with replacement); ``radius``: the box :math:`[-r, r]^d`. ``x0`` defaults to a
    seeded init per instance: weights :math:`U[-1/\sqrt{\text{fan-in}}, 1/\sqrt{\text{fan-in}}]`
    (clipped to the box), biases 0.
    """

    def __init__(self, B=1, hidden=16, n=500, batch=32, radius=1.0, seed=0, x0=None):
        X, y = _load_digits()
        if not 1 <= n <= len(y):
            raise ValueError(f"n must lie in [1, {len(y)}], got {n}")
        if hidden < 1 or batch < 1 or radius <= 0:
            raise ValueError("need hidden >= 1, batch >= 1 and radius > 0")
        self.A, self.y = np.ascontiguousarray(X[:n]), y[:n]
        self.n, self.h, self.batch, self.seed = int(n), int(hidden), int(batch), seed
        h = self.h
        self._sizes = (h * _N_IN, h, _N_OUT * h, _N_OUT)
        d = sum(self._sizes)
        if x0 is None:
            x0 = self._init(B, radius)
        self._init_box(f"digits_mlp(h={h}, n={n}, batch={batch})", "stochastic-nonconvex",
                       B, d, -radius, radius, x0)  # fmt: skip
        r = float(radius)
        s_a = float(np.max(np.sum(self.A**2, axis=1))) + 1.0
        self.G_inf = max(1.0, 2.0 * r)
        self.L = (0.5 * (h + 1 + 10 * h * r * r * s_a) + np.sqrt(2.0 * s_a)
                  + 2.0 * r * _TANH2 * s_a)  # fmt: skip
        self.f_star = 0.0  # a lower bound (cross-entropy >= 0), not min F

    def _init(self, B, radius):
        rng = rng_at(self.seed, 0)
        w1 = rng.uniform(-1.0, 1.0, (B, self.h * _N_IN)) / np.sqrt(_N_IN)
        w2 = rng.uniform(-1.0, 1.0, (B, _N_OUT * self.h)) / np.sqrt(self.h)
        x0 = np.concatenate([w1, np.zeros((B, self.h)), w2, np.zeros((B, _N_OUT))], axis=1)
        return np.clip(x0, -radius, radius)

    def unpack(self, x):
        """(W1 (B, h, 64), b1 (B, h), W2 (B, 10, h), b2 (B, 10)) views of x (B, d)."""
        B, h = x.shape[0], self.h
        w1, b1, w2, b2 = np.split(x, np.cumsum(self._sizes)[:-1], axis=1)
        return w1.reshape(B, h, _N_IN), b1, w2.reshape(B, _N_OUT, h), b2

    def _loss_grad(self, x, X, Y, want_grad=True):
        """Mean loss (B,) and gradient (B, d) over per-instance samples X (B, m, 64),
        Y (B, m); X may be a broadcast view."""
        W1, b1, W2, b2 = self.unpack(x)
        m = X.shape[1]
        U = np.tanh(np.einsum("bhi,bmi->bmh", W1, X) + b1[:, None, :])  # (B, m, h)
        logits = np.einsum("bkh,bmh->bmk", W2, U) + b2[:, None, :]  # (B, m, 10)
        logits = logits - np.max(logits, axis=2, keepdims=True)
        E = np.exp(logits)
        Z = np.sum(E, axis=2)
        o_y = np.take_along_axis(logits, Y[:, :, None], axis=2)[:, :, 0]
        loss = np.mean(np.log(Z) - o_y, axis=1)
        if not want_grad:
            return loss, None
        D = E / Z[:, :, None]
        np.put_along_axis(D, Y[:, :, None], np.take_along_axis(D, Y[:, :, None], axis=2) - 1.0,
                          axis=2)  # fmt: skip
        D /= m  # d(mean loss)/dO
        gW2 = np.einsum("bmk,bmh->bkh", D, U)
        Dz = np.einsum("bmk,bkh->bmh", D, W2) * (1.0 - U * U)
        gW1 = np.einsum("bmh,bmi->bhi", Dz, X)
        B = x.shape[0]
        g = np.concatenate([gW1.reshape(B, -1), Dz.sum(axis=1), gW2.reshape(B, -1),
                            D.sum(axis=1)], axis=1)  # fmt: skip
        return loss, g

    def _full_data(self, B):
        return (np.broadcast_to(self.A, (B, self.n, _N_IN)),
                np.broadcast_to(self.y, (B, self.n)))  # fmt: skip

    def full_loss(self, x):
        return self._loss_grad(x, *self._full_data(x.shape[0]), want_grad=False)[0]

    def full_grad(self, x):
        return self._loss_grad(x, *self._full_data(x.shape[0]))[1]

    def _index(self, t):
        return rng_at(self.seed, t).integers(0, self.n, (self.B, self.batch))

    def _batch(self, t):
        j = self._index(t)
        return self.A[j], self.y[j]

    def loss(self, t, x):
        return self._loss_grad(x, *self._batch(t), want_grad=False)[0]

    def grad(self, t, x):
        return self._loss_grad(x, *self._batch(t))[1]
