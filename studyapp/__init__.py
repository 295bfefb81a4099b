"""studyapp: read, study and translate Chinese text clause by clause."""

__version__ = "0.1.0"
