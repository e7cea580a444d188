"""How a question is read: against the turn before it, and the places it names.

:mod:`.conversation` reads follow-ups; :mod:`.places` finds places and tells departments apart by them.
"""
