"""The embedded AWS's speed patches (``infra/moto_speed.py``): Step Functions reuses its
Lambda client, the server reads moto's module list once.  They wrap moto internals, so
a moto upgrade that moves one fails here.  (Cheap transaction rollback: test_moto_fidelity.)"""

from __future__ import annotations

from infra import moto_speed


def test_step_functions_reuse_one_lambda_client_per_region() -> None:
    import importlib

    moto_speed.one_lambda_client_per_region()
    tasks = importlib.import_module(moto_speed.LAMBDA_TASKS)
    assert tasks.boto_client_for("us-east-1", "lambda") is tasks.boto_client_for("us-east-1", "lambda")


def test_the_server_reads_the_module_list_once() -> None:
    from moto import backends

    moto_speed.list_moto_modules_once()
    assert {"dynamodb", "stepfunctions", "cognitoidp"} <= backends.list_of_moto_modules()
    assert backends.list_of_moto_modules() is backends.list_of_moto_modules()


def test_a_query_on_the_table_key_reads_one_partition_with_the_same_answers() -> None:
    import boto3
    from moto import mock_aws
    from moto.dynamodb.models.table import Table

    moto_speed.query_one_partition()
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "g")],
            GlobalSecondaryIndexes=[{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}],
            BillingMode="PAY_PER_REQUEST",
        )
        for pk, sk in [("A", "3"), ("B", "1"), ("A", "1"), ("A", "2"), ("C", "9")]:
            ddb.put_item(TableName="t", Item={"pk": {"S": pk}, "sk": {"S": sk}, "g": {"S": "even" if int(sk) % 2 == 0 else "odd"}})
        walked: list[int] = []
        whole = Table.all_items

        def counting(self: Table) -> object:
            items = whole(self)
            walked.append(len(items))  # type: ignore[arg-type]
            return items

        Table.all_items = counting  # type: ignore[method-assign]
        try:
            query = {"TableName": "t", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "A"}}}
            assert [item["sk"]["S"] for item in ddb.query(**query)["Items"]] == ["1", "2", "3"]
            assert [item["sk"]["S"] for item in ddb.query(**query, ScanIndexForward=False, Limit=2)["Items"]] == ["3", "2"]
            assert ddb.query(**{**query, "ExpressionAttributeValues": {":p": {"S": "Z"}}})["Items"] == []
            odd = ddb.query(TableName="t", IndexName="by_g", KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": {"S": "odd"}})["Items"]
            assert sorted((item["pk"]["S"], item["sk"]["S"]) for item in odd) == [("A", "1"), ("A", "3"), ("B", "1"), ("C", "9")]
        finally:
            Table.all_items = whole  # type: ignore[method-assign]
        assert walked[:3] == [3, 3, 0] and walked[3] == 5  # one partition each; the index query walks the table
