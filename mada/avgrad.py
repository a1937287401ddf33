"""``AVGrad``: AMSGrad with the running max replaced by a running average (MADA's ρ = 0)."""

from __future__ import annotations

from .optimizer import MADA


class AVGrad(MADA):
    r"""AVGrad (Ozkara et al., ICML 2024), the average corner of :class:`mada.MADA`.

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2, \quad
        \bar v_t = \tfrac{1}{t}\textstyle\sum_{s \le t} v_s, \quad
        x_t = x_{t-1} - \alpha \frac{m_t/(1-\beta_1^t)}{\sqrt{\bar v_t/(1-\beta_2^t)} + \epsilon}

    Since :math:`t\bar v_t` never decreases, :math:`\sqrt{\hat v_t}/\alpha_t` is
    non-decreasing under :math:`\alpha_t = \alpha/\sqrt t`: the property AMSGrad's max buys.

    Example:
        >>> import torch
        >>> from mada import AVGrad
        >>> w = torch.nn.Parameter(torch.ones(3))
        >>> opt = AVGrad([w], lr=0.1)
        >>> w.grad = torch.ones(3); opt.step()
        >>> round(w.detach()[0].item(), 6)
        0.9
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, *,
                 bias_correction=True, nonfinite="raise", foreach=None):  # fmt: skip
        super().__init__(
            params, lr=lr, betas=betas, rho=0.0, eps=eps, weight_decay=weight_decay,
            long_memory="average", bias_correction=bias_correction, nonfinite=nonfinite,
            foreach=foreach,
        )  # fmt: skip
