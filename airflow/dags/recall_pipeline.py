"""The RecallPipeline's DAG: on its schedule, the producer's pod, then the consumer's.

One Airflow serves one pipeline, and the operator tells this file which through the scheduler's
environment (charts/airflow-construct.ts), so the same file is shipped to every pipeline:

- RECALL_PIPELINE: the pipeline's name, which is the DAG's id;
- RECALL_NAMESPACE: where the pods run (the scheduler's own namespace);
- RECALL_SCHEDULE: a cron expression or preset such as @daily (spec.airflow.schedule);
- RECALL_POD_TEMPLATE_DIR: the folder holding produce.yaml and consume.yaml, the pods the
  operator renders with the same builder as its Jobs, so a scheduled run is the run by hand;
- RECALL_SUSPENDED: "true" or "false", spec.suspend, whether the DAG starts paused.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.cncf.kubernetes.utils.container import get_container_termination_message
from airflow.sdk import DAG, CronTriggerTimetable


def setting(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        # The import error is what Airflow shows for a broken DAG file, so it names the variable.
        raise RuntimeError(f"{name} is not set; the recall-pipeline-operator sets it on Airflow's scheduler")
    return value


def pod_template(folder: str, step: str) -> str:
    path = Path(folder, f"{step}.yaml")
    # KubernetesPodOperator only warns on a missing template and then launches an empty pod.
    if not path.is_file():
        raise RuntimeError(f"RECALL_POD_TEMPLATE_DIR={folder} has no {path.name}")
    return str(path)


# What the operator reads on the pods of Airflow's runs to put each run in the pipeline's status
# (charts/airflow-dag.ts holds the same names for the operator; a test checks they agree).
PIPELINE_ANNOTATION = "rappelconso.io/pipeline"
RUN_ID_ANNOTATION = "rappelconso.io/airflow-run-id"
FINAL_TRY_LABEL = "rappelconso.io/final-try"


class RecallStep(KubernetesPodOperator):
    """A step's pod, whose run report (the container's termination message) becomes an XCom.

    The pod is kept when it ends: the operator reads its report into the pipeline's status, then
    deletes it. It is told which pipeline and DAG run the pod belongs to (KubernetesPodOperator's
    own run_id label is shortened to fit a label), and whether Airflow will try the step again if
    it fails, since only a failure of the last try fails the run.
    """

    def build_pod_request_obj(self, context=None, *, dry_run=False):
        pod = super().build_pod_request_obj(context, dry_run=dry_run)
        if context is not None:
            pod.metadata.annotations = {
                **(pod.metadata.annotations or {}),
                PIPELINE_ANNOTATION: pipeline,
                RUN_ID_ANNOTATION: context["run_id"],
            }
            final = context["ti"].try_number > self.retries
            pod.metadata.labels = {**(pod.metadata.labels or {}), FINAL_TRY_LABEL: str(final).lower()}
        return pod

    def execute(self, context):
        super().execute(context)
        message = get_container_termination_message(self.remote_pod, self.base_container_name)
        if message:
            try:
                report = json.loads(message)
            except ValueError:
                report = message
            self.log.info("Run report of %s: %s", self.task_id, message.strip())
            context["ti"].xcom_push(key="run_report", value=report)


def timetable(schedule: str):
    """The schedule, whose first run is its next time, never one just past.

    A new DAG would otherwise run at once when parsed within a tenth of an interval after a
    scheduled time (Airflow's default for cron schedules), racing the operator's run on create.
    A DAG that ran before and missed a time still runs once at once, so runs resume after a pause.
    """
    if schedule in ("@once", "@continuous"):
        return schedule
    return CronTriggerTimetable(schedule, timezone="UTC", run_immediately=timedelta(0))


pipeline = setting("RECALL_PIPELINE")
namespace = setting("RECALL_NAMESPACE")
schedule = setting("RECALL_SCHEDULE")
template_dir = setting("RECALL_POD_TEMPLATE_DIR")
suspended = setting("RECALL_SUSPENDED")
if suspended not in ("true", "false"):
    raise RuntimeError(f"RECALL_SUSPENDED={suspended} is neither true nor false")

with DAG(
    dag_id=pipeline,
    description=f"RappelConso recalls → Kafka → PostgreSQL for the RecallPipeline {pipeline}",
    schedule=timetable(schedule),
    # No start_date: what a run reads is the producer's checkpoint, not the run's interval.
    # Each run reads everything new since the checkpoint, so missed intervals need no run of their own.
    catchup=False,
    # The producer's checkpoint is incremental: two producers at once would start from the same
    # checkpoint and send the same records twice.
    max_active_runs=1,
    # Airflow pauses a new DAG by default; this one follows spec.suspend from the start. This counts
    # only when the DAG is first stored: the scheduler's start pauses or unpauses it afterwards.
    is_paused_upon_creation=suspended == "true",
    tags=["recall-pipeline"],
    default_args={
        # A step that failed may run again: the producer resumes from its checkpoint, and the
        # consumer's upsert makes records it loaded twice one row.
        "retries": 2,
        # 5 to 10 minutes, then 10 to 20: time for a restarted broker or database to come back.
        "retry_delay": timedelta(minutes=5),
        "retry_exponential_backoff": 2.0,
    },
) as dag:
    # No Airflow connection: in the scheduler's pod the provider falls back to the ServiceAccount's
    # token (in-cluster), elsewhere to the kubeconfig that KUBECONFIG names, as in the tests.
    produce, consume = (
        RecallStep(
            task_id=step,
            name=f"{pipeline}-{step}",
            namespace=namespace,
            pod_template_file=pod_template(template_dir, step),
            # The operator's own default ("File") would replace the template's: a container that
            # fails writes no report, and the tail of its log says why instead.
            termination_message_policy="FallbackToLogsOnError",
            # Leaves room for a node's first pull of the image.
            startup_timeout_seconds=600,
            get_logs=True,
            # The operator deletes it once its report is in the pipeline's status.
            on_finish_action="keep_pod",
        )
        for step in ("produce", "consume")
    )
    produce >> consume
