"""Words for numbers: Krippendorff's reliability verdict and Landis & Koch's kappa bands.

>>> alpha_verdict(0.812), alpha_verdict(0.7), alpha_verdict(0.5)
('acceptable', 'tentative', 'unreliable')
>>> landis_koch_band(0.45)
'moderate'
"""

from __future__ import annotations

import math

#: Krippendorff (2004, p. 241): rely on variables with alpha >= .800; draw tentative
#: conclusions only from variables with .667 <= alpha < .800.
ALPHA_ACCEPTABLE = 0.800
ALPHA_TENTATIVE = 0.667

#: Landis & Koch (1977, p. 165): upper bounds of each band; below 0 is "poor".
KAPPA_BANDS: tuple[tuple[float, str], ...] = (
    (0.20, "slight"),
    (0.40, "fair"),
    (0.60, "moderate"),
    (0.80, "substantial"),
    (1.00, "almost perfect"),
)

UNDEFINED = "undefined"


def alpha_verdict(alpha: float) -> str:
    """'acceptable' (alpha >= .800), 'tentative' (>= .667), 'unreliable', or 'undefined' (NaN).

    Source: Krippendorff, K. (2004). Content Analysis, 2nd ed., p. 241.
    """
    if alpha is None or math.isnan(alpha):
        return UNDEFINED
    if alpha >= ALPHA_ACCEPTABLE:
        return "acceptable"
    if alpha >= ALPHA_TENTATIVE:
        return "tentative"
    return "unreliable"


def landis_koch_band(kappa: float) -> str:
    """Landis & Koch (1977) band of a kappa-type coefficient.

    poor < 0 ≤ slight ≤ .20 < fair ≤ .40 < moderate ≤ .60 < substantial ≤ .80 < almost perfect.
    Source: Landis, J. R. & Koch, G. G. (1977). Biometrics 33(1), 159–174.
    """
    if kappa is None or math.isnan(kappa):
        return UNDEFINED
    if kappa < 0:
        return "poor"
    for upper, name in KAPPA_BANDS:
        if kappa <= upper:
            return name
    return KAPPA_BANDS[-1][1]
