"""Find a document (a page or a card) in a camera frame.

    >>> quad = find_document(frame)          # doctest: +SKIP
    >>> quad.points                          # top-left, top-right, bottom-right, bottom-left
    ((212.4, 80.1), (1011.9, 95.7), (998.0, 660.3), (220.5, 641.2))

How it works, and why it is more than "Canny, then the largest quadrilateral":

1. Work on a small copy (long side `work_size`), in three channels (lightness and the two
   colour axes of CIELAB), so a white page on a pale desk still differs in colour or
   lightness somewhere. Text is closed away first so the page is one smooth area.
2. Candidates come from several sources: contours of edges at two sensitivities, regions
   from Otsu thresholds of each channel, and quadrilaterals assembled from the strongest
   straight lines (Hough), which still find a page whose corner is covered by a thumb or
   lies just outside the frame. Polygons with more than four corners (a clipped corner, a
   card's rounded corners, a finger on an edge) become quadrilaterals by intersecting their
   four longest sides, so corners may lie outside the image.
3. Every candidate is scored by how much of its outline lies on a real edge (gradient
   across the side, checked in all channels), by its size, and by how plausible its shape
   is. The best one above `min_support` wins.
4. The winner's sides are refined on a larger copy: along each side, the strongest edge
   across it is found and a robust line is fitted (Huber), so a hand or a shadow on part of
   a side does not pull it; corners are where the lines meet.

Thresholds are keyword arguments with defaults measured on `bench/detection.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import cv2
import numpy as np


@dataclass(frozen=True)
class Quad:
    """Four corners in image pixels: top-left, top-right, bottom-right, bottom-left."""

    points: tuple[tuple[float, float], ...]

    @classmethod
    def from_array(cls, array) -> Quad:
        ordered = order_corners(np.asarray(array, np.float64).reshape(4, 2))
        return cls(tuple((round(float(x), 1), round(float(y), 1)) for x, y in ordered))

    def array(self) -> np.ndarray:
        return np.array(self.points, np.float32)

    def scaled(self, factor: float) -> Quad:
        return Quad.from_array(self.array() * factor)

    @property
    def area(self) -> float:
        return float(abs(cv2.contourArea(self.array())))

    def inside(self, width: int, height: int, margin: float = 0.0) -> bool:
        """True when every corner lies within the image, `margin` pixels from its edge."""
        a = self.array()
        return bool((a[:, 0] >= margin).all() and (a[:, 1] >= margin).all()
                    and (a[:, 0] <= width - 1 - margin).all() and (a[:, 1] <= height - 1 - margin).all())

    def iou(self, other) -> float:
        """Intersection over union with another quad (or 4x2 array of corners)."""
        b = other.array() if isinstance(other, Quad) else np.asarray(other, np.float32)
        return quad_iou(self.array(), b)


def order_corners(points: np.ndarray) -> np.ndarray:
    """Corners in clockwise order (on screen) starting from the one nearest the top left."""
    points = np.asarray(points, np.float64).reshape(4, 2)
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    clockwise = points[np.argsort(angles)]
    start = int(np.argmin(clockwise.sum(axis=1)))
    return np.roll(clockwise, -start, axis=0)


def quad_iou(a: np.ndarray, b: np.ndarray) -> float:
    a = order_corners(a).astype(np.float32)
    b = order_corners(b).astype(np.float32)
    if not (cv2.isContourConvex(a) and cv2.isContourConvex(b)):
        return 0.0
    inter, _ = cv2.intersectConvexConvex(a, b)
    union = abs(cv2.contourArea(a)) + abs(cv2.contourArea(b)) - inter
    return float(inter / union) if union > 0 else 0.0


# --- the small image and what is measured on it ------------------------------------------

class _View:
    """A downscaled frame with its channels and gradients, computed once per frame."""

    def __init__(self, image: np.ndarray, work_size: int) -> None:
        h, w = image.shape[:2]
        self.scale = min(1.0, work_size / max(h, w))
        small = cv2.resize(image, (max(1, round(w * self.scale)), max(1, round(h * self.scale))),
                           interpolation=cv2.INTER_AREA) if self.scale < 1 else image
        if small.ndim == 2:
            small = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
        self.h, self.w = small.shape[:2]
        lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
        self.channels = []
        for i in range(3):
            # closing removes dark print from a bright page, opening light print from a dark
            # band: what is left are the large areas a document is made of
            channel = cv2.morphologyEx(lab[:, :, i], cv2.MORPH_CLOSE, kernel)
            channel = cv2.morphologyEx(channel, cv2.MORPH_OPEN, kernel)
            self.channels.append(cv2.GaussianBlur(channel, (5, 5), 0))
        # colour axes carry less contrast than lightness; weigh them up
        weights = (1.0, 2.0, 2.0)
        gx = np.stack([cv2.Sobel(c, cv2.CV_32F, 1, 0, ksize=3) * k for c, k in zip(self.channels, weights, strict=True)])
        gy = np.stack([cv2.Sobel(c, cv2.CV_32F, 0, 1, ksize=3) * k for c, k in zip(self.channels, weights, strict=True)])
        self.gx, self.gy = gx, gy
        magnitude = np.sqrt(gx ** 2 + gy ** 2).max(axis=0)
        self.magnitude = magnitude
        self.edge_level = max(12.0, float(np.percentile(magnitude, 90)) * 0.5)


def _edges(view: _View) -> list[np.ndarray]:
    maps = []
    for low, high in ((25, 70), (60, 160)):
        combined = np.zeros((view.h, view.w), np.uint8)
        for channel, k in zip(view.channels, (1, 2, 2), strict=True):
            source = channel if k == 1 else cv2.normalize(channel, None, 0, 255, cv2.NORM_MINMAX)
            combined |= cv2.Canny(source, low, high, L2gradient=True)
        maps.append(combined)
    return maps


# --- candidates ----------------------------------------------------------------------------

def _line_intersection(p1, p2, p3, p4):
    d1, d2 = p2 - p1, p4 - p3
    denom = d1[0] * d2[1] - d1[1] * d2[0]
    if abs(denom) < 1e-9:
        return None
    t = ((p3[0] - p1[0]) * d2[1] - (p3[1] - p1[1]) * d2[0]) / denom
    return p1 + t * d1


def _polygon_to_quad(polygon: np.ndarray, w: int, h: int) -> np.ndarray | None:
    """A quadrilateral from a convex polygon: its four longest sides not lying on the image
    border, extended until they meet."""
    polygon = polygon.reshape(-1, 2).astype(np.float64)
    n = len(polygon)
    if n < 4:
        return None
    if n == 4:
        return polygon
    sides = []
    for i in range(n):
        a, b = polygon[i], polygon[(i + 1) % n]
        on_border = ((a[0] < 2 and b[0] < 2) or (a[1] < 2 and b[1] < 2)
                     or (a[0] > w - 3 and b[0] > w - 3) or (a[1] > h - 3 and b[1] > h - 3))
        sides.append((float(np.hypot(*(b - a))), i, on_border))
    usable = [s for s in sides if not s[2]]
    if len(usable) == 3:
        # one side out of the picture: the frame's edge stands in for it
        border = [s for s in sides if s[2]]
        if border:
            usable.append(max(border))
    if len(usable) < 4:
        return None
    keep = sorted(sorted(usable, reverse=True)[:4], key=lambda s: s[1])
    corners = []
    for j in range(4):
        _, i, _ = keep[j]
        _, k, _ = keep[(j + 1) % 4]
        point = _line_intersection(polygon[i], polygon[(i + 1) % n], polygon[k], polygon[(k + 1) % n])
        if point is None:
            return None
        corners.append(point)
    quad = np.array(corners)
    diagonal = np.hypot(w, h)
    if np.abs(quad - np.array([w / 2, h / 2])).max() > diagonal:
        return None
    return quad


def _contour_quads(contour: np.ndarray, w: int, h: int) -> list[np.ndarray]:
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    found = []
    for eps in (0.01, 0.02, 0.04):
        polygon = cv2.approxPolyDP(hull, eps * perimeter, True)
        if 4 <= len(polygon) <= 8:
            quad = _polygon_to_quad(polygon, w, h)
            if quad is not None:
                found.append(quad)
    return found


def _contour_candidates(view: _View, edge_maps, min_area: float) -> list[np.ndarray]:
    area_floor = min_area * view.w * view.h
    candidates = []
    kernel = np.ones((3, 3), np.uint8)
    sources = [cv2.dilate(e, kernel) for e in edge_maps]
    for channel in view.channels:
        _, bright = cv2.threshold(channel, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        bright = cv2.morphologyEx(bright, cv2.MORPH_OPEN, kernel, iterations=2)
        sources.append(bright)
        sources.append(255 - bright)
    for source in sources:
        contours, _ = cv2.findContours(source, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        big = [c for c in contours if cv2.contourArea(cv2.convexHull(c)) > area_floor]
        big.sort(key=lambda c: cv2.contourArea(cv2.convexHull(c)), reverse=True)
        for contour in big[:6]:
            candidates.extend(_contour_quads(contour, view.w, view.h))
    return candidates


_MIN_CROSS = float(np.radians(35))


class _Line:
    """An infinite line through the small image, with how much of it lies on an edge
    across it, summed along its length so that any stretch can be scored at once."""

    def __init__(self, view: _View, point: np.ndarray, direction: np.ndarray, border: bool = False) -> None:
        self.direction = direction / np.linalg.norm(direction)
        self.normal = np.array([-self.direction[1], self.direction[0]])
        centre = np.array([view.w / 2, view.h / 2])
        self.origin = point + np.dot(centre - point, self.direction) * self.direction
        self.border = border
        self.reach = float(np.hypot(view.w, view.h))
        t = np.arange(-self.reach, self.reach + 1.0)
        points = self.origin[None, :] + t[:, None] * self.direction[None, :]
        inside = ((points[:, 0] >= 1) & (points[:, 0] < view.w - 2)
                  & (points[:, 1] >= 1) & (points[:, 1] < view.h - 2))
        hits = np.zeros(len(t), bool)
        if not border and inside.any():
            best = np.zeros(int(inside.sum()), np.float32)
            for offset in (-1.0, 0.0, 1.0):
                p = points[inside] + offset * self.normal
                xs = np.clip(np.round(p[:, 0]).astype(int), 0, view.w - 1)
                ys = np.clip(np.round(p[:, 1]).astype(int), 0, view.h - 1)
                across = np.abs(view.gx[:, ys, xs] * self.normal[0] + view.gy[:, ys, xs] * self.normal[1]).max(axis=0)
                best = np.maximum(best, across)
            hits[inside] = best > view.edge_level
        self.cum_hits = np.concatenate([[0], np.cumsum(hits)])
        self.cum_inside = np.concatenate([[0], np.cumsum(inside)])
        self.strength = float(hits.sum())

    def angle(self) -> float:
        return float(np.arctan2(self.direction[1], self.direction[0]) % np.pi)

    def offset(self) -> float:
        return float(np.dot(self.origin, self.normal))


def _cross(a: _Line, b: _Line):
    """Where two lines meet, as the distance along each from its origin."""
    matrix = np.array([a.direction, -b.direction]).T
    if abs(np.linalg.det(matrix)) < 1e-6:
        return None
    ta, tb = np.linalg.solve(matrix, b.origin - a.origin)
    return float(ta), float(tb)


def _segments(view: _View) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Long straight edges: (point, direction, length) from the line segment detector."""
    detector = cv2.createLineSegmentDetector()
    found = detector.detect(view.channels[0])[0]
    if found is None:
        return []
    out = []
    for x1, y1, x2, y2 in found.reshape(-1, 4):
        d = np.array([x2 - x1, y2 - y1], np.float64)
        length = float(np.hypot(*d))
        if length > 0.1 * min(view.w, view.h):
            out.append((np.array([x1, y1], np.float64), d, length))
    return out


def _line_pool(view: _View, edges: np.ndarray, max_lines: int = 18) -> list[_Line]:
    proposals = []   # (weight, point, direction)
    for point, direction, length in _segments(view):
        proposals.append((length, point, direction))
    hough = cv2.HoughLines(edges, 1, np.pi / 180, threshold=max(20, min(view.w, view.h) // 6))
    if hough is not None:
        for rank, (rho, theta) in enumerate(hough[:40, 0, :]):
            normal = np.array([np.cos(theta), np.sin(theta)])
            proposals.append((min(view.w, view.h) * 0.3 / (1 + rank * 0.1), normal * rho,
                              np.array([-normal[1], normal[0]])))
    proposals.sort(key=lambda p: -p[0])
    lines: list[_Line] = []
    tried: list[tuple[float, np.ndarray, np.ndarray]] = []
    for _, point, direction in proposals:
        direction = direction / (np.linalg.norm(direction) + 1e-12)
        angle = float(np.arctan2(direction[1], direction[0]) % np.pi)
        if any(_same(angle, point, a, p, n, view) for a, p, n in tried):
            continue
        tried.append((angle, point, np.array([-direction[1], direction[0]])))
        line = _Line(view, point, direction)
        if line.strength < 0.08 * min(view.w, view.h):
            continue
        lines.append(line)
        if len(lines) >= max_lines:
            break
    lines.sort(key=lambda line: -line.strength)
    for point, direction in (((0, 0), (1, 0)), ((0, view.h - 1), (1, 0)), ((0, 0), (0, 1)), ((view.w - 1, 0), (0, 1))):
        lines.append(_Line(view, np.array(point, np.float64), np.array(direction, np.float64), border=True))
    return lines


def _same(angle: float, point: np.ndarray, other_angle: float, other_point: np.ndarray, other_normal: np.ndarray,
          view: _View) -> bool:
    d = abs(angle - other_angle)
    if min(d, np.pi - d) > 0.07:     # 4 degrees
        return False
    return abs(float(np.dot(point - other_point, other_normal))) < 0.025 * max(view.w, view.h)


def _line_candidates(view: _View, edges: np.ndarray, keep: int = 24, max_lines: int = 18) -> list[np.ndarray]:
    """Quadrilaterals assembled from two pairs of roughly opposite lines, the best `keep`
    by the share of their outline on edges (found with the lines' running sums)."""
    lines = _line_pool(view, edges, max_lines)
    n = len(lines)
    size = min(view.w, view.h)
    crossings = {}
    for i, j in combinations(range(n), 2):
        c = _cross(lines[i], lines[j])
        if c is not None:
            crossings[i, j] = c
            crossings[j, i] = (c[1], c[0])
    pairs = []
    for i, j in combinations(range(n), 2):
        d = abs(lines[i].angle() - lines[j].angle())
        if min(d, np.pi - d) < np.radians(30) and not (lines[i].border and lines[j].border):
            gap = abs(np.dot(lines[j].origin - lines[i].origin, lines[i].normal))
            if gap > 0.15 * size:
                pairs.append((i, j))
    cums = [(line.cum_hits.tolist(), line.cum_inside.tolist(), len(line.cum_hits) - 1, line.reach) for line in lines]
    angles = [line.angle() for line in lines]
    borders = [line.border for line in lines]
    scored = []
    for (i, j), (k, m) in combinations(pairs, 2):
        if len({i, j, k, m}) < 4 or borders[i] + borders[j] + borders[k] + borders[m] > 1:
            continue
        d = abs(angles[i] - angles[k])
        if min(d, np.pi - d) < _MIN_CROSS:
            continue
        if not all(key in crossings for key in ((i, k), (i, m), (j, k), (j, m))):
            continue
        total, seen_sides = 0.0, 0
        for line, x, y in ((i, k, m), (j, k, m), (k, i, j), (m, i, j)):
            t0, t1 = crossings[line, x][0], crossings[line, y][0]
            if t0 > t1:
                t0, t1 = t1, t0
            hits, seen, last, reach = cums[line]
            a = min(max(int(t0 + reach), 0), last)
            b = min(max(int(t1 + reach), 0), last)
            inside = seen[b] - seen[a]
            if b - a < 4:
                total = -1
                break
            if lines[line].border or inside < 0.3 * (b - a):
                total += 0.6
            else:
                total += (hits[b] - hits[a]) / inside
                seen_sides += 1
        if total < 0 or seen_sides < 3 or total / 4 < 0.5:
            continue
        corners = np.array([lines[i].origin + crossings[i, k][0] * lines[i].direction,
                            lines[i].origin + crossings[i, m][0] * lines[i].direction,
                            lines[j].origin + crossings[j, m][0] * lines[j].direction,
                            lines[j].origin + crossings[j, k][0] * lines[j].direction])
        x, y = corners[:, 0], corners[:, 1]
        area = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / (view.w * view.h)
        if area < 0.04:
            continue
        scored.append((total / 4 * area ** 0.15, corners))
    scored.sort(key=lambda s: -s[0])
    return [order_corners(corners) for _, corners in scored[:keep]]


# --- scoring ---------------------------------------------------------------------------------

def _plausible(quad: np.ndarray, view: _View, min_area: float, max_area: float) -> bool:
    q = quad.astype(np.float32)
    if not cv2.isContourConvex(q):
        return False
    area = abs(cv2.contourArea(q))
    frame = view.w * view.h
    if not (min_area * frame <= area <= max_area * frame):
        return False
    for i in range(4):
        a, b, c = quad[i - 1], quad[i], quad[(i + 1) % 4]
        u, v = a - b, c - b
        cos = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-9)
        if not (-0.6 < cos < 0.6):       # corners between about 53 and 127 degrees
            return False
    sides = np.linalg.norm(quad - np.roll(quad, -1, axis=0), axis=1)
    if sides.min() < 0.2 * sides.max():
        return False
    # the document must be mostly in the picture
    clipped, _ = cv2.intersectConvexConvex(q, np.float32([[0, 0], [view.w, 0], [view.w, view.h], [0, view.h]]))
    return clipped >= 0.85 * area


_T_SIDE = np.linspace(0.08, 0.92, 40)
_OFFSETS = np.array([-1.5, 0.0, 1.5])


def _support(view: _View, quad: np.ndarray, outside: float = 0.6) -> tuple[float, float]:
    """How much of each side lies on an edge across it: (mean, weakest) over the sides,
    a side mostly out of the picture counting as `outside`. Two or more such sides: 0."""
    a = quad
    d = np.roll(quad, -1, axis=0) - quad                                   # 4 x 2
    length = np.hypot(d[:, 0], d[:, 1])
    if length.min() < 1:
        return 0.0, 0.0
    normal = np.stack([-d[:, 1], d[:, 0]], axis=1) / length[:, None]      # 4 x 2
    points = a[:, None, :] + _T_SIDE[None, :, None] * d[:, None, :]       # 4 x S x 2
    inside = ((points[..., 0] >= 1) & (points[..., 0] < view.w - 2)
              & (points[..., 1] >= 1) & (points[..., 1] < view.h - 2))     # 4 x S
    shifted = points[:, None, :, :] + _OFFSETS[None, :, None, None] * normal[:, None, None, :]  # 4 x O x S x 2
    xs = np.clip(np.rint(shifted[..., 0]).astype(np.intp), 0, view.w - 1)
    ys = np.clip(np.rint(shifted[..., 1]).astype(np.intp), 0, view.h - 1)
    gx, gy = view.gx[:, ys, xs], view.gy[:, ys, xs]                        # C x 4 x O x S
    across = np.abs(gx * normal[None, :, None, None, 0] + gy * normal[None, :, None, None, 1])
    best = across.max(axis=(0, 2))                                         # 4 x S
    seen = inside.sum(axis=1)
    hits = ((best > view.edge_level) & inside).sum(axis=1)
    out_of_picture = seen < 0.3 * len(_T_SIDE)
    if out_of_picture.sum() > 1:
        return 0.0, 0.0
    scores = np.where(out_of_picture, outside, hits / np.maximum(seen, 1))
    return float(scores.mean()), float(scores.min())


def _overshoot(view: _View, quad: np.ndarray, samples: int = 12) -> float:
    """How far a quad's sides run on as edges past its corners (0: not at all, 1: every
    side does). A document's edge stops at its corner; a line of the background that
    happens to meet three real sides runs on."""
    runs = []
    t = np.linspace(0.04, 0.16, samples)
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        d = b - a
        length = np.hypot(*d)
        normal = np.array([-d[1], d[0]]) / max(length, 1e-6)
        worst = 0.0
        for start, direction in ((b, d), (a, -d)):
            points = start[None, :] + t[:, None] * direction[None, :]
            inside = ((points[:, 0] >= 1) & (points[:, 0] < view.w - 2)
                      & (points[:, 1] >= 1) & (points[:, 1] < view.h - 2))
            if inside.sum() < samples // 2:
                continue
            xs = np.clip(np.round(points[:, 0]).astype(int), 0, view.w - 1)
            ys = np.clip(np.round(points[:, 1]).astype(int), 0, view.h - 1)
            across = np.abs(view.gx[:, ys, xs] * normal[0] + view.gy[:, ys, xs] * normal[1]).max(axis=0)
            worst = max(worst, float(((across > view.edge_level) & inside).sum() / inside.sum()))
        runs.append(worst)
    return float(np.mean(runs))



# --- refinement -------------------------------------------------------------------------------

def _refine(image: np.ndarray, quad: np.ndarray, size: int = 1024) -> np.ndarray:
    """Sharper corners: fit each side to the strongest edge across it on a larger copy."""
    h, w = image.shape[:2]
    scale = min(1.0, size / max(h, w))
    big = cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) \
        if scale < 1 else image
    gray = cv2.cvtColor(big, cv2.COLOR_BGR2GRAY) if big.ndim == 3 else big
    lab = cv2.cvtColor(big, cv2.COLOR_BGR2LAB) if big.ndim == 3 else None
    planes = [cv2.GaussianBlur(gray, (0, 0), 1.2).astype(np.float32)]
    if lab is not None:
        planes += [cv2.GaussianBlur(lab[:, :, k], (0, 0), 1.2).astype(np.float32) * 2 for k in (1, 2)]
    q = quad * scale
    bh, bw = gray.shape[:2]
    for reach in (max(4.0, 0.012 * max(bh, bw)), 3.0):
        lines = []
        for i in range(4):
            line = _fit_side(planes, q[i], q[(i + 1) % 4], reach, bw, bh)
            lines.append(line)
        if any(line is None for line in lines):
            break
        corners = []
        for i in range(4):
            p = _cross_lines(lines[i - 1], lines[i])
            if p is None:
                break
            corners.append(p)
        if len(corners) < 4:
            break
        new = np.array(corners)
        if np.abs(new - q).max() > 3 * reach + 2:
            break
        q = new
    return q / scale


def _fit_side(planes, a, b, reach, w, h, samples: int = 60):
    d = b - a
    length = np.hypot(*d)
    if length < 10:
        return None
    direction = d / length
    normal = np.array([-direction[1], direction[0]])
    t = np.linspace(0.06, 0.94, samples)
    offsets = np.arange(-reach, reach + 0.5, 0.5)
    centres = a[None, :] + t[:, None] * d[None, :]
    px = (centres[:, None, 0] + offsets[None, :] * normal[0]).astype(np.float32)
    py = (centres[:, None, 1] + offsets[None, :] * normal[1]).astype(np.float32)
    valid = (px.min(axis=1) >= 1) & (px.max(axis=1) < w - 2) & (py.min(axis=1) >= 1) & (py.max(axis=1) < h - 2)
    if valid.sum() < 8:
        return None
    strength = None
    polarity = None
    for plane in planes:
        profile = cv2.remap(plane, px, py, cv2.INTER_LINEAR)
        derivative = np.gradient(profile, axis=1)
        if strength is None:
            strength, polarity = np.abs(derivative), derivative
        else:
            stronger = np.abs(derivative) > strength
            strength = np.where(stronger, np.abs(derivative), strength)
            polarity = np.where(stronger, derivative, polarity)
    # the side's edge has one direction (e.g. bright page to dark desk); ignore print edges
    peak_idx = strength.argmax(axis=1)
    peak_sign = np.sign(polarity[np.arange(samples), peak_idx])
    dominant = np.sign(np.sum(peak_sign[valid] * strength[np.arange(samples), peak_idx][valid]))
    signed = polarity * dominant
    signed[~valid] = 0
    idx = signed.argmax(axis=1)
    peak = signed[np.arange(samples), idx]
    good = valid & (peak > 0.35 * np.median(peak[valid]) + 1)
    if good.sum() < 8:
        return None
    # sub-sample peak position from a parabola through the neighbours
    sub = idx.astype(np.float64)
    inner = good & (idx > 0) & (idx < len(offsets) - 1)
    rows = np.nonzero(inner)[0]
    left, mid, right = signed[rows, idx[rows] - 1], signed[rows, idx[rows]], signed[rows, idx[rows] + 1]
    denom = left - 2 * mid + right
    shift = np.where(np.abs(denom) > 1e-6, 0.5 * (left - right) / np.where(denom == 0, 1, denom), 0)
    sub[rows] += np.clip(shift, -0.5, 0.5)
    position = offsets[0] + sub * 0.5
    points = centres + position[:, None] * normal[None, :]
    points = points[good].astype(np.float32)
    vx, vy, x0, y0 = cv2.fitLine(points, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.array([x0, y0]), np.array([vx, vy])


def _cross_lines(l1, l2):
    (p, r), (q, s) = l1, l2
    denom = r[0] * s[1] - r[1] * s[0]
    if abs(denom) < 1e-6:
        return None
    t = ((q[0] - p[0]) * s[1] - (q[1] - p[1]) * s[0]) / denom
    return p + t * r


def still_there(image: np.ndarray, quad: Quad, *, work_size: int = 256, min_support: float = 0.85) -> bool:
    """True when the document is still where `quad` says (its outline still on edges):
    the cheap check a live preview makes before searching the whole frame again."""
    return _on_edges(_View(image, work_size), quad, min_support)


def _on_edges(view: _View, quad: Quad, min_support: float) -> bool:
    mean, weakest = _support(view, quad.array().astype(np.float64) * view.scale)
    return mean >= min_support and weakest >= min_support - 0.2


# --- the entry point --------------------------------------------------------------------------

def find_document(image: np.ndarray, *, work_size: int = 360, min_area: float = 0.08,
                  max_area: float = 0.995, min_support: float = 0.8, min_weakest: float = 0.5,
                  overshoot: float = 0.3, refine: bool = True, max_lines: int = 18,
                  previous: Quad | None = None, keep_support: float = 0.85) -> Quad | None:
    """The document's corners in `image` (BGR or grey), or None when no page or card is
    clearly there.

    `work_size` is the long side of the copy searched; `refine=False` skips the final
    sub-pixel fit and `max_lines` (fewer lines to combine) trades a little accuracy for speed
    (the live preview uses both). A live preview also passes the quad it found in the last
    frame as `previous`: while its outline still lies on edges (`still_there`), it is
    returned without a search, from the same small copy."""
    if image is None or image.size == 0 or min(image.shape[:2]) < 32:
        return None
    view = _View(image, work_size)
    if previous is not None and _on_edges(view, previous, keep_support):
        return previous
    edge_maps = _edges(view)
    candidates = _contour_candidates(view, edge_maps, min_area)
    candidates += _line_candidates(view, edge_maps[1], max_lines=max_lines)
    scored, seen = [], set()
    frame = view.w * view.h
    for quad in candidates:
        quad = order_corners(quad)
        key = tuple(np.round(quad / 3).astype(int).ravel())
        if key in seen or not _plausible(quad, view, min_area, max_area):
            continue
        seen.add(key)
        mean, weakest = _support(view, quad)
        if mean >= min_support and weakest >= min_weakest:
            area = abs(cv2.contourArea(quad.astype(np.float32))) / frame
            scored.append(((0.6 * mean + 0.4 * weakest) * area ** 0.15, quad))
    if not scored:
        return None
    # the leaders only: does a side run on past its corner (a line of the background, or
    # the edge of a band inside a card, rather than the document's own edge)?
    top = max(score for score, _ in scored)
    finalists = [(score * (1 - overshoot * _overshoot(view, quad)), i) for i, (score, quad) in enumerate(scored)
                 if score >= 0.7 * top]
    best = scored[max(finalists)[1]][1]
    corners = best / view.scale
    if refine:
        corners = _refine(image, corners)
    return Quad.from_array(corners)
