"""Hypothesis strategies: login accesses that collide on service, instant and name on purpose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from strongroom.login_activity.domain.activity import ServiceAccess

# Few services, names and instants, so that merges meet the same service, exact ties and renames.
SERVICE_IDS = ["abcdef", "ghijkl", "portal", "wiki"]
SERVICE_NAMES = ["A service name", "Another service name", "Portal", "Portal (renamed)"]
MOMENTS = [
    datetime(2022, 7, 3, 10, 23, 45, tzinfo=UTC),
    datetime(2022, 8, 4, 8, 50, 39, tzinfo=UTC),
    datetime(2022, 8, 4, 8, 50, 40, tzinfo=UTC),
    datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC),
]
# Digits of the fraction as written; "5", "50" and "500" are one instant, as are "" and "000".
FRACTIONS = ["", "000", "5", "50", "500", "000000001", "123456789"]
OFFSET_MINUTES = [0, 60, -300, 330, 840, -720]


@dataclass(frozen=True)
class Login:
    """One access with the instant it really names, so tests can check against an oracle."""

    service_id: str
    service_name: str
    moment: datetime
    nanoseconds: int
    text: str

    def access(self) -> ServiceAccess:
        return ServiceAccess(
            service_id=self.service_id, service_name=self.service_name, last_accessed=self.text
        )

    def precedence(self) -> tuple[datetime, int, str]:
        return self.moment, self.nanoseconds, self.service_name


def render(moment: datetime, fraction: str, offset_minutes: int, zulu: bool) -> str:
    """``moment`` written in the zone ``offset_minutes`` east of UTC."""
    local = moment + timedelta(minutes=offset_minutes)
    text = local.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "")
    if offset_minutes == 0 and zulu:
        return text + "Z"
    sign = "-" if offset_minutes < 0 else "+"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{text}{sign}{hours:02d}:{minutes:02d}"


@st.composite
def logins(draw: st.DrawFn) -> Login:
    moment = draw(st.sampled_from(MOMENTS))
    fraction = draw(st.sampled_from(FRACTIONS))
    text = render(moment, fraction, draw(st.sampled_from(OFFSET_MINUTES)), draw(st.booleans()))
    return Login(
        service_id=draw(st.sampled_from(SERVICE_IDS)),
        service_name=draw(st.sampled_from(SERVICE_NAMES)),
        moment=moment,
        nanoseconds=int(fraction.ljust(9, "0")) if fraction else 0,
        text=text,
    )


login_lists = st.lists(logins(), max_size=12)
