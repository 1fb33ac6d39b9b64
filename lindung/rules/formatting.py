"""Rupiah for people: Rp16.800 in Indonesian, Rp16,800 in English (amounts are whole rupiah)."""

from django.utils import translation


def rupiah(amount: int | None) -> str:
    if amount is None:
        return "–"
    text = f"{abs(int(amount)):,}"
    if (translation.get_language() or "id").startswith("id"):
        text = text.replace(",", ".")
    return f"{'-' if amount < 0 else ''}Rp{text}"
