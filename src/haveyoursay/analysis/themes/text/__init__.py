"""Free-text analysis with no Django in it: theme suggestion, coding, redaction, campaigns.

Plain functions over lists of strings, so the staff site, background tasks, the command
line (`haveyoursay redact`, `haveyoursay code-answers`) and the benchmarks share them.
"""
