"""Intake: returned workbooks (ledgers, nomination forms) checked and taken in."""
