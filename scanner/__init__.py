"""Camera, document detection, quality, pages and codes: plain Python, no Kivy.

    >>> import scanner
    >>> scanner.find_document(frame)         # doctest: +SKIP
    Quad(points=((212.4, 80.1), (1011.9, 95.7), (998.0, 660.3), (220.5, 641.2)))
    >>> scanner.read_codes(frame)            # doctest: +SKIP
    [Code(format='QRCode', text='HKV1:7KQ2M9')]

Modules: `camera` (sources of frames), `detect` (find_document, Quad), `quality` (assess),
`live` (LiveScanner: guidance and auto-capture), `pages` (flatten, enhance, upright,
make_pdf), `codes` (read_codes), `samples` (generated frames for tests and demos).
"""


class ScannerError(Exception):
    """Base of every error raised by the scanner package."""


_EXPORTS = {"find_document": "scanner.detect", "Quad": "scanner.detect", "read_codes": "scanner.codes",
            "assess": "scanner.quality"}


def __getattr__(name: str):
    # imported on first use: `import scanner` stays cheap and free of import cycles
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'scanner' has no attribute {name!r}")
