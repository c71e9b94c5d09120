"""The bundled table of places: user cities and data-centre regions, each with the source of its coordinates.

Coordinates are written as in ISO 6709 (``±DDMM[SS]±DDDMM[SS]``: latitude, then longitude; + is north
and east), so each row can be checked against its source character for character:

* user cities, and the region metros that are time-zone cities, come from the IANA time zone
  database's ``zone1970.tab`` (public domain), which gives the principal city of each zone;
* Ashburn, The Dalles and Mumbai (three region metros not in that file) come from their Wikipedia
  articles' coordinates (the US ones from the USGS Geographic Names Information System).

The regions are named after real cloud regions' metro areas, as Google Cloud's list of regions gives
them (``us-east4`` Ashburn, Virginia; ``us-west1`` The Dalles, Oregon; ``southamerica-east1`` Osasco,
São Paulo; ``europe-west2`` London; ``africa-south1`` Johannesburg; ``asia-south1`` Mumbai;
``asia-southeast1`` Jurong West, Singapore; ``asia-northeast1`` Tokyo; ``australia-southeast1``
Sydney). A region spans several data centres whose sites are not published: the metro's city stands in
for them (a few tens of km, a few tenths of a ms of round trip).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ISO6709 = re.compile(r"^([+-])(\d{2})(\d{2})(\d{2})?([+-])(\d{3})(\d{2})(\d{2})?$")


def iso6709_degrees(text: str) -> tuple[float, float]:
    """(latitude, longitude) in decimal degrees from ISO 6709 text as ``zone1970.tab`` writes it.

    >>> iso6709_degrees("+513030-0000731")  # London
    (51.508333333333, -0.125277777778)
    >>> iso6709_degrees("-3352+15113")  # Sydney
    (-33.866666666667, 151.216666666667)
    """
    match = _ISO6709.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"coordinates must be ISO 6709 text like '+513030-0000731', got {text!r}")
    lat_sign, lat_d, lat_m, lat_s, lon_sign, lon_d, lon_m, lon_s = match.groups()

    def degrees(sign: str, d: str, m: str, s: str | None) -> float:
        value = int(d) + int(m) / 60 + int(s or 0) / 3600
        return round(-value if sign == "-" else value, 12)

    return degrees(lat_sign, lat_d, lat_m, lat_s), degrees(lon_sign, lon_d, lon_m, lon_s)


@dataclass(frozen=True)
class Place:
    """A named point: ``label`` is its short name on the map, ``iso6709`` its coordinates as its source
    writes them, ``source`` where they come from."""

    name: str
    label: str
    iso6709: str
    source: str

    @property
    def lat_lon(self) -> tuple[float, float]:
        """(latitude, longitude) in degrees.

        >>> USER_CITIES[0].lat_lon
        (40.714166666667, -74.006388888889)
        """
        return iso6709_degrees(self.iso6709)


def _tz(zone: str) -> str:
    return f"IANA tz zone1970.tab, {zone}"


_WIKI = "Wikipedia (GNIS) coordinates of {}"
_WIKI_IN = "Wikipedia coordinates of {}"

#: User cities, west to east by continent: twenty of the world's large cities (each a time zone's
#: principal city in zone1970.tab), equally weighted.
USER_CITIES: tuple[Place, ...] = tuple(Place(name, name, iso, _tz(zone)) for name, iso, zone in (
    ("New York", "+404251-0740023", "America/New_York"),
    ("Los Angeles", "+340308-1181434", "America/Los_Angeles"),
    ("Mexico City", "+1924-09909", "America/Mexico_City"),
    ("Bogotá", "+0436-07405", "America/Bogota"),
    ("São Paulo", "-2332-04637", "America/Sao_Paulo"),
    ("Buenos Aires", "-3436-05827", "America/Argentina/Buenos_Aires"),
    ("London", "+513030-0000731", "Europe/London"),
    ("Paris", "+4852+00220", "Europe/Paris"),
    ("Moscow", "+554521+0373704", "Europe/Moscow"),
    ("Lagos", "+0627+00324", "Africa/Lagos"),
    ("Cairo", "+3003+03115", "Africa/Cairo"),
    ("Nairobi", "-0117+03649", "Africa/Nairobi"),
    ("Johannesburg", "-2615+02800", "Africa/Johannesburg"),
    ("Karachi", "+2452+06703", "Asia/Karachi"),
    ("Kolkata", "+2232+08822", "Asia/Kolkata"),
    ("Jakarta", "-0610+10648", "Asia/Jakarta"),
    ("Shanghai", "+3114+12128", "Asia/Shanghai"),
    ("Tokyo", "+353916+1394441", "Asia/Tokyo"),
    ("Sydney", "-3352+15113", "Australia/Sydney"),
    ("Auckland", "-3652+17446", "Pacific/Auckland"),
))

def _region(name: str, label: str, iso: str, gcp: str, coordinates: str) -> Place:
    return Place(name, label, iso, f"Google Cloud region {gcp}; coordinates: {coordinates}")


#: Data-centre regions, named after real cloud regions' metro areas (Google Cloud's list), west to east.
REGIONS: tuple[Place, ...] = (
    _region("us-west (Oregon)", "Oregon", "+453606-1211030", "us-west1", _WIKI.format("The Dalles, Oregon")),
    _region("us-east (N. Virginia)", "N. Virginia", "+390237-0772915", "us-east4", _WIKI.format("Ashburn, Virginia")),
    _region("sa-east (São Paulo)", "São Paulo", "-2332-04637", "southamerica-east1", _tz("America/Sao_Paulo")),
    _region("eu-west (London)", "London", "+513030-0000731", "europe-west2", _tz("Europe/London")),
    _region("af-south (Johannesburg)", "Johannesburg", "-2615+02800", "africa-south1", _tz("Africa/Johannesburg")),
    _region("ap-south (Mumbai)", "Mumbai", "+190434+0725239", "asia-south1", _WIKI_IN.format("Mumbai")),
    _region("ap-southeast (Singapore)", "Singapore", "+0117+10351", "asia-southeast1", _tz("Asia/Singapore")),
    _region("ap-northeast (Tokyo)", "Tokyo", "+353916+1394441", "asia-northeast1", _tz("Asia/Tokyo")),
    _region("au-southeast (Sydney)", "Sydney", "-3352+15113", "australia-southeast1", _tz("Australia/Sydney")),
)

USER_CITY_NAMES: tuple[str, ...] = tuple(p.name for p in USER_CITIES)
REGION_NAMES: tuple[str, ...] = tuple(p.name for p in REGIONS)
