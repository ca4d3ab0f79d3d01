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
