"""Quality checks and the live preview's guidance, on generated frames."""

import numpy as np
import pytest

from scanner.detect import Quad, find_document
from scanner.live import LiveScanner
from scanner.quality import assess, sharpness
from scanner.samples import document_page, document_photo, empty_scene
from tests.helpers import FakeClock


def problems(**settings):
    shot = document_photo(5, kind="page", hand=False, out_of_frame=False, **settings)
    return assess(shot.image, find_document(shot.image)).problems


def test_a_good_frame_has_no_problem():
    assert problems(fill=0.5) == ()


@pytest.mark.parametrize("settings, problem", [
    ({"blur": 4.0, "fill": 0.5}, "blurry"),
    ({"dark": 0.3, "fill": 0.5}, "too_dark"),
    ({"glare": 0.6, "fill": 0.5}, "glare"),
    ({"fill": 0.1}, "too_small"),
])
def test_each_problem_is_named(settings, problem):
    assert problem in problems(**settings)


def test_nothing_found_and_out_of_frame():
    assert assess(empty_scene(), None).problems == ("no_document",)
    shot = document_photo(50, kind="page", out_of_frame=True, hand=False, fill=0.45)
    result = assess(shot.image, find_document(shot.image))
    assert result.first_problem == "not_in_frame"


def test_sharpness_falls_as_the_page_blurs_whatever_its_contrast():
    import cv2

    page = cv2.cvtColor(document_page(3), cv2.COLOR_BGR2GRAY)
    faint = (page.astype(np.float32) * 0.3 + 170).astype(np.uint8)
    for image in (page, faint):
        values = [sharpness(cv2.GaussianBlur(image, (0, 0), s)) for s in (0.3, 1.5, 3.0)]
        assert values[0] > 0.7 and values[0] > values[1] > values[2] and values[2] < 0.2, values
    assert sharpness(np.full((300, 200), 240, np.uint8)) == 1.0   # a blank page: nothing to judge


def test_live_scanner_captures_once_the_page_is_steady():
    clock = FakeClock()
    live = LiveScanner(clock=clock, steady_seconds=0.8)
    frame = document_photo(5, kind="page", hand=False, out_of_frame=False, fill=0.35).image
    assert live.analyse(empty_scene()).problem == "no_document"
    first = live.analyse(frame)
    assert first.problem == "hold_still" and not first.capture and first.quad is not None
    clock.now += 0.4
    half = live.analyse(frame)
    assert half.problem is None and 0.4 < half.progress < 0.6 and not half.capture
    clock.now += 0.5
    assert live.analyse(frame).capture


def test_live_scanner_starts_again_when_the_page_moves_or_goes():
    clock = FakeClock()
    live = LiveScanner(clock=clock, steady_seconds=0.8)
    one = document_photo(5, kind="page", hand=False, out_of_frame=False, fill=0.35).image
    moved = np.roll(one, 60, axis=1)
    live.analyse(one)
    clock.now += 0.6
    assert live.analyse(moved).problem == "hold_still"
    clock.now += 0.6
    assert not live.analyse(moved).capture     # only 0.6 s steady since it moved
    assert live.analyse(empty_scene()).problem == "no_document"


def test_manual_mode_never_captures_by_itself():
    clock = FakeClock()
    live = LiveScanner(clock=clock, auto=False)
    frame = document_photo(5, kind="page", hand=False, out_of_frame=False, fill=0.35).image
    for _ in range(3):
        step = live.analyse(frame)
        clock.now += 1
    assert step.progress == 1.0 and not step.capture


def test_quad_outside_the_picture_is_not_in_frame():
    quad = Quad.from_array([[-20, 10], [500, 10], [500, 400], [-20, 400]])
    image = np.full((480, 640, 3), 200, np.uint8)
    assert assess(image, quad).problems[0] == "not_in_frame"


def test_the_demo_video_is_scanned_as_a_camera_would_see_it(tmp_path):
    """The generated demo video through the video camera: the letter's reference read from
    its QR code, the letter and the card each captured by themselves once held still, the
    invitation read."""
    import cv2

    from scanner.camera import open_camera
    from scanner.codes import read_codes
    from scanner.samples import demo_video

    path = tmp_path / "camera.avi"
    frames = demo_video(path, "7KQ2M9")
    assert frames == 180
    now = [0.0]
    camera = open_camera(f"video:{path}")
    camera._clock = lambda: now[0]          # play the video at our pace, frame by frame
    camera._started = 0.0
    live = LiveScanner(clock=lambda: now[0])
    captured, texts = [], set()
    for n in range(frames):
        now[0] = (n + 0.5) / 10
        frame = camera.read()
        assert frame is not None and frame.shape == (540, 960, 3)
        step = live.analyse(frame)
        if step.capture:
            captured.append(round(now[0], 1))
            live.reset()
        if n % 5 == 0:
            texts |= {code.text for code in read_codes(frame, thorough=False)}
    camera.close()
    assert {"HKR1:CT:50012345", "HKV1:7KQ2M9"} <= texts
    assert any(2 < t < 7 for t in captured) and any(13 < t < 18 for t in captured), captured
    assert not any(t < 2 for t in captured)                  # nothing taken of the empty desk
    assert cv2.VideoCapture(str(path)).get(cv2.CAP_PROP_FPS) == 10
