"""A dashboard view as CSV or XLSX: the same published figures as the page, with the metadata (sources,
periods, filters, method) in the file."""
import csv
import io

from livesafe import disclosure
from livesafe.clock import format_london, utcnow
from livesafe.partners import figures, perceptions, sources

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def metadata(board: figures.Dashboard, survey: perceptions.Perceptions | None = None) -> list[tuple[str, str]]:
    method = disclosure.describe()
    population = sources.population()
    return figures.describe_filters(board) + [
        ("Generated", format_london(utcnow(), "%d %B %Y %H:%M")),
        ("Method", f"Every count is published through the cell key method (as used for Census 2021): a small fixed "
                   f"adjustment (at most ±{method['largest_noise']}) is added, and counts below {method['threshold']} "
                   f"are shown as <{method['threshold']}. Rates, averages and changes are worked out from the "
                   f"published counts, so rows may not add up exactly to totals."),
        ("Rates", f"Per 1,000 young people aged {population['ages']}. {sources.population_note()}"),
        ("Priority areas", "Charnwood is a whole district (exact). The four Leicester neighbourhood policing areas "
                           "(West, Central, East and South) are counted from the records that name them in the optional "
                           "area column (exact), or, where no record of the period names an area, shown through the "
                           "figures of the whole city (approximate). The sheet says which for each area."),
        *perceptions.notes(survey),
        ("Sharing", "Shared under the partnership's information sharing agreement. Do not publish figures from this "
                    "file beyond what the agreement allows."),
        ("Synthetic data", "Yes: this view includes made-up demo data" if board.synthetic else "No"),
    ]


def _tables(board: figures.Dashboard, survey: perceptions.Perceptions | None) -> list:
    return figures.tables(board) + ([] if board.empty else perceptions.tables(survey, board.districts))


def to_csv(board: figures.Dashboard, survey: perceptions.Perceptions | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for name, value in metadata(board, survey):
        writer.writerow(["#", name, value])
    for title, header, rows in _tables(board, survey):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows([_safe(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _safe(cell):
    """No cell starts a spreadsheet formula (all our text is ours, but a label is never trusted to be a number)."""
    return "'" + cell if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell


def to_xlsx(board: figures.Dashboard, survey: perceptions.Perceptions | None = None) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    about = book.add_worksheet("About")
    about.set_column(0, 0, 22)
    about.set_column(1, 1, 110)
    for i, (name, value) in enumerate(metadata(board, survey)):
        about.write_string(i, 0, name, bold)
        about.write_string(i, 1, str(value))
    used = {"About"}
    for title, header, rows in _tables(board, survey):
        name = title[:31]
        sheet = book.add_worksheet(name)
        used.add(name)
        sheet.write_row(0, 0, header, bold)
        for r, row in enumerate(rows, start=1):
            for c, cell in enumerate(row):
                if isinstance(cell, (int, float)):
                    sheet.write_number(r, c, cell)
                else:
                    sheet.write_string(r, c, str(cell))
        sheet.set_column(0, 0, 28)
    book.close()
    return buffer.getvalue()
