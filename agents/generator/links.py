"""The plan's relations as the templates will read them: typed, named, checked against resources.

Each ``Relation`` of the plan whose two entities became resources turns into one
``RelationSpec`` with everything a template needs to render it without naming anything
itself: both sides' class, module, table and route, the reference attribute on the child
(``tutor_id``, unique among the child's own attributes), the nested route
(``/tutors/{id}/sessions``), the link table of a many-to-many, and what deleting the parent
does. Every resource lists the relations it takes part in, as parent or as child. The
templates of the kinds that store records render one-to-many relations (a reference, a nested
list, a parent filter, integrity on create, update and delete) and many-to-many ones (a link
table kept by the owning side, pick and unpick, lists from both sides).
"""

from __future__ import annotations

import dataclasses

from agents.generator.design import RelationSpec, ResourceSpec, snake
from core.contracts import AnalysisResult


def _reference(parent: ResourceSpec, child: ResourceSpec) -> str:
    """``<parent>_id``, made unique among the child's attributes."""
    taken = {f.attr for f in child.fields} | {f.json for f in child.fields} | {"id"}
    name, number = f"{snake(parent.class_name)}_id", 2
    while name in taken:
        name, number = f"{snake(parent.class_name)}_id_{number}", number + 1
    return name


def _ancestors(entity: str, parents_of: dict[str, set[str]]) -> set[str]:
    """Every entity above ``entity`` through one-to-many references."""
    found: set[str] = set()
    stack = [entity]
    while stack:
        for parent in parents_of.get(stack.pop(), ()):
            if parent not in found:
                found.add(parent)
                stack.append(parent)
    return found


def relation_specs(analysis: AnalysisResult, resources: list[ResourceSpec]) -> list[RelationSpec]:
    """The plan's relations between generated resources, in plan order, each pair once.

    A one-to-many relation that would close a cycle of references is left out: tables must be
    creatable parents first, and a cascade must end.
    """
    by_entity = {resource.entity: resource for resource in resources}
    specs: list[RelationSpec] = []
    seen: set[frozenset[str]] = set()
    parents_of: dict[str, set[str]] = {}
    for relation in analysis.relations:
        parent, child = by_entity.get(relation.parent), by_entity.get(relation.child)
        pair = frozenset((relation.parent, relation.child))
        if parent is None or child is None or parent is child or pair in seen:
            continue
        if relation.kind == "one_to_many":
            if relation.child in _ancestors(relation.parent, parents_of):
                continue
            parents_of.setdefault(relation.child, set()).add(relation.parent)
        seen.add(pair)
        many = relation.kind == "many_to_many"
        specs.append(
            RelationSpec(
                kind=relation.kind,
                parent=parent.class_name,
                child=child.class_name,
                parent_module=parent.module,
                child_module=child.module,
                parent_table=parent.table,
                child_table=child.table,
                parent_route=parent.route,
                child_route=child.route,
                reference="" if many else _reference(parent, child),
                nested_route=f"{parent.route}/{{id}}{child.route}",
                link_table=f"{parent.table}_{child.table}"[:63] if many else "",
                on_delete=relation.on_delete,
                evidence=relation.evidence,
            )
        )
    return specs


def with_relations(analysis: AnalysisResult, resources: list[ResourceSpec]) -> list[ResourceSpec]:
    """``resources``, each carrying the relations it is a parent or a child in."""
    specs = relation_specs(analysis, resources)
    return [
        dataclasses.replace(
            resource,
            relations=[s for s in specs if resource.class_name in (s.parent, s.child)],
        )
        for resource in resources
    ]
