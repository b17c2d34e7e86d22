"""Typed errors, each carrying its exit code, HTTP status and a bilingual message.

Hierarchy::

    MaskerError                      exit 3, HTTP 500 (a bug or an unexpected failure)
    ├── InputError                   exit 2, HTTP 400 (bad input: unreadable, broken)
    │   ├── EmptyInputError          exit 2, HTTP 400
    │   ├── UnsupportedFormatError   exit 2, HTTP 415 (not an image or PDF)
    │   ├── TooLargeError            exit 2, HTTP 413 (bytes, pixels or pages over a limit)
    │   └── EncryptedPdfError        exit 2, HTTP 400
    ├── OptionError                  exit 2, HTTP 422 (a missing or bad option)
    ├── PolicyError                  exit 2, HTTP 422 (a requested box the policy refuses)
    └── LeakError                    exit 3, HTTP 500 (the name is still readable after redaction)

The library raises; exactly one place (``masker.cli`` / ``api.app``) turns them into exit codes or
HTTP answers. Messages are Chinese first, then an English gloss, because applicants read them.
"""
from __future__ import annotations


class MaskerError(Exception):
    code = "INTERNAL"
    exit_code = 3
    http_status = 500

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


class InputError(MaskerError):
    code = "BAD_INPUT"
    exit_code = 2
    http_status = 400


class EmptyInputError(InputError):
    code = "EMPTY"


class UnsupportedFormatError(InputError):
    code = "UNSUPPORTED_FORMAT"
    http_status = 415


class TooLargeError(InputError):
    code = "TOO_LARGE"
    http_status = 413


class EncryptedPdfError(InputError):
    code = "ENCRYPTED_PDF"


class OptionError(MaskerError):
    code = "BAD_OPTION"
    exit_code = 2
    http_status = 422


class PolicyError(MaskerError):
    code = "POLICY_REFUSED"
    exit_code = 2
    http_status = 422


class LeakError(MaskerError):
    code = "NAME_STILL_READABLE"
    exit_code = 3
    http_status = 500
