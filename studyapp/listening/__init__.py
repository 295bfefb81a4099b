"""Listening: speech in Mandarin, from the system's voice or eSpeak NG, fed the readings the app shows."""
