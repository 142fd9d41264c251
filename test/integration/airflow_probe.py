"""What the DAG tests ask Airflow, run with the Airflow venv's python; answers one JSON line on stdout.

    airflow_probe.py dagbag <dags folder>   import errors and each DAG's settings, as Airflow parsed them
    airflow_probe.py records <airflow.db>   the DAG runs, task instances and XComs in the metadata DB
    airflow_probe.py paused <airflow.db>    whether each DAG in the metadata DB is paused

Airflow logs to stdout, so the answer goes to the stream stdout was before Airflow was imported.
"""

import json
import sqlite3
import sys

answer = sys.stdout
sys.stdout = sys.stderr


def scheduler_timetable(dag):
    """The DAG's timetable as the scheduler holds it: serialized by the dag-processor, decoded."""
    from airflow.serialization.decoders import decode_timetable
    from airflow.serialization.encoders import encode_timetable

    return decode_timetable(encode_timetable(dag.timetable))


def first_run_in_future(dag):
    """Whether the scheduler, seeing the DAG for the first time now, waits for its next scheduled time."""
    from datetime import datetime, timezone

    from airflow.timetables.base import TimeRestriction

    timetable = scheduler_timetable(dag)
    restriction = TimeRestriction(earliest=dag.start_date, latest=None, catchup=dag.catchup)
    info = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=restriction)
    return info is not None and info.run_after > datetime.now(timezone.utc)


def dagbag(folder):
    from airflow.dag_processing.dagbag import DagBag
    from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

    bag = DagBag(dag_folder=folder)
    return {
        # Keyed by file; the values are the tracebacks Airflow shows for a broken DAG file.
        "importErrors": bag.import_errors,
        "dags": {
            dag_id: {
                "schedule": scheduler_timetable(dag).summary,
                "firstRunInFuture": first_run_in_future(dag),
                "catchup": dag.catchup,
                "maxActiveRuns": dag.max_active_runs,
                "pausedUponCreation": dag.is_paused_upon_creation,
                "tasks": {
                    task.task_id: {
                        "kubernetesPodOperator": isinstance(task, KubernetesPodOperator),
                        "downstream": sorted(task.downstream_task_ids),
                        "podTemplateFile": task.pod_template_file,
                        "namespace": task.namespace,
                        "retries": task.retries,
                        "onFinishAction": task.on_finish_action.value,
                        "getLogs": task.get_logs,
                    }
                    for task in dag.tasks
                },
            }
            for dag_id, dag in bag.dags.items()
        },
    }


def records(database):
    connection = sqlite3.connect(database)
    connection.row_factory = sqlite3.Row

    def rows(query):
        return [dict(row) for row in connection.execute(query)]

    return {
        "runs": rows("SELECT dag_id, run_id, state FROM dag_run"),
        "tasks": rows("SELECT task_id, state, try_number, start_date, end_date FROM task_instance"),
        "xcoms": rows("SELECT task_id, key, value FROM xcom"),
    }


def paused(database):
    connection = sqlite3.connect(database)
    return {dag_id: bool(is_paused) for dag_id, is_paused in connection.execute("SELECT dag_id, is_paused FROM dag")}


command, argument = sys.argv[1:]
result = {"dagbag": dagbag, "records": records, "paused": paused}[command](argument)
answer.write(json.dumps(result, default=str) + "\n")
