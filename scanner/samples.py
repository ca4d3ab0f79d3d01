"""Synthetic camera images for demos and tests: codes as a camera sees them.

    >>> frame = code_photo("HKV1:7KQ2M9")        # a QR code on paper, held at an angle
    >>> blank = empty_scene()                     # the camera with nothing held up
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
import segno


def empty_scene(seed: int = 1, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """A textured, unevenly lit background (BGR)."""
    w, h = size
    rng = np.random.default_rng(seed)
    scene = rng.normal(120, 25, (h, w, 3)).clip(0, 255).astype(np.uint8)
    scene = cv2.GaussianBlur(scene, (0, 0), 3)
    light = np.linspace(0.7, 1.15, w)[None, :, None]
    return (scene * light).clip(0, 255).astype(np.uint8)


def code_photo(text: str, seed: int = 1, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """`text` as a QR code printed on paper, held at an angle in front of the camera,
    slightly blurred (BGR)."""
    buf = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buf, kind="png", scale=12, border=4)
    code = cv2.imdecode(np.frombuffer(buf.getvalue(), np.uint8), cv2.IMREAD_COLOR)
    h, w = code.shape[:2]
    scene = empty_scene(seed, size)
    sx, sy = size[0] / 1280, size[1] / 720
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[430 * sx, 150 * sy], [860 * sx, 185 * sy], [835 * sx, 600 * sy], [410 * sx, 570 * sy]])
    matrix = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(code, matrix, size)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, size)
    scene[mask > 0] = warped[mask > 0]
    return cv2.GaussianBlur(scene, (0, 0), 1.1)


# --- documents as a camera sees them -------------------------------------------------------

_WORDS = ("council tax housing benefit account payment reference date address please note your "
          "claim income rent period statement amount balance total borough street road avenue "
          "name number month year weekly monthly annual bill letter notice of decision we have "
          "received the following information from you about this").split()

PAGE_SIZE = (827, 1169)     # A4 at 100 dpi, portrait (w, h)
CARD_SIZE = (856, 540)      # ID-1 card, 85.6 x 54 mm at 10 px/mm


def _text_line(canvas: np.ndarray, rng, x: int, y: int, width: int, scale: float, colour) -> None:
    words, cursor = [], x
    while True:
        word = _WORDS[int(rng.integers(len(_WORDS)))]
        (tw, _), _ = cv2.getTextSize(word, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
        if cursor + tw > x + width:
            break
        words.append((word, cursor))
        cursor += tw + int(12 * scale)
    for word, wx in words:
        cv2.putText(canvas, word, (wx, y), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv2.LINE_AA)


def document_page(seed: int = 1, reference: str | None = None) -> np.ndarray:
    """A council letter or statement on A4 paper, upright (BGR): heading band, address,
    paragraphs, a table, and the claim reference as a QR code when given."""
    rng = np.random.default_rng(seed)
    w, h = PAGE_SIZE
    paper = np.array([250, 251, 252]) - rng.integers(0, 18, 3)[::-1] * np.array([1, 0.6, 0.2])
    page = np.empty((h, w, 3), np.uint8)
    page[:] = paper.astype(np.uint8)
    band = tuple(int(c) for c in rng.choice([[110, 60, 20], [60, 90, 20], [40, 40, 150], [90, 90, 90]]))
    if rng.random() < 0.7:
        cv2.rectangle(page, (60, 50), (60 + int(rng.integers(160, 300)), 110), band, -1)
        cv2.putText(page, "Borough Council", (70, 92), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 255, 255), 2,
                    cv2.LINE_AA)
    y = 170
    for _ in range(4):
        _text_line(page, rng, 80, y, 260, 0.5, (40, 40, 40))
        y += 22
    y += 30
    ink = (30, 30, 30) if rng.random() < 0.8 else (110, 40, 10)
    while y < h - 320:
        for _ in range(int(rng.integers(2, 6))):
            _text_line(page, rng, 80, y, w - 160 - int(rng.integers(0, 120)), 0.55, ink)
            y += 26
        y += 24
    if rng.random() < 0.6:
        top = y
        for row in range(5):
            cv2.line(page, (80, top + row * 30), (w - 80, top + row * 30), (80, 80, 80), 1)
        for col in (80, 330, 560, w - 80):
            cv2.line(page, (col, top), (col, top + 120), (80, 80, 80), 1)
    if reference:
        buf = io.BytesIO()
        segno.make(reference, error="m", micro=False).save(buf, kind="png", scale=6, border=2)
        code = cv2.imdecode(np.frombuffer(buf.getvalue(), np.uint8), cv2.IMREAD_COLOR)
        ch, cw = code.shape[:2]
        page[60:60 + ch, w - 60 - cw:w - 60] = code
        cv2.putText(page, f"Ref {reference}", (w - 60 - cw - 10, 60 + ch + 24), cv2.FONT_HERSHEY_SIMPLEX,
                    0.5, (20, 20, 20), 1, cv2.LINE_AA)
    return page


def document_card(seed: int = 1) -> np.ndarray:
    """An ID-style card (BGR): tinted background, photo, printed lines, rounded corners
    (the corners outside the rounding are transparent black, see `card_mask`)."""
    rng = np.random.default_rng(seed)
    w, h = CARD_SIZE
    tint = rng.integers(150, 245, 3)
    ramp = np.linspace(0.85, 1.05, w)[None, :, None]
    card = (np.ones((h, w, 3)) * tint * ramp).clip(0, 255).astype(np.uint8)
    for i in range(6):
        cv2.line(card, (0, 60 + i * 70), (w, 20 + i * 80), tuple(int(c) for c in tint - 25), 3, cv2.LINE_AA)
    cv2.rectangle(card, (0, 0), (w, 80), tuple(int(c) for c in tint[::-1] // 2), -1)
    cv2.putText(card, "IDENTITY CARD", (30, 55), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 2, cv2.LINE_AA)
    cv2.rectangle(card, (40, 120), (260, 400), (200, 200, 200), -1)
    cv2.ellipse(card, (150, 230), (60, 75), 0, 0, 360, (120, 150, 190), -1)
    cv2.ellipse(card, (150, 400), (100, 90), 0, 180, 360, (90, 60, 50), -1)
    y = 150
    for _ in range(6):
        _text_line(card, rng, 300, y, 500, 0.7, (30, 30, 30))
        y += 45
    return card


def card_mask(size: tuple[int, int] = CARD_SIZE, radius: int = 32) -> np.ndarray:
    w, h = size
    mask = np.zeros((h, w), np.uint8)
    cv2.rectangle(mask, (radius, 0), (w - radius, h), 255, -1)
    cv2.rectangle(mask, (0, radius), (w, h - radius), 255, -1)
    for cx, cy in ((radius, radius), (w - radius, radius), (radius, h - radius), (w - radius, h - radius)):
        cv2.circle(mask, (cx, cy), radius, 255, -1, cv2.LINE_AA)
    return mask


_REAL_TEXTURES = ("brick.png", "grass.png", "gravel.png", "coffee.png", "chelsea.png", "astronaut.png",
                  "rocket.jpg", "camera.png", "coins.png", "hubble_deep_field.jpg", "motorcycle_left.png",
                  "retina.jpg", "ihc.png", "page.png", "text.png")


def _texture_folder():
    try:
        import importlib.util

        spec = importlib.util.find_spec("skimage")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    from pathlib import Path

    return Path(list(spec.submodule_search_locations)[0]) / "data"


def real_textures() -> list[str]:
    """The photographs scikit-image ships (a test dependency): brick, grass, gravel, a
    coffee table, a cat, a printed page, ... Empty when it is not installed."""
    folder = _texture_folder()
    if folder is None:
        return []
    return [name for name in _REAL_TEXTURES if (folder / name).exists()]


def _real_texture(name: str, size: tuple[int, int], rng) -> np.ndarray:
    image = cv2.imread(str(_texture_folder() / name), cv2.IMREAD_COLOR)
    w, h = size
    ih, iw = image.shape[:2]
    zoom = max(w / iw, h / ih) * rng.uniform(1.0, 1.6)
    image = cv2.resize(image, (int(iw * zoom) + 1, int(ih * zoom) + 1), interpolation=cv2.INTER_LINEAR)
    y = int(rng.integers(0, image.shape[0] - h + 1))
    x = int(rng.integers(0, image.shape[1] - w + 1))
    return image[y:y + h, x:x + w].copy()


def background(seed: int, size: tuple[int, int] = (1280, 720), kind: str | None = None) -> np.ndarray:
    """A surface to hold a document over (BGR): wood, cloth, tiles, a cluttered desk, a pale
    desk close to paper white, a dark desk, or (with scikit-image) a real photograph."""
    rng = np.random.default_rng(seed)
    kinds = ["wood", "cloth", "tiles", "clutter", "pale", "dark", "noise"] + real_textures() * 2
    kind = kind or kinds[int(rng.integers(len(kinds)))]
    w, h = size
    if kind in _REAL_TEXTURES:
        return _real_texture(kind, size, rng)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        base = rng.uniform(60, 140, 3)[::-1] * np.array([0.55, 0.8, 1.0])
        grain = np.sin((yy + 30 * np.sin(xx / rng.uniform(80, 200))) / rng.uniform(3, 9)) * 18
        scene = base[None, None, :] + grain[..., None]
    elif kind == "cloth":
        base = rng.uniform(40, 200, 3)
        weave = (np.sin(xx / 1.6) * np.sin(yy / 1.6)) * 20
        scene = base[None, None, :] + weave[..., None]
    elif kind == "tiles":
        step = int(rng.integers(60, 160))
        base = rng.uniform(120, 220, 3)
        scene = np.broadcast_to(base, (h, w, 3)).copy()
        grout = ((xx % step) < 4) | ((yy % step) < 4)
        scene[grout] *= 0.55
    elif kind == "clutter":
        scene = np.broadcast_to(rng.uniform(90, 190, 3), (h, w, 3)).copy()
        for _ in range(int(rng.integers(8, 25))):
            colour = rng.uniform(0, 255, 3).tolist()
            x0, y0 = int(rng.integers(-100, w)), int(rng.integers(-100, h))
            if rng.random() < 0.5:
                cv2.rectangle(scene, (x0, y0), (x0 + int(rng.integers(30, 300)), y0 + int(rng.integers(30, 300))),
                              colour, -1)
            else:
                cv2.circle(scene, (x0, y0), int(rng.integers(10, 120)), colour, -1)
        for _ in range(int(rng.integers(0, 10))):
            cv2.line(scene, (int(rng.integers(0, w)), int(rng.integers(0, h))),
                     (int(rng.integers(0, w)), int(rng.integers(0, h))), rng.uniform(0, 255, 3).tolist(), 2)
    elif kind == "pale":
        scene = np.broadcast_to(rng.uniform(195, 235, 3), (h, w, 3)).copy()
    elif kind == "dark":
        scene = np.broadcast_to(rng.uniform(15, 60, 3), (h, w, 3)).copy()
    else:
        scene = np.broadcast_to(rng.uniform(70, 170, 3), (h, w, 3)).copy()
    scene = scene + rng.normal(0, 6, (h, w, 3))
    return cv2.GaussianBlur(scene.clip(0, 255).astype(np.uint8), (0, 0), 1.2)


@dataclass
class Shot:
    """A generated camera frame and where the document truly is in it."""
    image: np.ndarray
    quad: np.ndarray | None          # 4x2 float32, the document's own TL, TR, BR, BL; None if absent
    kind: str
    settings: dict


def document_photo(seed: int, size: tuple[int, int] = (1280, 720), kind: str | None = None,
                   background_kind: str | None = None, *, blur: float = 0.0, dark: float = 1.0,
                   glare: float = 0.0, hand: bool | None = None, out_of_frame: bool | None = None,
                   fill: float | None = None, reference: str | None = None) -> Shot:
    """A page or card held or laid in front of the camera, in perspective, with the true
    corners. Unset options are drawn at random from `seed`."""
    rng = np.random.default_rng(seed)
    kind = kind or ("page" if rng.random() < 0.6 else "card")
    if kind == "page":
        document, mask = document_page(seed, reference), None
    else:
        document = document_card(seed)
        mask = card_mask()
    dh, dw = document.shape[:2]
    w, h = size
    scene = background(seed + 7919, size, background_kind).astype(np.float32)

    fill = fill if fill is not None else rng.uniform(0.25, 0.7)
    scale = np.sqrt(fill * w * h / (dw * dh))
    angle = rng.uniform(-25, 25) + (90 if rng.random() < 0.15 else 0)
    out_of_frame = bool(rng.random() < 0.12) if out_of_frame is None else out_of_frame
    rect = np.float32([[-dw / 2, -dh / 2], [dw / 2, -dh / 2], [dw / 2, dh / 2], [-dw / 2, dh / 2]]) * scale
    rot = np.deg2rad(angle)
    rmat = np.float32([[np.cos(rot), -np.sin(rot)], [np.sin(rot), np.cos(rot)]])
    quad = rect @ rmat.T
    span = np.abs(quad).max(axis=0)
    if (span * 2 > np.array([w, h]) * 0.98).any():
        shrink = float(min(w * 0.49 / span[0], h * 0.49 / span[1]))
        quad *= shrink
        span = np.abs(quad).max(axis=0)
    tilt = rng.uniform(-0.09, 0.09, (4, 2)) * np.array([span[0], span[1]])
    quad = quad + tilt
    span = np.abs(quad).max(axis=0)
    if (span * 2 > np.array([w, h]) * 0.97).any():
        quad *= float(min(w * 0.485 / span[0], h * 0.485 / span[1]))
        span = np.abs(quad).max(axis=0)
    room = np.maximum(np.array([w / 2, h / 2]) - span, 0)
    centre = np.array([w / 2, h / 2]) + rng.uniform(-1, 1, 2) * room * 0.8
    quad = (quad + centre).astype(np.float32)
    if out_of_frame:
        # the corner nearest an edge of the picture goes just past it
        gaps = np.stack([quad[:, 0], w - quad[:, 0], quad[:, 1], h - quad[:, 1]], axis=1)
        corner, side = np.unravel_index(int(np.argmin(gaps)), gaps.shape)
        beyond = gaps[corner, side] + rng.uniform(5, 40)
        shift = {0: (-beyond, 0), 1: (beyond, 0), 2: (0, -beyond), 3: (0, beyond)}[int(side)]
        quad = (quad + np.array(shift)).astype(np.float32)

    src = np.float32([[0, 0], [dw, 0], [dw, dh], [0, dh]])
    matrix = cv2.getPerspectiveTransform(src, quad)
    warped = cv2.warpPerspective(document, matrix, size, flags=cv2.INTER_AREA).astype(np.float32)
    alpha_src = mask if mask is not None else np.full((dh, dw), 255, np.uint8)
    alpha = cv2.warpPerspective(alpha_src, matrix, size, flags=cv2.INTER_LINEAR).astype(np.float32) / 255
    # paper casts a soft shadow on the surface below it
    shadow = cv2.GaussianBlur(alpha, (0, 0), 6)
    shadow = np.roll(shadow, (4, 3), axis=(0, 1))
    scene *= (1 - 0.35 * shadow)[..., None]
    scene = scene * (1 - alpha[..., None]) + warped * alpha[..., None]

    hand = bool(rng.random() < 0.3) if hand is None else hand
    if hand:
        side = int(rng.integers(4))
        a, b = quad[side], quad[(side + 1) % 4]
        t = rng.uniform(0.2, 0.8)
        point = a + (b - a) * t
        inward = np.array([-(b - a)[1], (b - a)[0]])
        inward /= np.linalg.norm(inward) + 1e-6
        if np.dot(quad.mean(axis=0) - point, inward) < 0:
            inward = -inward
        skin = np.array([rng.uniform(80, 150), rng.uniform(120, 180), rng.uniform(170, 235)])
        thumb = point + inward * rng.uniform(15, 35)
        axis = (int(rng.uniform(22, 34)), int(rng.uniform(45, 70)))
        ang = float(np.degrees(np.arctan2(inward[1], inward[0]))) + 90
        palm = point - inward * rng.uniform(60, 90)
        layer = np.zeros((h, w), np.uint8)
        cv2.ellipse(layer, (int(thumb[0]), int(thumb[1])), axis, ang, 0, 360, 255, -1, cv2.LINE_AA)
        cv2.ellipse(layer, (int(palm[0]), int(palm[1])), (110, 80), ang, 0, 360, 255, -1, cv2.LINE_AA)
        layer = cv2.GaussianBlur(layer, (0, 0), 1.5).astype(np.float32) / 255
        shade = np.linspace(0.8, 1.1, w)[None, :, None]
        scene = scene * (1 - layer[..., None]) + (skin[None, None, :] * shade) * layer[..., None]

    # light: a gentle gradient across the frame, then the requested darkness and glare
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    g = rng.uniform(-1, 1, 2)
    # the camera's exposure keeps white paper a little below full brightness
    light = 0.9 + 0.16 * (g[0] * (xx / w - 0.5) + g[1] * (yy / h - 0.5))
    scene *= light[..., None] * dark
    if glare > 0:
        centre = quad.mean(axis=0) + rng.uniform(-0.2, 0.2, 2) * np.array([w, h])
        sigma = rng.uniform(0.05, 0.09) * w
        blob = np.exp(-(((xx - centre[0]) ** 2 + (yy - centre[1]) ** 2) / (2 * sigma ** 2)))
        scene += (blob * 255 * glare)[..., None]
    scene += rng.normal(0, 2.5, scene.shape)
    image = scene.clip(0, 255).astype(np.uint8)
    if blur > 0:
        image = cv2.GaussianBlur(image, (0, 0), blur)
    else:
        image = cv2.GaussianBlur(image, (0, 0), 0.6)
    quality = int(rng.integers(70, 95))
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    image = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
    settings = {"fill": round(float(fill), 3), "angle": round(float(angle), 1), "hand": hand,
                "out_of_frame": out_of_frame, "blur": blur, "dark": dark, "glare": glare}
    return Shot(image, quad, kind, settings)


def demo_video(path, invite_code: str, reference: str = "HKR1:CT:50012345", size: tuple[int, int] = (960, 540),
               fps: int = 10) -> int:
    """Write the demo kiosk's stand-in camera: a video (MJPEG in AVI, which every OpenCV
    build can read) that loops through what a person holds up. Returns the frame count.

    0-2 s an empty desk; 2-7 s a council letter (its QR code carries `reference`) brought
    in and held still; 7-8 s empty; 8-12 s the visitor invitation `invite_code` as a QR
    code; 12-13 s empty; 13-18 s an ID card held still.
    """
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    if not writer.isOpened():
        raise OSError(f"cannot write a video at {path}")
    frames = 0

    def hold(image, seconds: float, drift: float = 0.0) -> None:
        nonlocal frames
        n = int(seconds * fps)
        for i in range(n):
            shift = drift * max(0, (n // 3) - i)      # slides in, then stays still
            moved = cv2.warpAffine(image, np.float32([[1, 0, shift], [0, 1, 0]]), size,
                                   borderMode=cv2.BORDER_REFLECT)
            writer.write(moved)
            frames += 1

    desk = background(5, size, "wood")
    letter = document_photo(21, size, kind="page", background_kind="wood", hand=False, out_of_frame=False,
                            fill=0.5, reference=reference).image
    card = document_photo(22, size, kind="card", background_kind="wood", hand=False, out_of_frame=False,
                          fill=0.35).image
    invite = cv2.resize(code_photo(f"HKV1:{invite_code}"), size, interpolation=cv2.INTER_AREA)
    hold(desk, 2)
    hold(letter, 5, drift=12)
    hold(desk, 1)
    hold(invite, 4)
    hold(desk, 1)
    hold(card, 5, drift=10)
    writer.release()
    return frames
