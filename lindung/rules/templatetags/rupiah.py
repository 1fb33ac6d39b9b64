from django import template

from lindung.rules.formatting import rupiah as format_rupiah

register = template.Library()


@register.filter
def rupiah(amount):
    """{{ amount|rupiah }} → Rp16.800 (Indonesian) or Rp16,800 (English)."""
    return format_rupiah(amount)
