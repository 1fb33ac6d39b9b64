import click

from lindung.cli import emit


@click.command()
@click.argument("nik")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def nik(nik, as_json):
    """Decode a NIK: valid or not with reasons, region of issue, birth date, sex, warnings."""
    from django.utils.translation import gettext as _

    from .services import describe_nik

    info = describe_nik(nik)
    if as_json:
        emit(info, True)
    else:
        lines = [f"NIK {info['nik']}: " + (_("valid") if info["valid"] else _("INVALID"))]
        lines += [f"  ✗ {e['message']}" for e in info["errors"]]
        lines += [f"  ! {w['message']}" for w in info["warnings"]]
        region = info["region_of_issue"]
        if region.get("district_code"):
            names = " / ".join(n for n in (region.get("province_name"), region.get("regency_name"),
                                           region.get("district_name")) if n) or "?"
            lines.append(_("  Issued in: %(names)s (%(code)s)") % {"names": names, "code": region["district_code"]})
        if info["birth_date"]:
            lines.append(_("  Born: %(date)s") % {"date": info["birth_date"]})
        if info["sex"]:
            lines.append(_("  Sex: %(sex)s") % {"sex": _("female") if info["sex"] == "F" else _("male")})
        click.echo("\n".join(lines))
    if not info["valid"]:
        raise SystemExit(1)


command = nik
