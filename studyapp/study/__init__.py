"""Study: the deck of a text's words (statuses, coverage, known lists), its exports (Anki, Pleco, CSV, TBX), the
learner's definitions, and review with FSRS."""
