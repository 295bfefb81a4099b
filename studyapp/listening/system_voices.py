"""The operating system's own Mandarin voices, each through the tool every install of it has: SAPI through
PowerShell's System.Speech on Windows, ``say`` on macOS, ``spd-say`` (speech-dispatcher) on Linux. They read the
hanzi by themselves (none takes pinyin), and are offered only where a Mandarin voice is installed; each listing
runs a program, so it is kept.

Only the Linux path can run on the machine the tests run on; the others are small and are skipped there.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import tempfile
from functools import cached_property
from pathlib import Path

from .voices import Engine, Utterance, Voice, clamp_rate

_TIMEOUT = 60
_MANDARIN_LOCALES = ("zh_cn", "zh-cn", "zh_tw", "zh-tw", "zh_sg", "zh-sg", "cmn")


def _mandarin(locale: str) -> bool:
    return locale.strip().lower().replace("_", "-").startswith(tuple(m.replace("_", "-") for m in _MANDARIN_LOCALES))


def _run(command: list[str], text_input: str | None = None) -> str:
    done = subprocess.run(command, input=text_input, capture_output=True, text=True, encoding="utf-8",
                          timeout=_TIMEOUT, check=False)
    return done.stdout if done.returncode == 0 else ""


class MacSay:
    """macOS: ``say -v ?`` lists voices with their locale; ``say -o`` writes a WAV."""

    name, takes_reading, writes_wav = "macOS", False, True

    @cached_property
    def _voices(self) -> list[Voice]:
        found = []
        for line in _run(["say", "-v", "?"]).splitlines():
            head = line.split("#", 1)[0].split()
            if len(head) >= 2 and _mandarin(head[-1]):
                name = " ".join(head[:-1])
                found.append(Voice("say:" + name, f"{name} (macOS)"))
        return found

    def synthesize(self, utterance: Utterance, rate: float = 1.0, voice: str | None = None) -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "said.wav"
            command = ["say", "-r", str(round(175 * clamp_rate(rate))), "-o", str(out), "--data-format=LEI16@22050"]
            if voice and voice.startswith("say:"):
                command += ["-v", voice[4:]]
            subprocess.run([*command, "-f", "-"], input=utterance.text, text=True, encoding="utf-8",
                           timeout=_TIMEOUT, check=True)
            return out.read_bytes()

    def voices(self) -> list[Voice]:
        return self._voices

    def stop(self) -> None:
        pass


_SAPI_VOICES = ("Add-Type -AssemblyName System.Speech; (New-Object System.Speech.Synthesis.SpeechSynthesizer)"
                ".GetInstalledVoices() | ForEach-Object { $_.VoiceInfo.Name + \"`t\" + $_.VoiceInfo.Culture.Name }")
_SAPI_SPEAK = ("Add-Type -AssemblyName System.Speech; $s = New-Object System.Speech.Synthesis.SpeechSynthesizer; "
               "if ($args[0]) {{ $s.SelectVoice($args[0]) }}; $s.Rate = {rate}; $s.SetOutputToWaveFile('{out}'); "
               "$s.Speak([IO.File]::ReadAllText('{text}', [Text.Encoding]::UTF8)); $s.Dispose()")


class WindowsSapi:
    """Windows: SAPI voices through System.Speech, which every Windows has with PowerShell; no package."""

    name, takes_reading, writes_wav = "Windows", False, True

    @cached_property
    def _voices(self) -> list[Voice]:
        found = []
        for line in _run(["powershell", "-NoProfile", "-Command", _SAPI_VOICES]).splitlines():
            name, _, culture = line.strip().partition("\t")
            if name and _mandarin(culture):
                found.append(Voice("sapi:" + name, f"{name} (Windows)"))
        return found

    def synthesize(self, utterance: Utterance, rate: float = 1.0, voice: str | None = None) -> bytes:
        # SAPI's rate runs -10..10, where 10 is three times the normal speed
        sapi_rate = max(-10, min(10, round(10 * math.log(clamp_rate(rate)) / math.log(3))))
        with tempfile.TemporaryDirectory() as folder:
            out, text = Path(folder) / "said.wav", Path(folder) / "text.txt"
            text.write_text(utterance.text, encoding="utf-8")
            script = _SAPI_SPEAK.format(rate=sapi_rate, out=out, text=text)
            name = voice[5:] if voice and voice.startswith("sapi:") else ""
            subprocess.run(["powershell", "-NoProfile", "-Command", script, name], timeout=_TIMEOUT, check=True)
            return out.read_bytes()

    def voices(self) -> list[Voice]:
        return self._voices

    def stop(self) -> None:
        pass


class SpeechDispatcher:
    """Linux desktops: speech-dispatcher speaks through its own audio server (it hands back no sound), so it
    cannot write a WAV; ``spd-say -C`` stops what is playing before the next request."""

    name, takes_reading, writes_wav = "speech-dispatcher", False, False

    @cached_property
    def _voices(self) -> list[Voice]:
        found = []
        for line in _run(["spd-say", "-L"]).splitlines()[1:]:  # NAME LANGUAGE VARIANT, under a header
            parts = line.split()
            if len(parts) >= 2 and _mandarin(parts[1]):
                found.append(Voice("spd:" + parts[0], f"{parts[0]} (speech-dispatcher)"))
        return found

    def voices(self) -> list[Voice]:
        return self._voices

    def synthesize(self, utterance: Utterance, rate: float = 1.0, voice: str | None = None) -> None:
        self.stop()
        command = ["spd-say", "-l", "zh", "-r", str(round((clamp_rate(rate) - 1) * 100))]
        if voice and voice.startswith("spd:"):
            command += ["-y", voice[4:]]
        subprocess.run([*command, "--", utterance.text], timeout=_TIMEOUT, check=False, capture_output=True)
        return None

    def stop(self) -> None:
        subprocess.run(["spd-say", "-C"], timeout=_TIMEOUT, check=False, capture_output=True)


def system_engines() -> list[Engine]:
    """The system's engines that have a Mandarin voice here."""
    if sys.platform == "win32":
        candidates: list[Engine] = [WindowsSapi()] if shutil.which("powershell") else []
    elif sys.platform == "darwin":
        candidates = [MacSay()] if shutil.which("say") else []
    else:
        candidates = [SpeechDispatcher()] if shutil.which("spd-say") else []
    found: list[Engine] = []
    for engine in candidates:
        try:
            if engine.voices():
                found.append(engine)
        except (OSError, subprocess.SubprocessError):
            continue
    return found
