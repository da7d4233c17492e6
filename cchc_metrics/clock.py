"""Times as officials read them: Vietnam's clock (UTC+7), whatever the server's time zone is."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")  # tzdata supplies it where the system has no zone files


def vietnam_time(when: datetime | None = None) -> datetime:
    """`when` (now when None) on Vietnam's clock; a naive time is UTC, as the store keeps them."""
    when = datetime.now(UTC) if when is None else when
    return (when.replace(tzinfo=UTC) if when.tzinfo is None else when).astimezone(VIETNAM)
