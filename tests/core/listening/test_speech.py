"""Speech without a sound card: WAVs made in memory have a plausible length and are not silence, and what eSpeak
NG says follows the app's reading (in context, pinned, as spoken), not its own."""

import array
import io
import math
import shutil
import sys
import wave

import pytest

from studyapp.cli import main
from studyapp.listening.speech import (
    ESpeakEngine,
    choose,
    numbered,
    spoken_reading,
    utterance,
    utterance_of,
    wav_duration,
)
from studyapp.listening.voices import NoMandarinVoice, Utterance

CLAUSE = "他还没来，我们先去银行取钱吧。"


@pytest.fixture(scope="module")
def espeak():
    return ESpeakEngine()


def _samples(data: bytes) -> array.array:
    with wave.open(io.BytesIO(data)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth()) == (1, 2)
        samples = array.array("h", reader.readframes(reader.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def _rms(data: bytes) -> float:
    samples = _samples(data)
    return math.sqrt(sum(s * s for s in samples) / max(len(samples), 1))


def test_nihao_is_a_short_wav_that_is_not_silence(espeak, analyzer):
    said = espeak.synthesize(utterance_of("你好", analyzer))
    assert 0.3 < wav_duration(said) < 2.0
    assert _rms(said) > 500  # 16-bit full scale is 32767; silence and hiss stay far below


def test_a_clause_is_longer_than_a_word_and_not_silence(espeak, analyzer):
    word = espeak.synthesize(utterance_of("你好", analyzer))
    clause = espeak.synthesize(utterance_of(CLAUSE, analyzer))
    assert 2.0 < wav_duration(clause) < 10.0
    assert wav_duration(clause) > 3 * wav_duration(word)
    assert _rms(clause) > 500


def test_the_rate_stretches_and_shrinks_the_speech(espeak, analyzer):
    said = utterance_of(CLAUSE, analyzer)
    slow, normal, fast = (wav_duration(espeak.synthesize(said, rate)) for rate in (0.5, 1.0, 1.5))
    assert slow > 1.5 * normal
    assert fast < 0.85 * normal


def _ms(espeak, said: Utterance) -> float:
    """How long eSpeak NG takes to say it. Its voice jitters by a millisecond or two from one call to the next (the
    samples never repeat exactly), while another syllable or tone changes the length by tens of milliseconds."""
    return 1000 * wav_duration(espeak.synthesize(said))


def test_engine_says_the_apps_reading_where_its_own_differs(espeak, analyzer):
    """借书要还: the app's grammar reads 还 huán (give back); eSpeak NG, left to read the hanzi itself, says hái."""
    said = utterance_of("借书要还", analyzer)
    assert said.reading.endswith("huan2")
    assert "X'ua35n" in espeak.phonemes(said)
    by_itself = Utterance(said.text, "")
    assert "X'ai35" in espeak.phonemes(by_itself)
    as_huan, as_hai = (_ms(espeak, Utterance("", f"jie4 shu1 yao4 {end}")) for end in ("huan2", "hai2"))
    assert as_huan - as_hai > 30
    assert abs(_ms(espeak, said) - as_huan) < 5  # the sound is the app's huán, not the engine's own hái


def test_a_pinned_reading_reaches_the_engine(espeak, analyzer):
    """了 in 他来了 is le in context; a reading the learner pinned (liǎo, for the test) is what is said."""
    tokens = analyzer.analyze("他来了")
    assert spoken_reading(tokens) == "ta1 lai2 le5"
    pinned = tuple(token._replace(pinyin=("liǎo",), source="pinned") if token.text == "了" else token
                   for token in tokens)
    in_context, as_pinned = utterance("他来了", tokens), utterance("他来了", pinned)
    assert "l'@11" in espeak.phonemes(in_context) and "ljAu214" in espeak.phonemes(as_pinned).replace("'", "")
    assert _ms(espeak, as_pinned) - _ms(espeak, in_context) > 100  # a full third tone against a light le


def test_the_reading_is_as_spoken_with_pauses_at_punctuation(analyzer):
    assert utterance_of("你好", analyzer).reading == "ni2hao3"  # third tone before third said as second
    assert utterance_of("一个", analyzer).reading == "yi2 ge4"  # two words: 一 before a fourth tone said yí
    assert utterance_of("还有，绿色。", analyzer).reading == "hai2you3, lv4se4."


def test_numbered_syllables_are_as_espeak_reads_pinyin():
    assert [numbered(s) for s in ("lǜ", "nǚ", "de", "háng", "r")] == ["lv4", "nv3", "de5", "hang2", "er5"]


def test_a_voice_asked_for_is_chosen_and_an_unknown_one_falls_back(espeak):
    assert choose("espeak:cmn+f2", [espeak]) == (espeak, "espeak:cmn+f2")
    assert choose("nowhere", [espeak]) == (espeak, "espeak:cmn")
    with pytest.raises(NoMandarinVoice):
        choose(None, [])


def test_speak_command_writes_a_wav(tmp_path, capsys):
    out = tmp_path / "said.wav"
    assert main(["speak", "银行", "--out", str(out), "--rate", "0.8"]) == 0
    assert 0.3 < wav_duration(out.read_bytes()) < 3.0
    assert _rms(out.read_bytes()) > 500


def test_speak_command_without_a_mandarin_voice_exits_2_with_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("studyapp.listening.speech.engines", lambda: [])  # a machine where nothing speaks Mandarin
    assert main(["speak", "你好", "--out", str(tmp_path / "x.wav")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Mandarin" in err
    assert not (tmp_path / "x.wav").exists()


def test_speak_command_refuses_an_unknown_voice_and_a_rate_out_of_range(tmp_path, capsys):
    assert main(["speak", "你好", "--out", str(tmp_path / "x.wav"), "--voice", "nope"]) == 2
    assert "espeak:cmn" in capsys.readouterr().err
    assert main(["speak", "你好", "--out", str(tmp_path / "x.wav"), "--rate", "3"]) == 2
    assert main(["speak", " ", "--out", str(tmp_path / "x.wav")]) == 2
    assert not (tmp_path / "x.wav").exists()


@pytest.mark.skipif(not shutil.which("spd-say"), reason="speech-dispatcher is not installed here")
def test_speech_dispatcher_lists_only_mandarin_voices():
    from studyapp.listening.system_voices import SpeechDispatcher

    assert all(voice.id.startswith("spd:") for voice in SpeechDispatcher().voices())


@pytest.mark.skipif(sys.platform != "darwin", reason="macOS only")
def test_macos_say_writes_a_wav():  # pragma: no cover - runs on macOS
    from studyapp.listening.system_voices import MacSay

    engine = MacSay()
    if not engine.voices():
        pytest.skip("no Mandarin voice installed")
    assert wav_duration(engine.synthesize(Utterance("你好", ""))) > 0.3


@pytest.mark.skipif(sys.platform != "win32", reason="Windows only")
def test_windows_sapi_writes_a_wav():  # pragma: no cover - runs on Windows
    from studyapp.listening.system_voices import WindowsSapi

    engine = WindowsSapi()
    if not engine.voices():
        pytest.skip("no Mandarin voice installed")
    assert wav_duration(engine.synthesize(Utterance("你好", ""))) > 0.3
