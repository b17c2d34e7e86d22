"""masker: mask the applicant's own name and unit seal in application scans (申报材料遮盖).

Public API::

    from masker import Masker
    m = Masker()                      # loads the OCR engine once
    result = m.propose("scan.jpg", name="张伟", unit="阿克苏地区水利局")
    data, result = m.redact("scan.pdf", name="艾合买提·阿不都热依木")
"""
from .errors import (EmptyInputError, EncryptedPdfError, InputError, LeakError, MaskerError, OptionError,
                     PolicyError, TooLargeError, UnsupportedFormatError)
from .masker import Masker
from .policy import DEFAULT_POLICY, Policy
from .results import Finding, Kept, Mask, PageResult, ProposeResult

__all__ = ["Masker", "Policy", "DEFAULT_POLICY", "Mask", "Kept", "Finding", "PageResult", "ProposeResult",
           "MaskerError", "InputError", "EmptyInputError", "UnsupportedFormatError", "TooLargeError",
           "EncryptedPdfError", "OptionError", "PolicyError", "LeakError"]
__version__ = "0.1.0"
