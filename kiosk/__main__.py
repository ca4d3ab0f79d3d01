"""Command line for the kiosk.

    python -m kiosk [--config FILE] [--data DIR]      start the kiosk
    python -m kiosk --tour OUTDIR                      render every screen to PNG and exit
    python -m kiosk check-config FILE                  validate a device configuration
    python -m kiosk hash-pin                           make a staff PIN hash for the config
    python -m kiosk layout-check [--json] [--out DIR] [--diagonal INCHES]
                                                       check every screen's layout, exit 1 on a fault
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
from pathlib import Path

from kiosk.core.config import ConfigError, load_config
from kiosk.core.pin import PIN_RE, hash_pin

DEFAULT_DATA = Path(os.environ.get("HUBKIOSK_DATA", Path.home() / ".local" / "share" / "hubkiosk"))


def _sample_kiosk(config):
    """A throwaway, offline sample kiosk for the tour and the layout check: the visitor
    screens show what they would on site, the camera sees an empty desk (the document steps
    put their own frame on screen) and the "printer" is a folder, all in a temporary folder
    (so the wrong-PIN step never locks a real device)."""
    import cv2

    from kiosk.core.config import CameraSettings, PrinterSettings
    from kiosk.ui.sample import prepare
    from scanner.samples import empty_scene

    data_dir = Path(tempfile.mkdtemp(prefix="hubkiosk-tour-"))
    prepare(data_dir, config.site.name)
    (data_dir / "camera").mkdir()
    cv2.imwrite(str(data_dir / "camera" / "desk.jpg"), empty_scene())
    config = config.model_copy(update={
        "camera": CameraSettings(source=f"folder:{data_dir / 'camera'}"),
        "printer": PrinterSettings(kind="folder", folder=str(data_dir / "printed"))})
    return config, data_dir


def _load(args):
    try:
        return load_config(args.config)
    except ConfigError as exc:
        print(f"The kiosk cannot start: {exc}", file=sys.stderr)
        return None


def _layout_check(args) -> int:
    config = _load(args)
    if config is None:
        return 2
    if args.diagonal:
        config = config.model_copy(update={"display": config.display.model_copy(
            update={"diagonal_inches": args.diagonal})})
    config, data_dir = _sample_kiosk(config)
    from kiosk.ui.boot import prepare_kivy

    prepare_kivy(data_dir, config.display.width, config.display.height, fullscreen=False,
                 dpi=config.display.dpi)
    from kiosk.ui.app import KioskApp
    from kiosk.ui.layout_check import LayoutCheck, report

    app = KioskApp(config, data_dir)
    app._run_prepare()
    check = LayoutCheck(app, args.languages.split(",") if args.languages else None,
                        args.steps.split(",") if args.steps else None,
                        Path(args.out) if args.out else None)
    states = check.run()
    app.stop()
    if args.texts:
        import json

        Path(args.texts).write_text(json.dumps(check.texts, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report(states, args.json))
    return 0 if states and not any(s.failures for s in states) else 1


def _run(args) -> int:
    config = _load(args)
    if config is None:
        return 2
    if args.tour:
        config, data_dir = _sample_kiosk(config)
    else:
        data_dir = Path(args.data)
    from kiosk.ui.boot import prepare_kivy

    prepare_kivy(data_dir, config.display.width, config.display.height,
                 fullscreen=config.display.fullscreen and not args.tour, dpi=config.display.dpi)
    from kiosk.ui.app import KioskApp

    app = KioskApp(config, data_dir)
    if args.tour:
        from kiosk.ui.tour import STEPS, Tour

        tour = Tour(app, Path(args.tour), args.tour_languages.split(",") if args.tour_languages else None)
        app.bind(on_start=lambda _app: tour.start())
        app.run()
        print(f"wrote {len(tour.written)} screens to {args.tour}")
        return 0 if len(tour.written) == len(tour.languages) * len(STEPS) else 1
    if args.ready_file:
        from kivy.clock import Clock

        def ready(_dt):
            Path(args.ready_file).write_text("ready")

        # Two frames after start: the attract screen has been drawn and input is live.
        app.bind(on_start=lambda _app: Clock.schedule_once(
            lambda _dt: Clock.schedule_once(ready, 0), 0))
    app.run()
    return 0


def _check_config(args) -> int:
    try:
        config = load_config(Path(args.file))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"{args.file}: valid (site: {config.site.name})")
    return 0


def _hash_pin(_args) -> int:
    pin = getpass.getpass("New staff PIN (4 to 8 digits): ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    if not PIN_RE.match(pin):
        print("A PIN is 4 to 8 digits.", file=sys.stderr)
        return 2
    if sys.stdin.isatty() and getpass.getpass("Type it again: ") != pin:
        print("The two PINs are different.", file=sys.stderr)
        return 2
    print(f'pin_hash = "{hash_pin(pin)}"')
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk", description="hubkiosk self-service kiosk")
    parser.add_argument("--config", type=Path, help="device configuration (TOML); demo defaults without it")
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="the device's data folder")
    parser.add_argument("--tour", metavar="OUTDIR", help="render every screen in every language to PNG, then exit")
    parser.add_argument("--tour-languages", metavar="en,pl", help="with --tour: only these languages")
    parser.add_argument("--ready-file", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command")
    check = sub.add_parser("check-config", help="validate a device configuration file")
    check.add_argument("file")
    sub.add_parser("hash-pin", help="make a staff PIN hash (reads the PIN from the terminal or stdin)")
    lc = sub.add_parser("layout-check", help="check every screen for clipped, overlapping, off-screen, "
                                             "small or faint parts in every language, text size and contrast")
    lc.add_argument("--json", action="store_true", help="end with one line of JSON: states and failures")
    lc.add_argument("--out", metavar="DIR", help="write a PNG of each failing state here")
    lc.add_argument("--texts", metavar="FILE", help="write the text shown on each screen here (JSON)")
    lc.add_argument("--languages", metavar="en,pl", help="only these languages")
    lc.add_argument("--steps", metavar="home,staff-panel", help="only these tour steps")
    lc.add_argument("--diagonal", metavar="INCHES", type=float,
                    help="check as on a panel of this diagonal (the config's display.diagonal_inches)")
    args = parser.parse_args(argv)
    if args.command == "check-config":
        return _check_config(args)
    if args.command == "hash-pin":
        return _hash_pin(args)
    if args.command == "layout-check":
        return _layout_check(args)
    return _run(args)


if __name__ == "__main__":
    sys.exit(main())
