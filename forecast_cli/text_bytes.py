"""Which text encoding an input's bytes are in: UTF-16 when they start with its byte order
mark (Excel's "Unicode Text", PowerShell's ``>``), else UTF-8 with or without a mark. One
rule for data files, stdin, ``--ids-file`` and the model-file sniffer, in a module without
pandas so that reading a list of ids stays light.
"""

from __future__ import annotations

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def is_utf16(head: bytes) -> bool:
    """Whether bytes start with a UTF-16 byte order mark."""
    return head[:2] in UTF16_BOMS


def decoded(data: bytes) -> str:
    """``data`` as text by the rule above; a ``UnicodeDecodeError`` is the caller's to word."""
    return data.decode("utf-16" if is_utf16(data) else "utf-8-sig")
