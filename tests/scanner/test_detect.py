"""Finding pages and cards in generated camera frames: real OpenCV on real pixels, the
documents warped onto photographs (scikit-image's), held with a hand, partly out of frame,
blurred, darkened, glared; and frames with no document at all."""

import numpy as np
import pytest

from scanner.detect import Quad, find_document, order_corners, quad_iou, still_there
from scanner.samples import background, document_photo, empty_scene, real_textures


def iou(shot) -> float:
    quad = find_document(shot.image)
    return quad.iou(shot.quad) if quad else 0.0


def test_the_bundled_photographs_are_there_to_test_on():
    """Without scikit-image the 'real texture' half of these tests would silently vanish."""
    assert len(real_textures()) >= 12


def test_mean_iou_on_forty_varied_frames_is_high():
    """Pages and cards on every kind of surface, sizes, angles, hands, some corners out of
    the picture: the mean IoU with the true corners."""
    scores = [iou(document_photo(seed, (1280, 720) if seed % 3 else (960, 1280))) for seed in range(2000, 2040)]
    assert np.mean(scores) >= 0.93, sorted(scores)[:8]
    assert sum(s >= 0.9 for s in scores) >= 32


@pytest.mark.parametrize("surface", ["pale", "wood", "clutter", "brick.png", "grass.png", "page.png"])
@pytest.mark.parametrize("kind", ["page", "card"])
def test_documents_on_busy_and_low_contrast_surfaces(kind, surface):
    """A white page on a pale desk, and on a photo of printed text, among others."""
    shot = document_photo(31, kind=kind, background_kind=surface, hand=False, out_of_frame=False, fill=0.4)
    assert iou(shot) >= 0.85


@pytest.mark.parametrize("condition", [{"blur": 2.0}, {"dark": 0.4}, {"glare": 0.45}, {"hand": True}])
def test_hard_conditions_still_find_the_document(condition):
    found = [iou(document_photo(seed, out_of_frame=False, **{"hand": False, **condition})) for seed in range(41, 49)]
    assert np.mean(found) >= 0.9 and sum(f >= 0.9 for f in found) >= 6, found


def test_a_corner_just_out_of_frame_is_placed_outside_the_image():
    """Corners may lie outside the picture: the sides are followed to where they meet."""
    for seed in (50, 53, 54):
        shot = document_photo(seed, kind="page", out_of_frame=True, hand=False, fill=0.45)
        quad = find_document(shot.image)
        h, w = shot.image.shape[:2]
        assert not quad.inside(w, h) and quad.iou(shot.quad) >= 0.95


def test_corners_are_returned_top_left_first_clockwise():
    shot = document_photo(7, kind="page", hand=False, out_of_frame=False)
    quad = find_document(shot.image)
    (tlx, tly), (trx, try_), (brx, bry), (blx, bly) = quad.points
    assert tlx < trx and bly > tly and brx > blx and bry > try_


def test_no_document_means_none():
    """Plain scenes and photos with no page or card in them: nothing found (the screen
    then asks the person to hold their document up)."""
    assert find_document(empty_scene()) is None
    assert find_document(np.zeros((720, 1280, 3), np.uint8)) is None
    assert find_document(np.zeros((10, 10, 3), np.uint8)) is None
    assert find_document(None) is None
    empty = [background(seed, (1280, 720), kind) for seed in (1, 2) for kind in ("wood", "cloth", "pale", "dark",
                                                                                 "grass.png", "gravel.png")]
    assert sum(find_document(frame) is not None for frame in empty) <= 1


def test_quad_helpers():
    square = np.array([[10, 10], [110, 10], [110, 110], [10, 110]], np.float32)
    shuffled = square[[2, 0, 3, 1]]
    assert (order_corners(shuffled) == square).all()
    assert quad_iou(square, square) == pytest.approx(1.0)
    assert quad_iou(square, square + [50, 0]) == pytest.approx(50 / 150)
    quad = Quad.from_array(shuffled)
    assert quad.points[0] == (10.0, 10.0) and quad.area == pytest.approx(10000)
    assert quad.scaled(2).points[2] == (220.0, 220.0)
    assert quad.inside(200, 200) and not quad.inside(100, 100)


def test_still_there_follows_the_document():
    shot = document_photo(9, hand=False, out_of_frame=False)
    quad = find_document(shot.image)
    assert still_there(shot.image, quad)
    assert not still_there(empty_scene(), quad)
