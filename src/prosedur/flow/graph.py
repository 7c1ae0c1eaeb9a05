"""The flow of a procedure as a directed graph: edges, reachability, cycles.

Shared by the linter (is the flow sound?) and the layout (in which order do rows go?). A step
without `next` or `exits` continues with the step written below it, so a plain sequence needs no
wiring; an `end` step never continues. A row of several symbols (`parts`) is one node here: it is
entered by its first part and left by its last, which carries `next`/`exits`; `next_label` labels the
plain arrow (written or implicit) that leaves a row.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Procedure, Step, StepKind


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    label: str | None = None
    implicit: bool = False


def edges(proc: Procedure) -> list[Edge]:
    """Every edge of the flow, in source order (dangling targets included)."""
    out: list[Edge] = []
    steps = proc.steps
    for index, step in enumerate(steps):
        out.extend(step_edges(step, steps[index + 1] if index + 1 < len(steps) else None))
    return out


def step_edges(step: Step, following: Step | None) -> list[Edge]:
    if step.exits:
        return [Edge(step.id, ex.to, ex.label) for ex in step.exits]
    if step.next:
        return [Edge(step.id, step.next, step.next_label)]
    if step.exit_kind in (StepKind.END, StepKind.DECISION) or following is None:
        return []
    return [Edge(step.id, following.id, step.next_label, implicit=True)]


def successors(proc: Procedure) -> dict[str, list[Edge]]:
    """Step id -> outgoing edges whose targets exist."""
    ids = {s.id for s in proc.steps}
    out: dict[str, list[Edge]] = {s.id: [] for s in proc.steps}
    for edge in edges(proc):
        if edge.target in ids and edge.source in out:
            out[edge.source].append(edge)
    return out


def predecessors(proc: Procedure) -> dict[str, list[Edge]]:
    out: dict[str, list[Edge]] = {s.id: [] for s in proc.steps}
    for edge_list in successors(proc).values():
        for edge in edge_list:
            out[edge.target].append(edge)
    return out


def reachable(start: str, succ: dict[str, list[Edge]]) -> set[str]:
    """Ids reachable from `start` (inclusive), iteratively."""
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        for edge in succ.get(node, ()):
            if edge.target not in seen:
                seen.add(edge.target)
                stack.append(edge.target)
    return seen


def can_reach_end(proc: Procedure, succ: dict[str, list[Edge]] | None = None) -> set[str]:
    """Ids from which some end step is reachable (reverse search from the ends)."""
    succ = succ if succ is not None else successors(proc)
    pred: dict[str, list[str]] = {s.id: [] for s in proc.steps}
    for source, edge_list in succ.items():
        for edge in edge_list:
            pred[edge.target].append(source)
    ends = [s.id for s in proc.steps if s.exit_kind == StepKind.END]
    seen = set(ends)
    stack = list(ends)
    while stack:
        node = stack.pop()
        for prev in pred.get(node, ()):
            if prev not in seen:
                seen.add(prev)
                stack.append(prev)
    return seen


def strongly_connected(proc: Procedure, succ: dict[str, list[Edge]] | None = None) -> list[list[str]]:
    """Strongly connected components with a cycle (size > 1 or a self-loop); iterative Tarjan."""
    succ = succ if succ is not None else successors(proc)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in (s.id for s in proc.steps):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child_i = work.pop()
            if child_i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = succ.get(node, [])
            recurse = False
            for i in range(child_i, len(children)):
                target = children[i].target
                if target not in index:
                    work.append((node, i + 1))
                    work.append((target, 0))
                    recurse = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if recurse:
                continue
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                self_loop = any(e.target == node for e in succ.get(node, []))
                if len(component) > 1 or self_loop:
                    result.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return result
