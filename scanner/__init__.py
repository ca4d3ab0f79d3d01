"""Camera, codes and (later) document detection: plain Python, no Kivy.

    >>> from scanner.codes import read_codes
    >>> read_codes(image)            # doctest: +SKIP
    [Code(format='QRCode', text='HKV1:7KQ2M9')]
"""


class ScannerError(Exception):
    """Base of every error raised by the scanner package."""
