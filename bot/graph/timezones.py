"""Windows time zone names <-> IANA zone names.

Graph speaks Windows zone names ("Pacific Standard Time") in every ``dateTimeTimeZone`` and in a registration's
``preferredTimezone``; Python's ``zoneinfo`` and Slack (``users.info`` -> ``tz``) speak IANA names
("America/Los_Angeles"). This module translates between the two.

``WINDOWS_TO_IANA`` follows the "golden" (territory 001) mapping of Unicode CLDR's ``windowsZones.xml``, using the
current IANA spelling where CLDR keeps an old alias (``Asia/Kolkata``, not ``Asia/Calcutta``). ``IANA_TO_WINDOWS``
is its inverse plus the zones people commonly have set in Slack that are not "golden" ones (Paris, Madrid, Toronto, ...).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WINDOWS_TO_IANA: dict[str, str] = {
    "Dateline Standard Time": "Etc/GMT+12",
    "UTC-11": "Etc/GMT+11",
    "Aleutian Standard Time": "America/Adak",
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "Marquesas Standard Time": "Pacific/Marquesas",
    "Alaskan Standard Time": "America/Anchorage",
    "UTC-09": "Etc/GMT+9",
    "Pacific Standard Time (Mexico)": "America/Tijuana",
    "UTC-08": "Etc/GMT+8",
    "Pacific Standard Time": "America/Los_Angeles",
    "US Mountain Standard Time": "America/Phoenix",
    "Mountain Standard Time (Mexico)": "America/Mazatlan",
    "Mountain Standard Time": "America/Denver",
    "Yukon Standard Time": "America/Whitehorse",
    "Central America Standard Time": "America/Guatemala",
    "Central Standard Time": "America/Chicago",
    "Easter Island Standard Time": "Pacific/Easter",
    "Central Standard Time (Mexico)": "America/Mexico_City",
    "Canada Central Standard Time": "America/Regina",
    "SA Pacific Standard Time": "America/Bogota",
    "Eastern Standard Time (Mexico)": "America/Cancun",
    "Eastern Standard Time": "America/New_York",
    "Haiti Standard Time": "America/Port-au-Prince",
    "Cuba Standard Time": "America/Havana",
    "US Eastern Standard Time": "America/Indiana/Indianapolis",
    "Turks And Caicos Standard Time": "America/Grand_Turk",
    "Paraguay Standard Time": "America/Asuncion",
    "Atlantic Standard Time": "America/Halifax",
    "Venezuela Standard Time": "America/Caracas",
    "Central Brazilian Standard Time": "America/Cuiaba",
    "SA Western Standard Time": "America/La_Paz",
    "Pacific SA Standard Time": "America/Santiago",
    "Newfoundland Standard Time": "America/St_Johns",
    "Tocantins Standard Time": "America/Araguaina",
    "E. South America Standard Time": "America/Sao_Paulo",
    "SA Eastern Standard Time": "America/Cayenne",
    "Argentina Standard Time": "America/Argentina/Buenos_Aires",
    "Greenland Standard Time": "America/Nuuk",
    "Montevideo Standard Time": "America/Montevideo",
    "Magallanes Standard Time": "America/Punta_Arenas",
    "Saint Pierre Standard Time": "America/Miquelon",
    "Bahia Standard Time": "America/Bahia",
    "UTC-02": "Etc/GMT+2",
    "Mid-Atlantic Standard Time": "Etc/GMT+2",
    "Azores Standard Time": "Atlantic/Azores",
    "Cape Verde Standard Time": "Atlantic/Cape_Verde",
    "UTC": "Etc/UTC",
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "Sao Tome Standard Time": "Africa/Sao_Tome",
    "Morocco Standard Time": "Africa/Casablanca",
    "W. Europe Standard Time": "Europe/Berlin",
    "Central Europe Standard Time": "Europe/Budapest",
    "Romance Standard Time": "Europe/Paris",
    "Central European Standard Time": "Europe/Warsaw",
    "W. Central Africa Standard Time": "Africa/Lagos",
    "Jordan Standard Time": "Asia/Amman",
    "GTB Standard Time": "Europe/Bucharest",
    "Middle East Standard Time": "Asia/Beirut",
    "Egypt Standard Time": "Africa/Cairo",
    "E. Europe Standard Time": "Europe/Chisinau",
    "Syria Standard Time": "Asia/Damascus",
    "West Bank Standard Time": "Asia/Hebron",
    "South Africa Standard Time": "Africa/Johannesburg",
    "FLE Standard Time": "Europe/Kyiv",
    "Israel Standard Time": "Asia/Jerusalem",
    "South Sudan Standard Time": "Africa/Juba",
    "Kaliningrad Standard Time": "Europe/Kaliningrad",
    "Sudan Standard Time": "Africa/Khartoum",
    "Libya Standard Time": "Africa/Tripoli",
    "Namibia Standard Time": "Africa/Windhoek",
    "Arabic Standard Time": "Asia/Baghdad",
    "Turkey Standard Time": "Europe/Istanbul",
    "Arab Standard Time": "Asia/Riyadh",
    "Belarus Standard Time": "Europe/Minsk",
    "Russian Standard Time": "Europe/Moscow",
    "E. Africa Standard Time": "Africa/Nairobi",
    "Volgograd Standard Time": "Europe/Volgograd",
    "Iran Standard Time": "Asia/Tehran",
    "Arabian Standard Time": "Asia/Dubai",
    "Astrakhan Standard Time": "Europe/Astrakhan",
    "Azerbaijan Standard Time": "Asia/Baku",
    "Russia Time Zone 3": "Europe/Samara",
    "Mauritius Standard Time": "Indian/Mauritius",
    "Saratov Standard Time": "Europe/Saratov",
    "Georgian Standard Time": "Asia/Tbilisi",
    "Caucasus Standard Time": "Asia/Yerevan",
    "Afghanistan Standard Time": "Asia/Kabul",
    "West Asia Standard Time": "Asia/Tashkent",
    "Ekaterinburg Standard Time": "Asia/Yekaterinburg",
    "Pakistan Standard Time": "Asia/Karachi",
    "Qyzylorda Standard Time": "Asia/Qyzylorda",
    "India Standard Time": "Asia/Kolkata",
    "Sri Lanka Standard Time": "Asia/Colombo",
    "Nepal Standard Time": "Asia/Kathmandu",
    "Central Asia Standard Time": "Asia/Almaty",
    "Bangladesh Standard Time": "Asia/Dhaka",
    "Omsk Standard Time": "Asia/Omsk",
    "Myanmar Standard Time": "Asia/Yangon",
    "SE Asia Standard Time": "Asia/Bangkok",
    "Altai Standard Time": "Asia/Barnaul",
    "W. Mongolia Standard Time": "Asia/Hovd",
    "North Asia Standard Time": "Asia/Krasnoyarsk",
    "N. Central Asia Standard Time": "Asia/Novosibirsk",
    "Tomsk Standard Time": "Asia/Tomsk",
    "China Standard Time": "Asia/Shanghai",
    "North Asia East Standard Time": "Asia/Irkutsk",
    "Singapore Standard Time": "Asia/Singapore",
    "W. Australia Standard Time": "Australia/Perth",
    "Taipei Standard Time": "Asia/Taipei",
    "Ulaanbaatar Standard Time": "Asia/Ulaanbaatar",
    "Aus Central W. Standard Time": "Australia/Eucla",
    "Transbaikal Standard Time": "Asia/Chita",
    "Tokyo Standard Time": "Asia/Tokyo",
    "North Korea Standard Time": "Asia/Pyongyang",
    "Korea Standard Time": "Asia/Seoul",
    "Yakutsk Standard Time": "Asia/Yakutsk",
    "Cen. Australia Standard Time": "Australia/Adelaide",
    "AUS Central Standard Time": "Australia/Darwin",
    "E. Australia Standard Time": "Australia/Brisbane",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "West Pacific Standard Time": "Pacific/Port_Moresby",
    "Tasmania Standard Time": "Australia/Hobart",
    "Vladivostok Standard Time": "Asia/Vladivostok",
    "Lord Howe Standard Time": "Australia/Lord_Howe",
    "Bougainville Standard Time": "Pacific/Bougainville",
    "Russia Time Zone 10": "Asia/Srednekolymsk",
    "Magadan Standard Time": "Asia/Magadan",
    "Norfolk Standard Time": "Pacific/Norfolk",
    "Sakhalin Standard Time": "Asia/Sakhalin",
    "Central Pacific Standard Time": "Pacific/Guadalcanal",
    "Russia Time Zone 11": "Asia/Kamchatka",
    "New Zealand Standard Time": "Pacific/Auckland",
    "UTC+12": "Etc/GMT-12",
    "Fiji Standard Time": "Pacific/Fiji",
    "Kamchatka Standard Time": "Asia/Kamchatka",
    "Chatham Islands Standard Time": "Pacific/Chatham",
    "UTC+13": "Etc/GMT-13",
    "Tonga Standard Time": "Pacific/Tongatapu",
    "Samoa Standard Time": "Pacific/Apia",
    "Line Islands Standard Time": "Pacific/Kiritimati",
}

# IANA zones that are not the "golden" zone of a Windows name but that Slack users commonly have set
# (CLDR windowsZones.xml, per-territory entries), plus old spellings Slack still reports.
_EXTRA_IANA_TO_WINDOWS: dict[str, str] = {
    "UTC": "UTC",
    "Etc/GMT": "UTC",
    "GMT": "UTC",
    "Etc/UCT": "UTC",
    "Europe/Dublin": "GMT Standard Time",
    "Europe/Lisbon": "GMT Standard Time",
    "Atlantic/Canary": "GMT Standard Time",
    "Europe/Amsterdam": "W. Europe Standard Time",
    "Europe/Zurich": "W. Europe Standard Time",
    "Europe/Vienna": "W. Europe Standard Time",
    "Europe/Rome": "W. Europe Standard Time",
    "Europe/Stockholm": "W. Europe Standard Time",
    "Europe/Oslo": "W. Europe Standard Time",
    "Europe/Luxembourg": "W. Europe Standard Time",
    "Europe/Monaco": "W. Europe Standard Time",
    "Europe/Malta": "W. Europe Standard Time",
    "Europe/Brussels": "Romance Standard Time",
    "Europe/Copenhagen": "Romance Standard Time",
    "Europe/Madrid": "Romance Standard Time",
    "Europe/Prague": "Central Europe Standard Time",
    "Europe/Belgrade": "Central Europe Standard Time",
    "Europe/Bratislava": "Central Europe Standard Time",
    "Europe/Ljubljana": "Central Europe Standard Time",
    "Europe/Zagreb": "Central European Standard Time",
    "Europe/Sarajevo": "Central European Standard Time",
    "Europe/Skopje": "Central European Standard Time",
    "Europe/Athens": "GTB Standard Time",
    "Asia/Nicosia": "GTB Standard Time",
    "Europe/Helsinki": "FLE Standard Time",
    "Europe/Kiev": "FLE Standard Time",
    "Europe/Riga": "FLE Standard Time",
    "Europe/Sofia": "FLE Standard Time",
    "Europe/Tallinn": "FLE Standard Time",
    "Europe/Vilnius": "FLE Standard Time",
    "Asia/Tel_Aviv": "Israel Standard Time",
    "Asia/Calcutta": "India Standard Time",
    "Asia/Katmandu": "Nepal Standard Time",
    "Asia/Rangoon": "Myanmar Standard Time",
    "Asia/Saigon": "SE Asia Standard Time",
    "Asia/Ho_Chi_Minh": "SE Asia Standard Time",
    "Asia/Jakarta": "SE Asia Standard Time",
    "Asia/Hong_Kong": "China Standard Time",
    "Asia/Macau": "China Standard Time",
    "Asia/Kuala_Lumpur": "Singapore Standard Time",
    "Asia/Manila": "Singapore Standard Time",
    "Asia/Qatar": "Arab Standard Time",
    "Asia/Kuwait": "Arab Standard Time",
    "Asia/Muscat": "Arabian Standard Time",
    "Africa/Algiers": "W. Central Africa Standard Time",
    "Africa/Tunis": "W. Central Africa Standard Time",
    "Africa/Accra": "Greenwich Standard Time",
    "Africa/Abidjan": "Greenwich Standard Time",
    "Africa/Addis_Ababa": "E. Africa Standard Time",
    "Africa/Kampala": "E. Africa Standard Time",
    "Africa/Dar_es_Salaam": "E. Africa Standard Time",
    "Africa/Harare": "South Africa Standard Time",
    "Africa/Maputo": "South Africa Standard Time",
    "America/Toronto": "Eastern Standard Time",
    "America/Montreal": "Eastern Standard Time",
    "America/Detroit": "Eastern Standard Time",
    "America/Indianapolis": "US Eastern Standard Time",
    "America/Vancouver": "Pacific Standard Time",
    "America/Edmonton": "Mountain Standard Time",
    "America/Boise": "Mountain Standard Time",
    "America/Winnipeg": "Central Standard Time",
    "America/Lima": "SA Pacific Standard Time",
    "America/Panama": "SA Pacific Standard Time",
    "America/Buenos_Aires": "Argentina Standard Time",
    "America/Godthab": "Greenland Standard Time",
    "America/Puerto_Rico": "SA Western Standard Time",
    "America/Costa_Rica": "Central America Standard Time",
    "America/El_Salvador": "Central America Standard Time",
    "America/Monterrey": "Central Standard Time (Mexico)",
    "Australia/Melbourne": "AUS Eastern Standard Time",
    "Australia/Canberra": "AUS Eastern Standard Time",
    "Australia/ACT": "AUS Eastern Standard Time",
    "Australia/NSW": "AUS Eastern Standard Time",
    "US/Pacific": "Pacific Standard Time",
    "US/Mountain": "Mountain Standard Time",
    "US/Central": "Central Standard Time",
    "US/Eastern": "Eastern Standard Time",
    "US/Alaska": "Alaskan Standard Time",
    "US/Hawaii": "Hawaiian Standard Time",
    "US/Arizona": "US Mountain Standard Time",
}


def _build_iana_to_windows() -> dict[str, str]:
    """Invert the golden map (the first Windows name wins for shared zones) and add the common extras."""
    mapping: dict[str, str] = {}
    for windows, iana in WINDOWS_TO_IANA.items():
        mapping.setdefault(iana, windows)
    mapping.update(_EXTRA_IANA_TO_WINDOWS)
    return mapping


IANA_TO_WINDOWS: dict[str, str] = _build_iana_to_windows()

_WINDOWS_BY_LOWER = {name.lower(): name for name in WINDOWS_TO_IANA}


def canonical_windows_name(name: str | None) -> str | None:
    """The exact Windows zone name for ``name`` compared case-insensitively, or None when it is not one."""
    if not name:
        return None
    return _WINDOWS_BY_LOWER.get(name.strip().lower())


def zone_for(name: str | None) -> ZoneInfo | None:
    """A ZoneInfo for a Windows or IANA zone name; None when the name is unknown (never raises).

    Graph normally sends Windows names, but Outlook-family APIs also accept IANA names, so both are tried.
    """
    if not name:
        return None
    windows = canonical_windows_name(name)
    iana = WINDOWS_TO_IANA[windows] if windows else name.strip()
    return _zoneinfo(iana)


@lru_cache(maxsize=512)
def _zoneinfo(iana: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(iana)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def iana_to_windows(iana: str | None, default: str | None = "UTC") -> str | None:
    """The Windows zone name for an IANA name (e.g. a Slack user's ``tz``).

    Unknown IANA names fall back to a Windows zone with the same UTC offsets in January and July (so the clock
    reading and the summer-time behaviour match this year), and only then to ``default``.
    """
    if not iana:
        return default
    iana = iana.strip()
    if canonical_windows_name(iana):  # already a Windows name
        return canonical_windows_name(iana)
    if iana in IANA_TO_WINDOWS:
        return IANA_TO_WINDOWS[iana]
    return _same_offsets_windows_zone(iana) or default


def _same_offsets_windows_zone(iana: str) -> str | None:
    zone = _zoneinfo(iana)
    if zone is None:
        return None
    wanted = _offsets(zone)
    for windows, candidate in WINDOWS_TO_IANA.items():
        candidate_zone = _zoneinfo(candidate)
        if candidate_zone is not None and _offsets(candidate_zone) == wanted:
            return windows
    return None


def _offsets(zone: ZoneInfo) -> tuple[timedelta | None, timedelta | None]:
    year = datetime.now().year
    return (
        datetime(year, 1, 15, 12, tzinfo=zone).utcoffset(),
        datetime(year, 7, 15, 12, tzinfo=zone).utcoffset(),
    )


def windows_to_iana(windows: str | None) -> str | None:
    """The IANA name for a Windows zone name (case-insensitive), or None when unknown."""
    canonical = canonical_windows_name(windows)
    return WINDOWS_TO_IANA[canonical] if canonical else None
