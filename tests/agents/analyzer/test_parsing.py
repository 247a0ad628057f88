"""The English pipeline: the reviewed files or nothing, and the same parse for the same text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agents.analyzer.parsing import PINNED_FILES, _model_dir, check_pipeline_files, parse
from core.errors import ToolFailed


class TestPinnedPipeline:
    """Only the reviewed pipeline loads; a changed or missing weight file is refused."""

    def test_the_installed_pipeline_is_the_reviewed_one(self) -> None:
        """Every pinned file of the installed pipeline has its reviewed SHA-256."""
        check_pipeline_files(_model_dir())

    def test_a_changed_weight_file_is_refused_in_one_sentence(self, tmp_path: Path) -> None:
        """A copy whose parser weights differ by one byte fails, naming the file."""
        copy = tmp_path / "pipeline"
        shutil.copytree(_model_dir(), copy)
        weights = copy / "parser" / "model"
        data = bytearray(weights.read_bytes())
        data[-1] ^= 1
        weights.write_bytes(bytes(data))
        with pytest.raises(ToolFailed, match=r"parser/model is not the reviewed file") as caught:
            check_pipeline_files(copy)
        assert "\n" not in str(caught.value)

    def test_a_missing_file_is_refused(self, tmp_path: Path) -> None:
        """A copy without its tagger weights fails."""
        copy = tmp_path / "pipeline"
        shutil.copytree(_model_dir(), copy)
        (copy / "tagger" / "model").unlink()
        with pytest.raises(ToolFailed, match="no tagger/model"):
            check_pipeline_files(copy)

    def test_every_pinned_file_is_checked(self) -> None:
        """The pin covers the configuration, the tokenizer and every weight the analyzer runs."""
        assert {"config.cfg", "tok2vec/model", "tagger/model", "parser/model"} <= set(PINNED_FILES)


class TestParse:
    """Parsing is deterministic and tells a noun from a verb."""

    def test_same_text_same_parse(self) -> None:
        """Two parses of one request are equal, word for word."""
        text = "Users book a table at a restaurant and browse its menu."
        assert parse(text) == parse(text)

    def test_a_noun_and_a_verb_of_the_same_spelling(self) -> None:
        """The word "book" is a verb before "a table" and a noun after "a"."""
        first, second = parse("Users can book a table."), parse("Users can read a book.")
        assert (first[2].lemma, first[2].pos) == ("book", "VERB")
        assert (second[4].lemma, second[4].pos) == ("book", "NOUN")

    @pytest.mark.parametrize(
        ("text", "word", "lemma"),
        [
            (
                "It performs static code analysis and identifies issues such as bad names.",
                6,
                "identify",
            ),
            ("Users watch movies with friends.", 2, "movie"),
        ],
    )
    def test_an_ies_word_has_the_lemma_the_lemmatizer_knows(
        self, text: str, word: int, lemma: str
    ) -> None:
        """ "identifies", even tagged a plural noun, is "identify"; "movies" stay "movie"."""
        assert parse(text)[word].lemma == lemma

    @pytest.mark.parametrize(
        "text", ["Patients book appointments with doctors.", "Venues host events."]
    )
    def test_a_plural_a_verb_and_its_object_read_as_one_noun_are_a_clause(self, text: str) -> None:
        """The small tagger reads "Patients book appointments" as one noun ("patients' book
        appointments") or "venues" as the verb; the words are subject, verb and object."""
        subject, verb, thing = parse(text)[:3]
        assert (verb.pos, verb.dep) == ("VERB", "ROOT")
        assert (subject.dep, subject.head) == ("nsubj", verb.index)
        assert (thing.dep, thing.head) == ("dobj", verb.index)
        assert {subject.index, thing.index} <= set(verb.children)
        assert verb.left == 0

    @pytest.mark.parametrize(
        ("text", "word"),
        [
            ("An app that helps sports team managers and coaches.", 5),
            ("The Directory Organizer simplifies file management.", 4),
        ],
    )
    def test_plural_modifiers_and_real_verbs_stay_as_parsed(self, text: str, word: int) -> None:
        """ "sports team managers" is one noun; in "simplifies file management" the plural
        is the verb, not a subject."""
        assert parse(text)[word].pos == "NOUN"
