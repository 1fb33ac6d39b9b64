"""Workers in PostgreSQL COPY text format: written by the row checks into a spool file, read back by
``writing`` (COPY on PostgreSQL; split and unescaped for SQLite's executemany)."""

from lindung.regions.models import derived_codes

# The worker columns written by an import, in COPY order. registered_by_id, created_at and
# updated_at are appended when the rows are written.
WORKER_COLUMNS = ["nik", "name", "name_key", "birth_place", "birth_date", "sex", "village_code",
                  "district_code", "regency_code", "province_code", "phone", "occupation", "segment",
                  "ecosystem", "sector", "declared_income", "nik_flags"]


def copy_text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def copy_prefix(data: dict, name_key: str) -> str:
    """One worker in PostgreSQL COPY text format (also read back for SQLite), up to its flags column."""
    village = data["village_code"]
    codes = derived_codes(village)
    return "\t".join((
        data["nik"], copy_text(data["name"].strip()), name_key, copy_text(data.get("birth_place") or ""),
        data["birth_date"].isoformat(), data["sex"], village, codes["district_code"], codes["regency_code"],
        codes["province_code"],
        copy_text(data.get("phone") or ""), copy_text(data.get("occupation") or ""), data["segment"],
        data.get("ecosystem") or "rentan", data.get("sector") or "other", str(data["declared_income"]), "",
    ))


def unescape(value: str) -> str:
    """The text of one COPY field (the reverse of ``copy_text``)."""
    if "\\" not in value:
        return value
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(nxt, nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)
