"""Reading the first sheet of an XLSX, XLS or ODS file in a separate, memory-limited process.

A spreadsheet is a ZIP of XML (or a BIFF8 file) that says how large it is; the reader (python-calamine)
allocates the whole declared area at once. A 1.5 KB file naming cell ``XFD1048576`` would ask for
hundreds of GiB and abort whichever process reads it. So the web process never parses a spreadsheet:
``lindung.imports.readers`` runs this module as ``python -m lindung.imports.sheet_process`` and reads
its rows from a pipe. Here, before anything is parsed:

1. the address space and CPU time of this process are limited (``resource.setrlimit``): a file that
   needs more simply ends this process, never the server;
2. the area the file declares is checked against the cell limit — the ``<dimension>`` of an XLSX
   sheet (read from the first bytes of its XML), the rows and repeated cells of an ODS table (a
   streaming scan of ``content.xml``, nothing kept); after loading, the sheet's real area is checked
   again (XLS, whose BIFF8 format is itself bounded to 65,536 × 256 cells, is checked there).

With a sixth argument the rows are written to that file as JSON lines instead (dates tagged), so a
list parsed once at upload is not parsed again when its job runs (``readers.Table.spool``).

Nothing here imports Django (the process starts in a fraction of a second). Frames written to stdout
(pickle; read only by the parent, which started this process): ``("shape", rows, columns)``, then
``("rows", [row, ...])`` batches in file order (row 1 first, leading blank rows included so the
numbering is the spreadsheet's), then ``("end",)`` — or one ``("error", code, detail)``.
"""

import datetime as dt
import json
import os
import pickle
import re
import resource
import sys
import xml.parsers.expat
import zipfile

BATCH = 500
HEAD_BYTES = 64 * 1024
_REF = re.compile(r"([A-Z]{1,3})?(\d+)$")


class Refused(Exception):
    def __init__(self, code: str, *detail):
        super().__init__(code)
        self.code, self.detail = code, detail


def column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ord(ch) - 64)
    return number


def _xlsx_first_sheet(archive: zipfile.ZipFile) -> str:
    """The archive member of the workbook's first sheet (as the reader takes it)."""
    names = set(archive.namelist())
    try:
        workbook = archive.read("xl/workbook.xml")[:HEAD_BYTES * 4].decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels")[:HEAD_BYTES * 4].decode("utf-8", "replace")
        sheet = re.search(r"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook)
        target = re.search(r"<Relationship\b[^>]*?Id=\"%s\"[^>]*?Target=\"([^\"]+)\"" % re.escape(sheet.group(1)), rels) \
            or re.search(r"<Relationship\b[^>]*?Target=\"([^\"]+)\"[^>]*?Id=\"%s\"" % re.escape(sheet.group(1)), rels)
        member = target.group(1).lstrip("/")
        member = member if member.startswith("xl/") else "xl/" + member
        if member in names:
            return member
    except (KeyError, AttributeError):
        pass
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    return sheets[0] if sheets else ""


def xlsx_declared_area(path: str) -> tuple[int, int] | None:
    """(rows, columns) from the first sheet's ``<dimension ref="A1:L78001"/>``, or None when absent."""
    with zipfile.ZipFile(path) as archive:
        member = _xlsx_first_sheet(archive)
        if not member:
            return None
        with archive.open(member) as stream:
            head = stream.read(HEAD_BYTES).decode("utf-8", "replace")
    found = re.search(r"<(?:\w+:)?dimension\b[^>]*\bref=\"([^\"]+)\"", head)
    if not found:
        return None
    last = found.group(1).split(":")[-1].replace("$", "").upper()
    ref = _REF.match(last)
    if not ref:
        return None
    return int(ref.group(2)), column_number(ref.group(1) or "A")


def ods_used_area(path: str) -> tuple[int, int]:
    """(rows, columns) the first table of an ODS file fills, repeats included (streaming; nothing kept).

    ``table:number-rows-repeated`` and ``table:number-columns-repeated`` let a few bytes declare
    millions of cells; trailing empty repeats (LibreOffice writes them) count for nothing.
    """
    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    office_ns = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    state = {"depth": 0, "tables": 0, "row": 0, "row_repeat": 1, "col": 0, "row_used": 0, "rows": 0, "cols": 0,
             "cell_repeat": 1, "cell_has": False, "in_cell": 0}

    def start(name, attrs):
        if name == f"{table_ns} table":
            state["tables"] += 1
        if state["tables"] != 1:
            return
        if name == f"{table_ns} table-row":
            state["row_repeat"] = int(attrs.get(f"{table_ns} number-rows-repeated", "1") or 1)
            state["col"], state["row_used"] = 0, 0
        elif name in (f"{table_ns} table-cell", f"{table_ns} covered-table-cell"):
            state["cell_repeat"] = int(attrs.get(f"{table_ns} number-columns-repeated", "1") or 1)
            state["cell_has"] = f"{office_ns} value-type" in attrs
            state["in_cell"] += 1
        elif state["in_cell"]:
            state["cell_has"] = True  # text inside the cell

    def end(name):
        if state["tables"] != 1:
            return
        if name in (f"{table_ns} table-cell", f"{table_ns} covered-table-cell"):
            state["in_cell"] -= 1
            state["col"] += state["cell_repeat"]
            if state["cell_has"]:
                state["row_used"] = state["col"]
        elif name == f"{table_ns} table-row":
            if state["row_used"]:
                state["rows"] = state["row"] + state["row_repeat"]
                state["cols"] = max(state["cols"], state["row_used"])
            state["row"] += state["row_repeat"]

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
        while chunk := stream.read(1024 * 1024):
            parser.Parse(chunk, False)
            if state["tables"] > 1:
                break
        else:
            parser.Parse(b"", True)
    return state["rows"], state["cols"]


def check_area(rows: int, columns: int, max_cells: int) -> None:
    if rows * columns > max_cells:
        raise Refused("too_many_cells", rows, columns, max_cells)


def _limit(memory_mb: int, cpu_seconds: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def read(path: str, file_format: str, max_cells: int, send) -> None:
    if file_format == "xlsx":
        area = xlsx_declared_area(path)
        if area is not None:
            check_area(*area, max_cells)
    elif file_format == "ods":
        check_area(*ods_used_area(path), max_cells)
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    except MemoryError:
        raise
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise Refused("unreadable", str(exc)[:300]) from None
    end = sheet.end
    rows = end[0] + 1 if end else 0
    columns = (end[1] + 1) if end else 0
    check_area(rows, sheet.width or 0, max_cells)
    send(("shape", rows, columns))
    batch = []
    # python-calamine yields the leading blank rows too (row 1 first), so the spreadsheet's numbering holds.
    for values in sheet.iter_rows():
        batch.append(values)
        if len(batch) == BATCH:
            send(("rows", batch))
            batch = []
    if batch:
        send(("rows", batch))
    send(("end",))


def _json_cell(value):
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"h": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"s": value.total_seconds()}
    return value


def main(argv: list[str]) -> int:
    path, file_format, max_cells, memory_mb, cpu_seconds, *spool = argv
    out = sys.stdout.buffer

    def send(frame) -> None:
        pickle.dump(frame, out, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        _limit(int(memory_mb), int(cpu_seconds))
        if spool:  # the rows go to a JSON-lines file (0600) that later readings use instead of parsing again
            with open(os.open(spool[0], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
                def to_file(frame) -> None:
                    if frame[0] == "rows":
                        handle.write("".join(json.dumps([_json_cell(v) for v in values], ensure_ascii=False) + "\n"
                                             for values in frame[1]))
                    elif frame[0] == "shape":
                        handle.write(json.dumps({"shape": frame[1:]}) + "\n")
                    else:
                        handle.flush()
                        send(frame)

                read(path, file_format, int(max_cells), to_file)
        else:
            read(path, file_format, int(max_cells), send)
    except Refused as exc:
        send(("error", exc.code, *exc.detail))
    except MemoryError:
        send(("error", "memory"))
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        send(("error", "unreadable", str(exc)[:300]))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
