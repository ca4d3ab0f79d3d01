"""Flattening, enhancement, turning upright and the PDF, on generated photos."""

import io

import cv2
import numpy as np
import pikepdf
import pytest

from scanner import ScannerError
from scanner.detect import Quad, find_document
from scanner.pages import enhance, flatten, make_pdf, page_format, rotate, upright
from scanner.samples import document_card, document_page, document_photo


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised cross-correlation of two images' grey levels at the same small size."""
    size = (200, 280) if a.shape[0] > a.shape[1] else (280, 200)
    ga = cv2.resize(cv2.cvtColor(a, cv2.COLOR_BGR2GRAY) if a.ndim == 3 else a, size, interpolation=cv2.INTER_AREA)
    gb = cv2.resize(cv2.cvtColor(b, cv2.COLOR_BGR2GRAY) if b.ndim == 3 else b, size, interpolation=cv2.INTER_AREA)
    ga, gb = ga.astype(np.float32) - ga.mean(), gb.astype(np.float32) - gb.mean()
    return float((ga * gb).sum() / np.sqrt((ga * ga).sum() * (gb * gb).sum()))


def test_formats_from_the_shape_of_the_quad():
    a4 = page_format(Quad.from_array([[0, 0], [210, 0], [210, 297], [0, 297]]))
    assert (a4.name, a4.size, a4.dpi) == ("a4", (1654, 2339), 200)
    landscape = page_format(Quad.from_array([[0, 0], [297, 0], [297, 210], [0, 210]]))
    assert landscape.size == (2339, 1654)
    card = page_format(Quad.from_array([[0, 0], [856, 0], [856, 540], [0, 540]]))
    assert (card.name, card.size, card.dpi) == ("card", (1011, 638), 300)
    square = page_format(Quad.from_array([[0, 0], [100, 0], [100, 100], [0, 100]]))
    assert square.name == "other" and square.size == (2339, 2339)


def test_flattening_undoes_the_perspective():
    """The flattened page looks like the page that was photographed, not like the photo."""
    shot = document_photo(3, kind="page", hand=False, out_of_frame=False, fill=0.6)
    quad = find_document(shot.image)
    page = flatten(shot.image, quad)
    assert page.shape == (2339, 1654, 3)
    original = document_page(3)
    assert similarity(page, original) > 0.75
    skewed = cv2.resize(shot.image, (1654, 2339))
    assert similarity(skewed, original) < 0.3


def test_enhancement_evens_out_the_light_and_keeps_the_print():
    page = document_page(4)
    h, w = page.shape[:2]
    shade = np.linspace(0.55, 1.0, w)[None, :, None]           # lit from one side
    shaded = (page * shade).astype(np.uint8)
    grey = enhance(shaded, "grey")
    assert grey.ndim == 2
    paper = grey[h // 2 - 20:h // 2 + 20][:, [30, 50, w - 50, w - 30]]   # the margins
    assert paper.min() > 235          # the dim side is as white as the bright side
    original_paper = cv2.cvtColor(shaded, cv2.COLOR_BGR2GRAY)[h // 2, 30]
    assert original_paper < 150
    assert similarity(grey, page) > 0.8
    colour = enhance(shaded, "colour")
    assert colour.shape == page.shape
    card = enhance(document_card(2), "colour", kind="card")
    assert card.shape == document_card(2).shape and similarity(card, document_card(2)) > 0.95
    with pytest.raises(ValueError):
        enhance(page, "sepia")


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_pages_are_turned_the_right_way_up(degrees):
    page = cv2.resize(document_page(6), (1654, 2339), interpolation=cv2.INTER_CUBIC)
    turned = rotate(page, degrees)
    fixed, by = upright(turned)
    assert (by + degrees) % 360 == 0
    assert fixed.shape == page.shape and similarity(fixed, page) > 0.95


def test_a_photo_without_text_is_left_as_it_is():
    photo = cv2.GaussianBlur(np.random.default_rng(1).integers(0, 255, (600, 400, 3), np.uint8), (0, 0), 5)
    assert upright(photo)[1] == 0


def test_three_pages_make_a_pdf_of_real_sizes_under_400_kb_a_page():
    pages, dpis = [], []
    for seed, kind in ((3, "page"), (4, "card"), (8, "page")):
        shot = document_photo(seed, kind=kind, hand=False, out_of_frame=False)
        quad = find_document(shot.image)
        fmt = page_format(quad)
        pages.append(enhance(flatten(shot.image, quad, fmt), "colour", fmt.name))
        dpis.append(fmt.dpi)
    data = make_pdf(pages, dpis)
    pdf = pikepdf.Pdf.open(io.BytesIO(data))
    assert len(pdf.pages) == 3
    sizes = [tuple(round(float(v)) for v in page.mediabox[2:]) for page in pdf.pages]
    assert sizes[0] == (595, 842) and sizes[2] == (595, 842)          # A4 in points
    assert sorted(sizes[1]) == [153, 243]                            # 54 x 85.6 mm
    for page in pdf.pages:
        for _, image in page.images.items():
            assert len(image.read_raw_bytes()) < 400_000
    assert len(data) < 3 * 400_000


def test_no_pages_no_pdf():
    with pytest.raises(ScannerError):
        make_pdf([])
