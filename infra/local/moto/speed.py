"""Make the embedded AWS fast enough for many applications at once (local stack and
tests only; the deployed app never imports this).

moto is correct but, in places, does work per request that grows with what it holds or
repeats what never changes; under a load test those made the local stack quadratic.
(DynamoDB transactions that copied whole tables are made cheap in ``fidelity``.)
Each patch wraps a moto internal, as ``fidelity`` and ``lambda_adapter`` do: moto
is pinned and ``tests/infra/test_moto_speed.py`` fails loudly if a hook point moves.

- Step Functions built a new boto3 client (~100 ms of CPU) for every Lambda task; it
  now builds one per region.
- The server listed moto's package directory (~200 ``stat`` calls) under its global
  lock for every request to find the service; the list is now read once.
- A DynamoDB Query listed and sorted every item of the table (``Table.all_items``) to
  keep those of one key; on the table's key it now reads that partition only, as
  DynamoDB does, and on an index it walks the table once keeping the matching items
  unsorted (moto keeps no index), then sorts those few.
- Every DynamoDB answer went through moto's shape-driven serializer, which looks up
  each attribute of each item under several spellings (~20 ms for a page of reviews);
  the data-plane answers (items, keys, capacity) are already in the wire's shape, so
  they are written as JSON directly: the same bytes base64-encoded, the same members.
- Step Functions parsed the state machine's definition (ANTLR, ~0.1 s of CPU) again for
  every execution; each definition is now parsed once.  A parsed program keeps no
  execution's state (that lives in the execution's environment, under each
  component's heap key), so executions share it; the heap keys, drawn lazily by moto,
  are drawn once when the program is first parsed so that no two executions race to
  draw one.
- Each DynamoDB update expression is checked by ten tree walkers; each walker rebuilt
  its table of node types at every node, and two of them re-collected the clauses of
  every sub-expression (quadratic in the number of actions: ~10 ms for the statistics'
  30-action update).  The table is built once per walker, and those two checks run on
  the whole expression only: every sub-expression's clauses are among the whole's,
  so the same expressions are refused (when one breaks two rules, moto may name the
  other first).
"""

from __future__ import annotations

import base64
import functools
import json
import threading
from datetime import datetime
from typing import Any

LAMBDA_TASKS = "moto.stepfunctions.parser.asl.component.state.exec.state_task.lambda_eval_utils"


def install() -> None:
    one_lambda_client_per_region()
    list_moto_modules_once()
    query_only_matching_items()
    plain_dynamodb_answers()
    parse_each_definition_once()
    validate_update_expressions_linearly()


def one_lambda_client_per_region() -> None:
    import importlib

    tasks = importlib.import_module(LAMBDA_TASKS)
    original = tasks.boto_client_for
    if getattr(original, "_cached", False):
        return
    clients: dict[tuple[str, str], Any] = {}
    lock = threading.Lock()

    @functools.wraps(original)
    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        # moto's own builds every client with the same fixed keys, whatever the state's credentials
        with lock:  # one build, not one per waiting thread
            if (region, service) not in clients:
                clients[(region, service)] = original(region, service)  # boto3 clients are thread-safe
            return clients[(region, service)]

    boto_client_for._cached = True  # type: ignore[attr-defined]
    # the Lambda task looks the name up in its own module (moto imports it there unexported)
    tasks.boto_client_for = boto_client_for  # type: ignore[attr-defined]


def list_moto_modules_once() -> None:
    from moto import backends

    original = backends.list_of_moto_modules
    if getattr(original, "_cached", False):
        return
    modules = frozenset(original())

    def list_of_moto_modules() -> frozenset[str]:
        return modules

    list_of_moto_modules._cached = True  # type: ignore[attr-defined]
    backends.list_of_moto_modules = list_of_moto_modules


def query_only_matching_items() -> None:
    """``Table.query`` keeps the items whose key matches out of ``all_items()``: the
    whole table, sorted (comparing typed values, ~1 µs each), on every Query.  While a
    Query runs, ``all_items`` of that table answers with the candidates only: on the
    table's key, the one partition; on an index, the items whose index hash key has
    the asked value (strings compared as they are, other types as moto compares them).
    ``query`` then checks and sorts them as before: the same items in the same order."""
    from moto.dynamodb.models.table import Table

    if getattr(Table.query, "_matching_only", False):
        return
    original_query, original_all_items = Table.query, Table.all_items
    asked = threading.local()

    @functools.wraps(original_all_items)
    def all_items(self: Any) -> Any:
        wanted = getattr(asked, "wanted", None)
        if wanted is None or wanted[0] is not self:
            return original_all_items(self)
        _, partition, conditions = wanted
        if partition is not None:
            found = self.items.get(partition)
            if found is None:
                return []
            return list(found.values()) if self.range_key_attr else [found]
        walked = (
            item for stored in self.items.values() for item in (stored.values() if self.range_key_attr else (stored,))
        )
        return [item for item in walked if all(_same(item.attrs.get(name), value) for name, value in conditions)]

    @functools.wraps(original_query)
    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        conditions = kwargs.get("hash_key_conditions") or []
        if index_name and conditions:
            asked.wanted = (self, None, conditions)
        elif not index_name and hash_key is not None:
            asked.wanted = (self, hash_key, None)
        else:
            return original_query(self, hash_key, *args, **kwargs)
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            asked.wanted = None

    query._matching_only = True  # type: ignore[attr-defined]
    Table.query, Table.all_items = query, all_items  # type: ignore[method-assign]  # the patch


def _same(stored: Any, asked: Any) -> bool:
    if stored is None or stored.type != asked.type:
        return False
    return bool(stored.value == asked.value) if asked.type == "S" else bool(stored == asked)


# answers made of items, keys and consumed capacity only: already what the wire carries
PLAIN_ANSWERS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)


def plain_dynamodb_answers() -> None:
    from moto.core.responses import ActionResult

    original = ActionResult.execute_result
    if getattr(original, "_plain", False):
        return

    @functools.wraps(original)
    def execute_result(self: Any, context: Any) -> Any:
        operation = context.operation_model
        if (
            context.service_model.service_name != "dynamodb"
            or operation.name not in PLAIN_ANSWERS
            or not isinstance(self.result, dict)
        ):
            return original(self, context)
        return plain_answer(context, self.result)

    execute_result._plain = True  # type: ignore[attr-defined]
    ActionResult.execute_result = execute_result  # type: ignore[method-assign]


def plain_answer(context: Any, result: dict[str, Any]) -> tuple[int, dict[str, str], str]:
    """What moto's JSON serializer answers for a data-plane result, without walking the
    output shape member by member: the top-level members the operation declares, with
    binary values base64-encoded."""
    operation = context.operation_model
    members = operation.output_shape.members if operation.output_shape is not None else {}
    body = {name: value for name, value in result.items() if name in members and value is not None}
    serializer = context.serializer_class(operation_model=operation)
    headers = {"Content-Type": serializer._get_protocol_specific_content_type()}
    return operation.http.get("responseCode", 200), headers, json.dumps(body, default=_wire_value)


def _wire_value(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"{type(value).__name__} has no DynamoDB wire form")


def parse_each_definition_once() -> None:
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    original = ExecutionWorker._get_evaluation_entrypoint
    if getattr(original, "_cached", False):
        return
    programs: dict[str, Any] = {}
    lock = threading.Lock()

    @functools.wraps(original)
    def entrypoint(self: Any) -> Any:
        definition = self._evaluation_details.state_machine_details.definition
        with lock:
            if definition not in programs:
                programs[definition] = _draw_heap_keys(original(self))
            return programs[definition]

    entrypoint._cached = True  # type: ignore[attr-defined]
    ExecutionWorker._get_evaluation_entrypoint = entrypoint  # type: ignore[method-assign]


def _draw_heap_keys(program: Any) -> Any:
    from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent

    seen: set[int] = set()
    pending = [program]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, EvalComponent):
            _ = node.heap_key
        if isinstance(node, list | tuple | set | frozenset):
            pending.extend(node)
        elif isinstance(node, dict):
            pending.extend(node.values())
        elif type(node).__module__.startswith("moto.stepfunctions") and hasattr(node, "__dict__"):
            pending.extend(vars(node).values())
    return program


def validate_update_expressions_linearly() -> None:
    # ast_nodes opts out of type checking (a bare "type: ignore" at its top): mypy sees none of its names
    from moto.dynamodb.parsing.ast_nodes import DepthFirstTraverser  # type: ignore[attr-defined]
    from moto.dynamodb.parsing.validators import ActionCountValidator, OverlappingPathsValidator

    if getattr(DepthFirstTraverser.process, "_linear", False):
        return

    def processing(walker: Any) -> tuple[dict[type, Any], tuple[type, ...]]:
        table = walker.__dict__.get("_processing")
        if table is None:
            found = walker._processing_map()
            table = walker.__dict__["_processing"] = (found, tuple(found))
        return table  # type: ignore[no-any-return]

    def nodes_to_be_processed(self: Any) -> tuple[type, ...]:
        return processing(self)[1]

    def process(self: Any, node: Any) -> Any:
        for kind, processor in processing(self)[0].items():
            if isinstance(node, kind):
                return processor(node)
        return None

    process._linear = True  # type: ignore[attr-defined]
    DepthFirstTraverser.nodes_to_be_processed = nodes_to_be_processed
    DepthFirstTraverser.process = process
    for walker, check in (
        (ActionCountValidator, "verify_action_counts"),
        (OverlappingPathsValidator, "check_for_overlapping_paths"),
    ):
        whole_only = _on_the_whole_expression(getattr(walker, check))
        setattr(walker, check, whole_only)


def _on_the_whole_expression(check: Any) -> Any:
    @functools.wraps(check)
    def whole_only(self: Any, node: Any) -> Any:
        return node if node.parent is not None else check(self, node)

    return whole_only
