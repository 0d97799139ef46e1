"""The content editors' workflow: validate, convert, evaluate, report, gate, publish.

Everything an editor reads is Dutch; the code is English.
"""
