"""Printed documents: patient statements and walk-out statements, as plain text and as PDF.

Owns the layout of what the office hands or mails to patients: the practice header, the
address block placed for a window envelope, transaction tables, totals, aging boxes and the
amount due, as reusable pieces (`text_kit`, `pdf_kit`) that a printable treatment plan can
share. The content comes ready-made from the pure core (`estimator.statement`,
`estimator.walkout`); nothing here computes money beyond adding up a column for a label.

Pure rendering: may import `estimator`, the PDF library (fpdf2) and the PDF reader used to
split a combined file (pypdf); never `store`, `tui`, `cli`, Textual, Rich or a database.
Every name, address, code and description is printed as data: it arrives already cleaned of
control characters and bidi overrides (`estimator.text.clean`) and is never read as markup.

Modules: `words` (labels and formats both outputs share), `text_kit` / `statement_text`
(80-column text), `pdf_fonts` / `pdf_kit` / `statement_pdf` (Letter-size PDF), `batch`
(one family at a time to files, and the combined print file in volumes).
"""
