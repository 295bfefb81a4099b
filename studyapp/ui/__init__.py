"""Every Qt class of studyapp lives in this package and only here."""
