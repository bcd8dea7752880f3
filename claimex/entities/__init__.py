"""Entities: organisations (ORG), places (GPE) and laws (LAW), with canonical names.

A gazetteer shipped as data, acronym definitions found in the document, pattern rules
for regulations and administrative places, and a small learned tagger
(``models/ner-id``, spaCy, loaded only when used).

Example:
    >>> from claimex.entities import EntityRecognizer
    >>> rec = EntityRecognizer(use_tagger=False)
    >>> [(e.text, e.type, e.id) for e in rec.recognize("ICAT (Inter-Agency Coordination Group against Trafficking in Persons) di Kanada")]
    [('ICAT', 'ORG', 'org:icat'), ('Inter-Agency Coordination Group against Trafficking in Persons', 'ORG', 'org:icat'), ('Kanada', 'GPE', 'gpe:canada')]
"""

from __future__ import annotations

from claimex.entities.acronyms import Definition, find_definitions
from claimex.entities.gazetteer import Entry, Gazetteer, Match
from claimex.entities.recognizer import EntityRecognizer, entity_counts, head_type
from claimex.entities.rules import find_admin_places, find_laws

__all__ = ["EntityRecognizer", "entity_counts", "Gazetteer", "Entry", "Match", "Definition", "find_definitions",
           "find_laws", "find_admin_places", "head_type"]
