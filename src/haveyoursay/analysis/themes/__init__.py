"""Free-text themes, in one place: the models (`models.py`), the workflow of suggesting,
applying, reviewing and coding a codeframe (`workflow.py`), the staff pages (`staff.py`,
`forms.py`), the background tasks (`tasks.py`), the engagement report's themes section
(`report.py`), and the plain text engine with no Django in it (`text/`: suggesting themes,
coding answers, naming, duplicates and campaigns, redaction, and the command-line tools)."""
