"""Reminders API: ``GET /api/v1/reminders?date=`` — the day's reminders in the user's scope."""

from ninja import Router

from lindung.api.fields import DayText
from lindung.months import parse_day

from .services import reminders

router = Router(tags=["reminders"])


@router.get("", summary="Self-payers due within 5 days or overdue, sponsorships ending within 30 days")
def day_reminders(request, date: DayText = ""):
    return [item.as_dict() for item in reminders(request.access, parse_day(date) if date else None)]
