"""The engagement report (`reports/document.py`'s `Report`) in each format people read it in.

- `html.render_html(report)`: the sections as an HTML fragment for the staff and public pages;
- `pdf.render_pdf(report)`: A4 PDF bytes, laid out by WeasyPrint from `html.render_print_html`;
- `word.render_docx(report)`: Word document bytes (python-docx);
- `charts.render_chart_svg(chart)`: one figure's bar chart as SVG, used by all three.

Each is imported from its own module, so a page that only shows HTML never loads WeasyPrint.
"""
