"""Small statistics the benchmarks share."""


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` (0 to 1) of `values` lie (nearest rank, no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
