"""The plan's relations reach the generator typed and named, and generation still works."""

from __future__ import annotations

from pathlib import Path

from agents.analyzer import analyze
from agents.generator import (
    design_for,
    generate,
    relation_specs,
    resources_for,
    with_relations,
)
from agents.llm import BackendSpec
from core.contracts import AnalysisResult, PipelineRequest, Relation

TEXT = (
    "A tutoring platform. Tutors have a name and a subject; sessions have a start time and a "
    "duration in minutes. Students book sessions with tutors."
)


def _plan(text: str = TEXT, kind: str | None = "rest_api") -> AnalysisResult:
    return analyze(PipelineRequest.from_inputs(text=text, kind=kind), spec=BackendSpec())


class TestRelationSpecs:
    """Each plan relation between two resources becomes one RelationSpec on both of them."""

    def test_a_stated_relation_is_typed_and_named_for_the_templates(self) -> None:
        """ "sessions with tutors": Tutor owns Session through session.tutor_id."""
        plan = _plan()
        assert Relation(
            kind="one_to_many", parent="Tutor", child="Session", evidence="sessions with tutors"
        ).model_dump(exclude={"evidence", "on_delete"}) in [
            r.model_dump(exclude={"evidence", "on_delete"}) for r in plan.relations
        ]
        resources = with_relations(plan, resources_for(plan, design_for(plan)))
        by_class = {r.class_name: r for r in resources}
        (link,) = [r for r in by_class["Session"].parents if r.parent == "Tutor"]
        assert (link.reference, link.nested_route) == ("tutor_id", "/tutors/{id}/sessions")
        assert link in by_class["Tutor"].children
        assert (link.parent_table, link.child_table, link.link_table) == ("tutors", "sessions", "")

    def test_a_reference_never_takes_a_fields_name(self) -> None:
        """A child that already has a ``tutor_id`` field gets ``tutor_id_2`` as reference."""
        plan = _plan(
            "Tutors have a name. Sessions have a tutor id and a topic. "
            "Students book sessions with tutors."
        )
        resources = with_relations(plan, resources_for(plan, design_for(plan)))
        session = next(r for r in resources if r.class_name == "Session")
        assert [r.reference for r in session.parents if r.parent == "Tutor"] == ["tutor_id_2"]

    def test_many_to_many_gets_a_link_table(self) -> None:
        """A playlist picks its songs: one link table, no reference column."""
        plan = _plan("Users create playlists of songs. Songs have a title and an artist.")
        resources = with_relations(plan, resources_for(plan, design_for(plan)))
        playlist = next(r for r in resources if r.class_name == "Playlist")
        (link,) = playlist.children
        assert (link.kind, link.child, link.link_table, link.reference) == (
            "many_to_many",
            "Song",
            "playlists_songs",
            "",
        )

    def test_a_reference_that_closes_a_cycle_is_left_out(self) -> None:
        """Tutor -> Session -> Student -> Tutor: the last one would make tables uncreatable."""
        plan = _plan()
        names = {e.name for e in plan.entities}
        assert {"Tutor", "Session", "Student"} <= names
        cycle = [
            Relation(kind="one_to_many", parent="Tutor", child="Session"),
            Relation(kind="one_to_many", parent="Session", child="Student"),
            Relation(kind="one_to_many", parent="Student", child="Tutor"),
        ]
        plan = plan.model_copy(update={"relations": cycle})
        specs = relation_specs(plan, resources_for(plan, design_for(plan)))
        assert [(s.parent, s.child) for s in specs] == [
            ("Tutor", "Session"),
            ("Session", "Student"),
        ]


class TestGenerationWithRelations:
    """A rest_api project renders each one-to-many relation: reference, nested list, its tests."""

    def test_a_plan_with_relations_renders_references_and_nested_routes(
        self, tmp_path: Path
    ) -> None:
        """Session holds tutor_id (a foreign key); /tutors/{id}/sessions lists them; tested."""
        plan = _plan()
        assert plan.relations
        code = generate(plan, project_dir=tmp_path / "p", spec=BackendSpec())
        project = Path(code.project_path)
        routers = {Path(f.path).name for f in code.generated_files if "routers" in f.path}
        assert {"tutor.py", "session.py"} <= routers
        models = (project / "app" / "models.py").read_text(encoding="utf-8")
        assert 'sa.ForeignKey("tutors.id", ondelete=' in models
        tutor_router = (project / "app" / "routers" / "tutor.py").read_text(encoding="utf-8")
        assert '@router.get("/{item_id}/sessions"' in tutor_router
        session_tests = (project / "tests" / "test_session.py").read_text(encoding="utf-8")
        assert "class TestBelongsToTutor" in session_tests


class TestNamesFromRicherPlans:
    """Entity names the parser finds never shadow what generated modules import."""

    def test_a_module_named_like_a_builtin_moves_aside(self) -> None:
        """An entity List gets the module ``list_``: ``list`` stays the builtin in __init__."""
        plan = _plan("Users create lists with a name and a colour.", kind="web_app")
        resources = resources_for(plan, design_for(plan))
        assert [(r.class_name, r.module) for r in resources] == [("List", "list_")]
