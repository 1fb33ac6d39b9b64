"""Member cards (kartu peserta): A4 pages of ten ID-1 cards (85.6 × 54 mm) to print and cut.

Each card: name, masked NIK (always masked on paper), village, programmes, the funder paying now and
the cover period of that sponsorship, and a QR code with the address of the worker's status page
(``/coverage/workers/ID/`` under ``LINDUNG_PUBLIC_URL``), which opens only for users signed in with a
right to see that worker. Workers are those of ``search_workers`` (the worker list page's query) in
the region; the sponsorship is the latest approved, active or ended one (``visible_sponsorships``).

QR codes come from segno (pure Python) with a fixed mask pattern: any of the eight masks is a valid
QR code, and skipping the search for the best one makes a code four times faster to build. The
modules are drawn as vector rectangles, one row run at a time.
"""

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.funding.models import SponsorshipState
from lindung.funding.scope import visible_sponsorships
from lindung.people.services import search_workers

from .. import document as d
from ..catalogue import Report
from ..pdf import FAMILY, GREEN, MUTED

CARD_W, CARD_H, COLUMNS, ROWS = 85.6, 54.0, 2, 5
GAP_X = (210 - COLUMNS * CARD_W) / (COLUMNS + 1)
GAP_Y = (285 - ROWS * CARD_H) / (ROWS + 1)  # the bottom 12 mm keep the footer (generation time, page)
CHUNK = 1000
PROGRAMMES = {"jkk": "JKK", "jkm": "JKM", "jht": "JHT", "jp": "JP"}


def _queryset(access, params):
    return search_workers(access, region=params.get("region", "")).order_by("village_id", "name_key", "id")


def size(access, params) -> int:
    return _queryset(access, params).count()


def cards(access, params):
    """One dict per card, read in chunks (sponsorships fetched per chunk)."""
    qs = _queryset(access, params)
    ids = list(qs.values_list("id", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        workers = {w.pk: w for w in qs.filter(pk__in=chunk)}
        current = {}
        for s in (visible_sponsorships(access).filter(worker_id__in=chunk, state__in=SponsorshipState.reserving())
                  .select_related("funder").order_by("worker_id", "-start_month", "-id")):
            current.setdefault(s.worker_id, s)
        for pk in chunk:
            w, s = workers[pk], current.get(pk)
            yield {"id": pk, "name": w.name, "nik": w.masked_nik, "village": w.village.name,
                   "programmes": ", ".join(PROGRAMMES.get(p, p.upper()) for p in (s.programs.split(",") if s else [])),
                   "funder": s.funder.name if s else "",
                   "period": f"{s.start_month:%m/%Y} – {s.end_month:%m/%Y}" if s else ""}


def status_url(worker_id: int) -> str:
    return settings.PUBLIC_URL.rstrip("/") + reverse("coverage-worker", args=[worker_id])


def status_urls():
    """``status_url`` for many workers: the URL pattern resolved once."""
    marker = 987654321
    template = status_url(marker)
    return lambda worker_id: template.replace(str(marker), str(worker_id))


def draw_qr(pdf, text: str, x: float, y: float, width: float) -> None:
    matrix = segno.make_qr(text, error="m", mask=0).matrix
    n = len(matrix)
    cell, k, h = width / n, pdf.k, pdf.h
    ops = []
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                ops.append(f"{(x + start * cell) * k:.2f} {(h - y - r * cell) * k:.2f} "
                           f"{(c - start) * cell * k:.2f} {-cell * k:.2f} re")
            else:
                c += 1
    # One fill for the whole code: fpdf2's rect() would write a path per module run.
    pdf._out("q 0 g " + " ".join(ops) + " f Q")  # own graphics state: fpdf2 keeps track of its colours


def draw_card(pdf, card: dict, x: float, y: float, labels: dict, url=status_url) -> None:
    pdf.set_draw_color(190, 200, 205)
    pdf.rect(x, y, CARD_W, CARD_H, round_corners=True, corner_radius=3)
    pdf.set_fill_color(*GREEN)
    pdf.rect(x, y, CARD_W, 9, style="F", round_corners=("TOP_LEFT", "TOP_RIGHT"), corner_radius=3)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font(FAMILY, "B", 7.5)
    pdf.set_xy(x + 3, y + 1.5)
    pdf.cell(CARD_W - 6, 3, labels["title"])
    pdf.set_font(FAMILY, "", 5.5)
    pdf.set_xy(x + 3, y + 5)
    pdf.cell(CARD_W - 6, 2.5, labels["subtitle"])
    pdf.set_text_color(0, 0, 0)
    qr = 24
    draw_qr(pdf, url(card["id"]), x + CARD_W - qr - 3, y + 12, qr)
    text_w = CARD_W - qr - 8
    pdf.set_font(FAMILY, "B", 8.5)
    pdf.set_xy(x + 3, y + 11.5)
    pdf.cell(text_w, 4, card["name"][:34])
    rows = [(labels["nik"], card["nik"]), (labels["village"], card["village"]),
            (labels["programmes"], card["programmes"] or "–"), (labels["funder"], card["funder"] or "–"),
            (labels["period"], card["period"] or "–")]
    yy = y + 17
    for label, value in rows:
        pdf.set_font(FAMILY, "", 5.5)
        pdf.set_text_color(*MUTED)
        pdf.set_xy(x + 3, yy)
        pdf.cell(text_w, 2.4, label)
        pdf.set_font(FAMILY, "", 7)
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(x + 3, yy + 2.4)
        pdf.cell(text_w, 3.2, str(value)[:44])
        yy += 6.6
    pdf.set_font(FAMILY, "", 5)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(x + CARD_W - qr - 3, y + 12 + qr + 0.5)
    pdf.cell(qr, 2.5, labels["scan"], align="C")
    pdf.set_text_color(0, 0, 0)


def build(access, params: dict, progress=None) -> d.Document:
    code = params.get("region", "")
    total = size(access, params)
    labels = {"title": _("MEMBER CARD · BPJS Ketenagakerjaan"), "subtitle": _("Work accident and death cover"),
              "nik": "NIK", "village": _("Village"), "programmes": _("Programmes"), "funder": _("Paid by"),
              "period": _("Cover period"), "scan": _("Status: scan (sign-in)")}

    def pages(pdf):
        pdf.set_auto_page_break(False)
        url = status_urls()
        done = 0
        for card in cards(access, params):
            slot = done % (COLUMNS * ROWS)
            if slot == 0:
                pdf.add_page()
            col, row = slot % COLUMNS, slot // COLUMNS
            draw_card(pdf, card, GAP_X + col * (CARD_W + GAP_X), GAP_Y + row * (CARD_H + GAP_Y), labels, url)
            done += 1
            if progress is not None and done % 200 == 0:
                progress(done)
        if done == 0:
            pdf.add_page()
            pdf.set_font(FAMILY, "", 11)
            pdf.cell(0, 10, _("No workers in this region for you."))

    doc = d.Document(title=_("Member cards"), subtitle=code or "Indonesia",
                     parameters=[(_("Region"), code or "Indonesia")],
                     tables=[d.Table(_("Cards"), [], [], total_rows=total, pdf=False)])
    doc.pdf_pages = pages
    return doc


REPORT = Report(
    name="cards",
    title=gettext_lazy("Member cards"),
    description=gettext_lazy("Printable cards (ten per A4 page) with name, masked NIK, programmes, funder, cover "
                             "period and a QR code to the worker's status page."),
    permission="report.cards",
    params=("region",),
    build=build,
    formats=("pdf",),
    size=lambda access, params: size(access, params) * 10,  # a card costs about as much as ten list rows
)
