"""One colour per service version as a person tells them apart: by image.

A service's spec version changes on every ``docker service update``, even a
scale; what a class sees change is the image tag (``redis:3.0.6`` →
``redis:3.0.7``).  :func:`version_palette` reads the image of every spec
version from the service records of a trace and gives each (service, image)
a colour from the Okabe-Ito palette, then Paul Tol's muted one, both safe for
colour-blind readers.  A scale keeps the colour; a rollback returns to the old
image's colour.  Vermillion is kept for failed tasks and never names a version.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from matplotlib.colors import to_rgb

from swarmsim.trace import TraceRecord

#: Colours of versions, in order of first appearance (Okabe-Ito, then Tol muted).
VERSION_COLORS = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#332288",  # indigo
    "#999933",  # olive
    "#882255",  # wine
    "#44AA99",  # teal
    "#AA4499",  # purple
    "#117733",  # green
    "#DDCC77",  # sand
)
#: Failed and rejected tasks (Okabe-Ito vermillion, always with a hatch too).
FAILED_COLOR = "#D55E00"
#: Tasks that stopped or completed.
STOPPED_COLOR = "#BBBBBB"


@dataclass(frozen=True, slots=True)
class Version:
    """What a person calls a version of a service: its image, drawn in one colour."""

    service: str
    image: str
    label: str
    color: str


class VersionPalette:
    """The :class:`Version` of every (service, spec version) of a trace."""

    def __init__(self, records: Iterable[TraceRecord]) -> None:
        images: dict[tuple[str, int], str] = {}
        order: list[tuple[str, str]] = []
        for rec in records:
            if rec.kind != "service" or (rec.service, rec.spec_version) in images:
                continue
            image = rec.desired or f"v{rec.spec_version}"
            images[(rec.service, rec.spec_version)] = image
            if (rec.service, image) not in order:
                order.append((rec.service, image))
        shared = len({image for _, image in order}) < len(order)
        services = {service for service, _ in order}
        self._versions: dict[tuple[str, str], Version] = {}
        for i, (service, image) in enumerate(order):
            label = f"{service}: {image}" if shared or len(services) > 1 else image
            color = VERSION_COLORS[i % len(VERSION_COLORS)]
            self._versions[(service, image)] = Version(service, image, label, color)
        self._images = images

    def image(self, service: str, spec_version: int) -> str:
        """The image of a spec version (``v<N>`` when the trace names none)."""
        return self._images.get((service, spec_version)) or f"v{spec_version}"

    def of(self, service: str, spec_version: int) -> Version:
        """The version (image and colour) of a service's spec version."""
        image = self.image(service, spec_version)
        found = self._versions.get((service, image))
        if found is None:  # a task whose service record is missing
            color = VERSION_COLORS[len(self._versions) % len(VERSION_COLORS)]
            found = self._versions[(service, image)] = Version(service, image, image, color)
        return found

    def by_image(self, service: str, image: str) -> Version:
        """The version of ``service`` running ``image``."""
        return self._versions.get((service, image)) or Version(service, image, image, "#777777")

    @property
    def versions(self) -> list[Version]:
        """Every version, in order of first appearance."""
        return list(self._versions.values())


def version_palette(records: Iterable[TraceRecord]) -> VersionPalette:
    """The colours of the versions of every service in ``records``.

    Examples
    --------
    >>> from swarmsim.trace import TraceRecord
    >>> def svc(version, image, replicas=3):
    ...     return TraceRecord(0.0, "service", "update", "s", "redis", replicas, "", "",
    ...                        image, "", version)
    >>> palette = version_palette([svc(0, "redis:3.0.6"), svc(1, "redis:3.0.7"),
    ...                            svc(2, "redis:3.0.6", 5)])
    >>> [(v.label, v.color) for v in palette.versions]
    [('redis:3.0.6', '#0072B2'), ('redis:3.0.7', '#E69F00')]
    >>> palette.of("redis", 2) == palette.of("redis", 0)
    True
    """
    return VersionPalette(records)


def tint(color: str, amount: float) -> str:
    """``color`` mixed with white (``amount`` 0 keeps it, 1 gives white), as ``#rrggbb``.

    Examples
    --------
    >>> tint("#0072B2", 0.6)
    '#99c7e0'
    """
    r, g, b = (round(255 * (c + (1.0 - c) * amount)) for c in to_rgb(color))
    return f"#{r:02x}{g:02x}{b:02x}"
