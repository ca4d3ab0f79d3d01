"""Scanner command line.

    python -m scanner codes --json IMAGE...     one JSON object per line: path and codes read
"""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scanner", description="hubkiosk scanner tools")
    sub = parser.add_subparsers(dest="command", required=True)
    codes = sub.add_parser("codes", help="read barcodes and QR codes in images")
    codes.add_argument("--json", action="store_true", help="one JSON object per line")
    codes.add_argument("images", nargs="+")
    args = parser.parse_args(argv)

    import cv2

    from scanner.codes import read_codes

    status = 0
    for path in args.images:
        image = cv2.imread(path, cv2.IMREAD_COLOR)
        if image is None:
            print(f"{path}: not an image I can read", file=sys.stderr)
            status = 1
            found = None
        else:
            found = [{"format": c.format, "text": c.text} for c in read_codes(image)]
        if args.json:
            print(json.dumps({"path": path, "codes": found}, ensure_ascii=False))
        elif found is not None:
            print(f"{path}: " + (", ".join(f"{c['format']} {c['text']!r}" for c in found) or "no codes"))
    return status


if __name__ == "__main__":
    sys.exit(main())
