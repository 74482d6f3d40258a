"""The embedded AWS's speed patches (``infra/local/moto/speed.py``): Step Functions reuses its
Lambda client and parses each definition once, the server reads moto's module list once,
Queries read only the matching items, DynamoDB answers are written plainly, update
expressions are checked in linear time; each gives moto's own answers.  They wrap moto
internals, so a moto upgrade that moves one fails here, and each test fails if its patch
stops taking effect.  (Cheap transaction rollback: test_moto_fidelity.)"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from infra.local.moto import speed as moto_speed


def table_t() -> Any:
    """A DynamoDB client with table ``t`` (``pk``/``sk``, index ``by_g`` on ``g``), under ``mock_aws``."""
    import boto3

    ddb = boto3.client("dynamodb", region_name="us-east-1")
    ddb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "g")],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return ddb


def test_step_functions_reuse_one_lambda_client_per_region() -> None:
    import importlib

    from moto import mock_aws

    moto_speed.one_lambda_client_per_region()
    tasks = importlib.import_module(moto_speed.LAMBDA_TASKS)
    # under the mock, as the executions that use it: a client built outside it would point
    # at a moto server, and the cache would hand it to every later in-process execution
    with mock_aws():
        assert tasks.boto_client_for("us-east-1", "lambda") is tasks.boto_client_for("us-east-1", "lambda")


def test_the_server_reads_the_module_list_once() -> None:
    from moto import backends

    moto_speed.list_moto_modules_once()
    assert {"dynamodb", "stepfunctions", "cognitoidp"} <= backends.list_of_moto_modules()
    assert backends.list_of_moto_modules() is backends.list_of_moto_modules()


def test_a_query_reads_only_the_matching_items_with_the_same_answers() -> None:
    from moto import mock_aws
    from moto.dynamodb.models.table import Table

    moto_speed.query_only_matching_items()
    with mock_aws():
        ddb = table_t()
        for pk, sk in [("A", "3"), ("B", "1"), ("A", "1"), ("A", "2"), ("C", "9")]:
            ddb.put_item(
                TableName="t",
                Item={"pk": {"S": pk}, "sk": {"S": sk}, "g": {"S": "even" if int(sk) % 2 == 0 else "odd"}},
            )
        walked: list[int] = []
        whole = Table.all_items

        def counting(self: Table) -> object:
            items = whole(self)
            walked.append(len(items))  # type: ignore[arg-type]
            return items

        Table.all_items = counting  # type: ignore[method-assign]
        try:
            query = {
                "TableName": "t",
                "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": {"S": "A"}},
            }
            assert [item["sk"]["S"] for item in ddb.query(**query)["Items"]] == ["1", "2", "3"]
            assert [item["sk"]["S"] for item in ddb.query(**query, ScanIndexForward=False, Limit=2)["Items"]] == [
                "3",
                "2",
            ]
            assert ddb.query(**{**query, "ExpressionAttributeValues": {":p": {"S": "Z"}}})["Items"] == []
            odd = ddb.query(
                TableName="t",
                IndexName="by_g",
                KeyConditionExpression="g = :g",
                ExpressionAttributeValues={":g": {"S": "odd"}},
            )["Items"]
            assert [(item["pk"]["S"], item["sk"]["S"]) for item in odd] == [
                ("A", "1"),
                ("B", "1"),
                ("A", "3"),
                ("C", "9"),
            ]  # moto: sort key, then table key
        finally:
            Table.all_items = whole  # type: ignore[method-assign]
        assert walked == [3, 3, 0, 4]  # one partition each; the index query's matches only


def test_dynamodb_answers_written_plainly_are_what_moto_would_have_answered() -> None:
    """Every data-plane answer of a varied workload (binary and set values, nested maps,
    pages, missing items, consumed capacity, return values, unprocessed keys) is
    serialized both ways and compared."""
    import json

    from moto import mock_aws
    from moto.core.responses import ActionResult

    moto_speed.plain_dynamodb_answers()
    plain = ActionResult.execute_result
    compared: list[str] = []

    def both(self: ActionResult, context: object) -> object:
        answer = plain(self, context)
        operation = context.operation_model.name  # type: ignore[attr-defined]
        if operation in moto_speed.PLAIN_ANSWERS and isinstance(self.result, dict):
            status, headers, body = plain.__wrapped__(self, context)  # type: ignore[attr-defined]
            assert (status, headers) == answer[:2], operation  # type: ignore[index]
            assert json.loads(body) == json.loads(answer[2]), operation  # type: ignore[index]
            compared.append(operation)
        return answer

    ActionResult.execute_result = both  # type: ignore[method-assign]
    try:
        with mock_aws():
            ddb = table_t()
            rich = {
                "photo": {"B": b"\x00\xffbytes"},
                "photos": {"BS": [b"a", b"\x01"]},
                "tags": {"SS": ["x", "y"]},
                "scores": {"NS": ["1", "2.5"]},
                "nested": {
                    "M": {
                        "items": {"L": [{"S": "a"}, {"N": "1"}, {"BOOL": False}, {"NULL": True}, {"M": {}}, {"L": []}]},
                        "empty": {"S": ""},
                    }
                },
            }
            for index in range(7):
                ddb.put_item(
                    TableName="t",
                    Item={
                        "pk": {"S": "A"},
                        "sk": {"S": f"{index}"},
                        "g": {"S": "odd" if index % 2 else "even"},
                        **rich,
                    },
                )
            ddb.put_item(
                TableName="t",
                Item={"pk": {"S": "A"}, "sk": {"S": "0"}, "g": {"S": "even"}},
                ReturnValues="ALL_OLD",
                ReturnConsumedCapacity="TOTAL",
            )
            ddb.get_item(TableName="t", Key={"pk": {"S": "A"}, "sk": {"S": "1"}}, ReturnConsumedCapacity="INDEXES")
            ddb.get_item(TableName="t", Key={"pk": {"S": "A"}, "sk": {"S": "missing"}})
            ddb.get_item(
                TableName="t",
                Key={"pk": {"S": "A"}, "sk": {"S": "1"}},
                ProjectionExpression="photo, #n.#l",
                ExpressionAttributeNames={"#n": "nested", "#l": "items"},
            )
            ddb.update_item(
                TableName="t",
                Key={"pk": {"S": "A"}, "sk": {"S": "2"}},
                UpdateExpression="ADD hits :one SET photo = :b",
                ExpressionAttributeValues={":one": {"N": "1"}, ":b": {"B": b"\x02"}},
                ReturnValues="ALL_NEW",
            )
            ddb.update_item(
                TableName="t",
                Key={"pk": {"S": "A"}, "sk": {"S": "3"}},
                UpdateExpression="REMOVE photo",
                ReturnValues="UPDATED_OLD",
            )
            page = ddb.query(
                TableName="t",
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": "A"}},
                Limit=3,
                ReturnConsumedCapacity="TOTAL",
            )
            ddb.query(
                TableName="t",
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": "A"}},
                ExclusiveStartKey=page["LastEvaluatedKey"],
                Select="COUNT",
            )
            ddb.query(
                TableName="t",
                IndexName="by_g",
                KeyConditionExpression="g = :g",
                ExpressionAttributeValues={":g": {"S": "odd"}},
                ReturnConsumedCapacity="INDEXES",
            )
            ddb.scan(TableName="t", FilterExpression="attribute_exists(photo)", Limit=4)
            ddb.batch_get_item(
                RequestItems={"t": {"Keys": [{"pk": {"S": "A"}, "sk": {"S": f"{i}"}} for i in (1, 2, 99)]}}
            )
            ddb.batch_write_item(
                RequestItems={
                    "t": [
                        {"PutRequest": {"Item": {"pk": {"S": "B"}, "sk": {"S": "1"}, **rich}}},
                        {"DeleteRequest": {"Key": {"pk": {"S": "A"}, "sk": {"S": "6"}}}},
                    ]
                }
            )
            ddb.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": "t", "Item": {"pk": {"S": "C"}, "sk": {"S": "1"}}}},
                    {
                        "Update": {
                            "TableName": "t",
                            "Key": {"pk": {"S": "A"}, "sk": {"S": "4"}},
                            "UpdateExpression": "SET tally = :n",
                            "ExpressionAttributeValues": {":n": {"N": "4"}},
                        }
                    },
                ]
            )
            ddb.transact_get_items(
                TransactItems=[{"Get": {"TableName": "t", "Key": {"pk": {"S": "A"}, "sk": {"S": "5"}}}}]
            )
            ddb.delete_item(TableName="t", Key={"pk": {"S": "A"}, "sk": {"S": "5"}}, ReturnValues="ALL_OLD")
            assert ddb.get_item(TableName="t", Key={"pk": {"S": "A"}, "sk": {"S": "1"}})["Item"]["photo"] == {
                "B": b"\x00\xffbytes"
            }
    finally:
        ActionResult.execute_result = plain  # type: ignore[method-assign]
    assert set(compared) == moto_speed.PLAIN_ANSWERS


def test_update_expressions_are_checked_as_before() -> None:
    """The linear checks accept and refuse the same update expressions as moto's own."""
    from botocore.exceptions import ClientError
    from moto import mock_aws

    moto_speed.validate_update_expressions_linearly()
    with mock_aws():
        ddb = table_t()
        key = {"pk": {"S": "A"}, "sk": {"S": "1"}}

        def update(expression: str) -> object:
            try:
                answer = ddb.update_item(
                    TableName="t",
                    Key=key,
                    UpdateExpression=expression,
                    ExpressionAttributeValues={":v": {"N": "1"}},
                    ReturnValues="ALL_NEW",
                )
            except ClientError as error:
                return error.response["Error"]["Message"]
            return sorted(answer["Attributes"])

        # answers recorded from moto 5.2.5 without the patch
        wide = "SET " + ", ".join(f"s{i} = :v" for i in range(15)) + " ADD " + ", ".join(f"c{i} :v" for i in range(15))
        assert update(wide) == sorted(["pk", "sk", *(f"s{i}" for i in range(15)), *(f"c{i}" for i in range(15))])
        assert "s2" not in update("ADD c1 :v SET s1 = s1 + :v REMOVE s2")  # type: ignore[operator]
        overlap = "Two document paths overlap with each other"
        for expression, refusal in [
            ("ADD c1 :v SET s1 = :v ADD c2 :v", 'The "ADD" section can only be used once'),
            ("SET s1 = :v SET s2 = :v", 'The "SET" section can only be used once'),
            ("SET s1 = :v, s3 = :v REMOVE s1", overlap),
            ("SET s1.a = :v, s1 = :v", overlap),
            ("SET s5 = :v, s5 = :v", overlap),
            ("ADD c1 :v, c1 :v", overlap),
            ("SET pk = :v", "Cannot update attribute pk"),
        ]:
            assert refusal in str(update(expression)), expression


def _pass_machine() -> str:
    """A definition no other test has parsed (the patch keeps parsed programs per definition)."""
    return json.dumps(
        {
            "Comment": f"parsed once {uuid.uuid4()}",
            "StartAt": "Greet",
            "States": {
                "Greet": {
                    "Type": "Pass",
                    "Parameters": {"greeting.$": "States.Format('hola {}', $.who)"},
                    "Next": "Done",
                },
                "Done": {"Type": "Succeed"},
            },
        }
    )


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The definitions moto's ASL parser is asked to parse."""
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    seen: list[str] = []
    parse = AmazonStateLanguageParser.parse

    def counting(definition: str) -> Any:
        seen.append(definition)
        return parse(definition)

    monkeypatch.setattr(AmazonStateLanguageParser, "parse", staticmethod(counting))
    yield seen


def test_two_executions_of_one_state_machine_parse_its_definition_once(parses: list[str]) -> None:
    import boto3
    from moto import mock_aws

    moto_speed.parse_each_definition_once()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        definition = _pass_machine()
        machine = sfn.create_state_machine(
            name="parsed-once", definition=definition, roleArn="arn:aws:iam::123456789012:role/sfn"
        )["stateMachineArn"]
        parses.clear()  # creating the machine validates the definition: that parse is moto's own
        executions = [
            sfn.start_execution(stateMachineArn=machine, name=who, input=json.dumps({"who": who}))["executionArn"]
            for who in ("Carla", "Juan")
        ]
        outputs = []
        for execution in executions:
            deadline = time.monotonic() + 30
            while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
                assert time.monotonic() < deadline, "the execution did not finish"
                time.sleep(0.05)
            assert described["status"] == "SUCCEEDED"
            outputs.append(json.loads(described["output"]))
    assert outputs == [{"greeting": "hola Carla"}, {"greeting": "hola Juan"}]  # each its own state
    assert parses.count(definition) == 1


def test_a_parsed_program_has_its_heap_keys_drawn_before_any_execution_shares_it() -> None:
    """moto draws a component's heap key on first use; two executions sharing a program
    could both draw one.  The patch draws every key when the program is parsed."""
    from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    program = moto_speed._draw_heap_keys(AmazonStateLanguageParser.parse(_pass_machine())[0])
    components, pending, seen = [], [program], set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, EvalComponent):
            components.append(node)
        if isinstance(node, list | tuple):
            pending.extend(node)
        elif isinstance(node, dict):
            pending.extend(node.values())
        elif type(node).__module__.startswith("moto.stepfunctions") and hasattr(node, "__dict__"):
            pending.extend(vars(node).values())
    assert len(components) > 3  # the program, its states, their parameters
    assert all(vars(component).get("_EvalComponent__heap_key") for component in components)


def test_update_expressions_are_walked_in_linear_time() -> None:
    """Each tree walker builds its node-type table once (moto rebuilt it at every node), and
    the two clause-collecting checks run on the whole expression only (moto ran them on
    every sub-expression)."""
    from moto import mock_aws
    from moto.dynamodb.parsing import validators
    from moto.dynamodb.parsing.ast_nodes import Node  # type: ignore[attr-defined]  # the module opts out of typing

    moto_speed.validate_update_expressions_linearly()
    action_counts = ("UpdateExpressionAddClause",)  # ActionCountValidator's first question
    overlaps = ("UpdateExpressionSetAction", "UpdateExpressionAddAction", "UpdateExpressionRemoveAction")
    tables: Counter[int] = Counter()
    asked: list[tuple[tuple[str, ...], bool]] = []  # (clause types, asked of the whole expression)
    depth = [0]
    walkers = [cls for cls in vars(validators).values() if isinstance(cls, type) and "_processing_map" in vars(cls)]
    find_clauses = Node.find_clauses

    def counting_finds(self: Any, clause_types: Any) -> Any:
        if depth[0] == 0:  # a check asking, not find_clauses recursing into the children
            asked.append((tuple(kind.__name__ for kind in clause_types), self.parent is None))
        depth[0] += 1
        try:
            return find_clauses(self, clause_types)
        finally:
            depth[0] -= 1

    with mock_aws():
        ddb = table_t()
        key = {"pk": {"S": "A"}, "sk": {"S": "1"}}
        ddb.put_item(TableName="t", Item=key)  # an update of a new item is validated twice
        with pytest.MonkeyPatch.context() as patch:
            for walker in walkers:
                build = vars(walker)["_processing_map"]

                def counting_table(self: Any, __build: Any = build) -> Any:
                    tables[id(self)] += 1
                    return __build(self)

                patch.setattr(walker, "_processing_map", counting_table)
            patch.setattr(Node, "find_clauses", counting_finds)
            ddb.update_item(
                TableName="t",
                Key=key,
                UpdateExpression="SET "
                + ", ".join(f"s{i} = :v" for i in range(15))
                + " ADD "
                + ", ".join(f"c{i} :v" for i in range(15)),
                ExpressionAttributeValues={":v": {"N": "1"}},
            )
    assert len(tables) == 10 and set(tables.values()) == {1}  # ten walkers, one table each
    assert [whole for kinds, whole in asked if kinds == action_counts] == [True]
    assert [whole for kinds, whole in asked if kinds[:3] == overlaps] == [True]
