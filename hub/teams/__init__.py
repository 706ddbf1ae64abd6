"""A council's (or delivery body's) own team: its managers invite, change and disable members.

Above the audit room (every change is audited) and beside delivery; the e-mail that carries
an invitation is sent by the edge that asked (page or command), as for ``hub users invite``.
"""
