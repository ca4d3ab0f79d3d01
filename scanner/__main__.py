"""Scanner command line.

    python -m scanner detect --json IMAGE...    one JSON object per line: path and quad (or null)
    python -m scanner codes --json IMAGE...     one JSON object per line: path and codes read
    python -m scanner scan --out FILE.pdf [--grey] IMAGE...
                                                photos of pages to one flattened, upright PDF

Exit status 1 when an image could not be read (the others are still done).
"""

from __future__ import annotations

import argparse
import json
import sys


def _read(path: str):
    import cv2
    import numpy as np

    try:
        data = np.fromfile(path, np.uint8)
    except OSError:
        data = np.zeros(0, np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        print(f"{path}: not an image I can read", file=sys.stderr)
    return image


def _each_image(args, key: str, look, describe) -> int:
    """Run `look(image)` on every image named; print one JSON line each (`--json`, the
    result under `key`, null when the image cannot be read) or a line of text."""
    status = 0
    for path in args.images:
        image = _read(path)
        if image is None:
            status = 1
            result = None
        else:
            result = look(image)
        if args.json:
            print(json.dumps({"path": path, key: result}, ensure_ascii=False))
        elif image is not None:
            print(f"{path}: {describe(result)}")
    return status


def _detect(args) -> int:
    from scanner.detect import find_document

    def look(image):
        found = find_document(image)
        return [list(point) for point in found.points] if found else None

    return _each_image(args, "quad", look, lambda quad: " ".join(f"({x:.0f},{y:.0f})" for x, y in quad)
                       if quad else "no document found")


def _codes(args) -> int:
    from scanner.codes import read_codes

    return _each_image(args, "codes", lambda image: [{"format": c.format, "text": c.text} for c in read_codes(image)],
                       lambda codes: ", ".join(f"{c['format']} {c['text']!r}" for c in codes) or "no codes")


def _scan(args) -> int:
    from pathlib import Path

    from scanner.detect import find_document
    from scanner.pages import enhance, flatten, make_pdf, page_format, upright

    status, pages, dpis = 0, [], []
    for path in args.images:
        image = _read(path)
        if image is None:
            status = 1
            continue
        quad = find_document(image)
        if quad is None:
            print(f"{path}: no document found, skipped", file=sys.stderr)
            status = 1
            continue
        fmt = page_format(quad)
        page, turned = upright(enhance(flatten(image, quad, fmt), "grey" if args.grey else "colour", fmt.name))
        pages.append(page)
        dpis.append(fmt.dpi)
        print(f"{path}: {fmt.name} page" + (f", turned {turned} degrees" if turned else ""))
    if pages:
        Path(args.out).write_bytes(make_pdf(pages, dpis))
        print(f"{args.out}: {len(pages)} page(s)")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scanner", description="hubkiosk scanner tools")
    sub = parser.add_subparsers(dest="command", required=True)
    detect = sub.add_parser("detect", help="find the document's corners in photos")
    detect.add_argument("--json", action="store_true", help="one JSON object per line")
    detect.add_argument("images", nargs="+")
    codes = sub.add_parser("codes", help="read barcodes and QR codes in images")
    codes.add_argument("--json", action="store_true", help="one JSON object per line")
    codes.add_argument("images", nargs="+")
    scan = sub.add_parser("scan", help="photos of documents to one PDF")
    scan.add_argument("--out", required=True, help="the PDF to write")
    scan.add_argument("--grey", action="store_true", help="grey pages (smaller) instead of colour")
    scan.add_argument("images", nargs="+")
    args = parser.parse_args(argv)
    return {"detect": _detect, "codes": _codes, "scan": _scan}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
