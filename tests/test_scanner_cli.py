"""`python -m scanner codes`: codes in real image files, one JSON object per line."""

import json
import subprocess
import sys

import cv2

from kiosk.core.paths import ROOT
from scanner.samples import code_photo, empty_scene


def test_codes_prints_one_json_object_per_image(tmp_path):
    cv2.imwrite(str(tmp_path / "invite.png"), code_photo("HKV1:7KQ2M9"))
    cv2.imwrite(str(tmp_path / "nothing.jpg"), empty_scene())
    (tmp_path / "broken.png").write_bytes(b"not an image")
    done = subprocess.run([sys.executable, "-m", "scanner", "codes", "--json", str(tmp_path / "invite.png"),
                           str(tmp_path / "nothing.jpg"), str(tmp_path / "broken.png")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["codes"] for line in lines] == [[{"format": "QRCode", "text": "HKV1:7KQ2M9"}], [], None]
    assert done.returncode == 1 and "broken.png: not an image" in done.stderr


def test_folder_camera_shows_its_images_in_turn_and_loops(tmp_path):
    from scanner.camera import CameraError, FolderCamera, open_camera

    for n in range(3):
        cv2.imwrite(str(tmp_path / f"{n}.png"), empty_scene(seed=n, size=(64, 48)))
    now = [0.0]
    camera = FolderCamera(tmp_path, hold=1.0, clock=lambda: now[0])
    first = camera.read()
    assert first.shape == (48, 64, 3) and camera.read() is None  # nothing new within the hold
    now[0] = 3.2
    assert (camera.read() == first).all()  # image 3 of 3 shown, then back to the first
    assert open_camera("none") is None
    for bad in ("webcam", f"folder:{tmp_path / 'missing'}"):
        try:
            open_camera(bad)
        except CameraError:
            continue
        raise AssertionError(f"{bad} should not open")


def test_detect_prints_each_images_quad_or_null(tmp_path):
    from scanner.samples import document_photo

    shot = document_photo(3, kind="page", hand=False, out_of_frame=False)
    cv2.imwrite(str(tmp_path / "letter.jpg"), shot.image)
    cv2.imwrite(str(tmp_path / "desk.png"), empty_scene())
    (tmp_path / "broken.png").write_bytes(b"not an image")
    done = subprocess.run([sys.executable, "-m", "scanner", "detect", "--json", str(tmp_path / "letter.jpg"),
                           str(tmp_path / "desk.png"), str(tmp_path / "broken.png")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["path"] for line in lines] == [str(tmp_path / n) for n in ("letter.jpg", "desk.png", "broken.png")]
    from scanner.detect import quad_iou

    assert len(lines[0]["quad"]) == 4 and quad_iou(lines[0]["quad"], shot.quad) > 0.95
    assert lines[1]["quad"] is None and lines[2]["quad"] is None
    assert done.returncode == 1 and "broken.png: not an image" in done.stderr


def test_scan_turns_photos_into_one_pdf(tmp_path):
    from scanner.samples import document_photo

    for seed in (3, 8):
        cv2.imwrite(str(tmp_path / f"{seed}.jpg"), document_photo(seed, kind="page", hand=False,
                                                                 out_of_frame=False).image)
    cv2.imwrite(str(tmp_path / "desk.png"), empty_scene())
    out = tmp_path / "claim.pdf"
    done = subprocess.run([sys.executable, "-m", "scanner", "scan", "--grey", "--out", str(out),
                           str(tmp_path / "3.jpg"), str(tmp_path / "desk.png"), str(tmp_path / "8.jpg")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.read_bytes().startswith(b"%PDF") and "2 page(s)" in done.stdout
    assert "desk.png: no document found, skipped" in done.stderr and done.returncode == 1


def test_a_small_soft_barcode_is_read_by_the_prepared_copies():
    """A Code 128 barcode, small and soft in a compressed photo: the plain readers miss it,
    the enlarged and sharpened copies read it (the thorough path, for still photos)."""
    import numpy as np
    import zxingcpp

    from scanner.codes import read_codes

    bars = np.array(zxingcpp.create_barcode("50012345", zxingcpp.BarcodeFormat.Code128).to_image(scale=3))
    bars = cv2.copyMakeBorder(bars, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
    scene = np.full((480, 640), 110, np.uint8)
    scene[100:100 + bars.shape[0], 100:100 + bars.shape[1]] = bars
    photo = cv2.resize(cv2.GaussianBlur(scene, (0, 0), 1.0), None, fx=0.45, fy=0.45, interpolation=cv2.INTER_AREA)
    photo = cv2.imdecode(cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, 50])[1], cv2.IMREAD_GRAYSCALE)
    assert read_codes(photo, thorough=False) == []
    assert [c.text for c in read_codes(photo)] == ["50012345"]
