//! End-to-end scenario against a real Prefect 3.9.1 server, through the client generated
//! from the server's own OpenAPI document corrected by `tests/e2e/prefect.overlay.yaml`,
//! which says where the server answers otherwise than its document: the statuses it
//! answers with (201s), the bodies of its 403, 404 and 422 answers. Every answer is read
//! through the declared types; nothing the server does is tolerated.
//!
//! Usage: `prefect-scenario http://127.0.0.1:PORT/api [RECORDING]`, against a fresh
//! server (empty database, system block types registered, as `prefect server start`
//! leaves it): the names it creates must not exist yet, and the counts it checks assume
//! nothing else runs. With `RECORDING`, every exchange is written down there, for
//! `openapi-clientgen drift`.
//!
//! It covers flows; a deployment with interval, cron and rrule schedules and a flow run
//! made from it; flow-run state transitions the server accepts, aborts, rejects and delays
//! (the `details` union must decode into the variant the server sent, with its `reason`);
//! task runs whose `task_inputs` hold every kind of input; automations with event, compound
//! and sequence triggers and all seventeen kinds of action, sent back unchanged through the
//! update operation; variables, block types, work pools, global concurrency limits; and the
//! 403, 404 and 422 answers, with the bodies the overlay declares.
//!
//! Every call prints one JSON line on stdout (see [`call`]); every value that comes back
//! is checked, and a failed check panics naming its step.

#[path = "../../codegen/conformance/support.rs"]
#[allow(
    dead_code,
    reason = "this program uses only part of the shared support code"
)]
mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use api_client::types::*;
use api_client::{Client, Error, ErrorResponse, Operation, Patch, Request, Response};
use serde_json::json;
// What the client's types name comes with the client, in the versions it uses, with the
// features its users reach for (`Utc::now`, `Uuid::new_v4`).
use api_client::chrono;
use api_client::uuid::Uuid;

const FLOW: &str = "e2e-flow";
const DEPLOYMENT: &str = "e2e-deploy";
/// An id no object on a fresh server has.
const MISSING: Uuid = Uuid::from_u128(0x5f0c2d4e_8f6a_4b8e_9d7e_3b1f2a6c9e01);
/// The `transition_id` proposed twice, to be rejected the second time.
const TRANSITION: Uuid = Uuid::from_u128(0x11111111_1111_4111_8111_111111111111);
/// Block documents that automations' notification actions name (the server does not check them).
const NOTIFICATION_BLOCK: Uuid = Uuid::from_u128(0x00000000_0000_4000_8000_000000000001);
const WEBHOOK_BLOCK: Uuid = Uuid::from_u128(0x00000000_0000_4000_8000_000000000002);

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base_url = std::env::args()
        .nth(1)
        .expect("usage: prefect-scenario BASE_URL (like http://127.0.0.1:4200/api)");
    assert!(
        support::Unmatched::install(),
        "another tracing subscriber was installed first"
    );
    let mut builder = Client::builder()
        .base_url(base_url)
        .hook(support::Capture)
        .timeout(Duration::from_secs(30));
    // Every exchange written down, for `openapi-clientgen drift` to compare with the
    // document.
    if let Some(path) = std::env::args().nth(2) {
        let recorder = api_client::Recorder::to_file(&path).expect("the recording opens");
        builder = builder.record(recorder);
    }
    let client = builder
        .build()
        .expect("the client builds from the base URL");

    server(&client).await;
    let flow = flows(&client).await;
    let deployment = deployments(&client, &flow).await;
    let other_run = flow_runs(&client, flow.id).await;
    task_runs(&client, flow.id, other_run).await;
    automations(&client, deployment.id).await;
    variables(&client).await;
    block_types(&client).await;
    work_pools(&client).await;
    concurrency_limits(&client).await;
    errors(&client).await;
    cleanup(&client, flow.id, deployment.id).await;
    eprintln!("prefect scenario passed");
}

// ---------------------------------------------------------------------------------------
// Calling

/// Sends `request` and prints one JSON line about it: for a 2xx response the line
/// `support::passed` makes (the decoded body re-encoded, and what was received when that
/// differs); otherwise `outcome` (`status` for a non-2xx answer, `error` for anything
/// else), the `status` if a response arrived, and a `detail` (the body, or the error).
async fn call<Op>(
    step: &str,
    request: Request<'_, Op>,
) -> Result<Response<Op::Success>, Error<Op::Error>>
where
    Op: Operation,
    Op::Success: serde::Serialize,
{
    let outcome = request.send().await;
    let mut fields = serde_json::Map::new();
    fields.insert("step".to_owned(), step.into());
    fields.insert("operation".to_owned(), Op::ID.into());
    let line = match &outcome {
        Ok(response) => support::passed(
            fields,
            response.status().as_u16(),
            support::reencode(response.body()),
        ),
        Err(error) => {
            let unmatched = support::take_unmatched();
            if !unmatched.is_empty() {
                eprintln!("{step}: unions kept whole: {unmatched:?}");
            }
            let (kind, detail) = match error {
                Error::Status(response) => ("status", response.text().to_owned()),
                other => ("error", other.to_string()),
            };
            fields.insert("outcome".to_owned(), kind.into());
            if let Some(status) = error.status() {
                fields.insert("status".to_owned(), status.as_u16().into());
            }
            fields.insert("detail".to_owned(), detail.into());
            serde_json::Value::Object(fields)
        }
    };
    println!("{line}");
    outcome
}

/// Sends `request`, checks that it succeeded with `status`, and returns the decoded body.
async fn expect<Op>(step: &str, request: Request<'_, Op>, status: u16) -> Op::Success
where
    Op: Operation,
    Op::Success: serde::Serialize,
{
    match call(step, request).await {
        Ok(response) => {
            assert_eq!(response.status().as_u16(), status, "{step}: status");
            response.into_body()
        }
        Err(error) => panic!("{step}: expected {status}, got: {error}"),
    }
}

/// Sends `request`, checks that the server answered `status` (outside 2xx), and returns
/// that answer.
async fn expect_status<Op>(
    step: &str,
    request: Request<'_, Op>,
    status: u16,
) -> Box<ErrorResponse<Op::Error>>
where
    Op: Operation,
    Op::Success: serde::Serialize,
{
    match call(step, request).await {
        Err(Error::Status(response)) => {
            assert_eq!(response.status().as_u16(), status, "{step}: status");
            response
        }
        Err(other) => panic!("{step}: expected a {status} answer, got: {other}"),
        Ok(response) => panic!("{step}: expected {status}, got {}", response.status()),
    }
}

/// Checks a 404 or 403 answer, whose body the overlay declares as `HTTPError`
/// (FastAPI's `HTTPException`: `{"detail": "<message>"}`): `error` is that body, as the
/// operation's error type holds it.
fn assert_detail(step: &str, error: Option<&HttpError>, message: &str) {
    let error = error.unwrap_or_else(|| panic!("{step}: the body is not an HTTPError"));
    assert_eq!(error.detail, message, "{step}: detail");
}

/// A JSON object, for the many `serde_json::Map` fields.
fn object(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    match value {
        serde_json::Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().expect("a valid RFC 3339 timestamp")
}

// ---------------------------------------------------------------------------------------
// Server

async fn server(client: &Client) {
    let healthy = expect("server.health", client.health_check_health_get(), 200).await;
    assert!(healthy, "server.health: body");
    let version = expect(
        "server.version",
        client.read_version_admin_version_get(),
        200,
    )
    .await;
    assert_eq!(version, "3.9.1", "server.version: Prefect version");
}

// ---------------------------------------------------------------------------------------
// Flows

async fn flows(client: &Client) -> Flow {
    // Flows and everything else with labels share one `LabelsValue` type.
    let labels = BTreeMap::from([
        ("k".to_owned(), LabelsValue::Text("v".to_owned())),
        ("n".to_owned(), LabelsValue::Integer(1)),
    ]);
    let create = FlowCreate::new(FLOW)
        .tags(strings(&["a", "b"]))
        .labels(labels.clone());
    // POST /flows/ is an upsert: 201 when it creates the flow, 200 when the name exists.
    // The document declares 200 only; the overlay declares the 201, a `Flow` too.
    let flow = expect("flows.create", client.create_flow_flows_post(&create), 201).await;
    assert_eq!(flow.name, FLOW, "flows.create: name");
    assert_eq!(flow.tags, Some(strings(&["a", "b"])), "flows.create: tags");
    assert_eq!(flow.labels, Some(labels), "flows.create: labels");
    let created = flow.created.expect("flows.create: created");
    assert!(
        created <= chrono::Utc::now(),
        "flows.create: created {created} is not in the past"
    );

    let again = expect(
        "flows.create_again",
        client.create_flow_flows_post(&FlowCreate::new(FLOW)),
        200,
    )
    .await;
    assert_eq!(again, flow, "flows.create_again: the existing flow");

    let read = expect("flows.read", client.read_flow_flows_id_get(flow.id), 200).await;
    assert_eq!(read, flow, "flows.read");
    let by_name = expect(
        "flows.read_by_name",
        client.read_flow_by_name_flows_name_name_get(FLOW),
        200,
    )
    .await;
    assert_eq!(by_name, flow, "flows.read_by_name");

    let filter = BodyReadFlowsFlowsFilterPost::default()
        .flows(FlowFilter::default().name(FlowFilterName::default().any(strings(&[FLOW]))))
        .sort(FlowSort::NameAsc)
        .limit(10)
        .offset(0);
    let found = expect(
        "flows.filter",
        client.read_flows_flows_filter_post().body(&filter),
        200,
    )
    .await;
    assert_eq!(found, vec![flow.clone()], "flows.filter");
    let count = expect("flows.count", client.count_flows_flows_count_post(), 200).await;
    assert_eq!(count, 1, "flows.count");

    let update = FlowUpdate::default().tags(strings(&["c"]));
    expect(
        "flows.update",
        client.update_flow_flows_id_patch(flow.id, &update),
        204,
    )
    .await;
    let updated = expect(
        "flows.read_updated",
        client.read_flow_flows_id_get(flow.id),
        200,
    )
    .await;
    assert_eq!(
        updated.tags,
        Some(strings(&["c"])),
        "flows.read_updated: tags"
    );
    assert_eq!(updated.name, FLOW, "flows.read_updated: name");
    updated
}

// ---------------------------------------------------------------------------------------
// Deployments

async fn deployments(client: &Client, flow: &Flow) -> DeploymentResponse {
    let interval = DeploymentScheduleCreateSchedule::IntervalScheduleInput(
        IntervalScheduleInput::new(IntervalScheduleInputInterval::Number(3600.0))
            .anchor_date(at("2026-01-01T00:00:00Z"))
            .timezone("UTC"),
    );
    let cron = DeploymentScheduleCreateSchedule::CronSchedule(
        CronSchedule::new("0 9 * * 1-5").timezone("Europe/Paris"),
    );
    let rrule = DeploymentScheduleCreateSchedule::RRuleSchedule(
        RRuleSchedule::new("FREQ=DAILY;INTERVAL=1").timezone("UTC"),
    );
    let schedules = vec![
        DeploymentScheduleCreate::new(interval).active(true),
        DeploymentScheduleCreate::new(cron).active(false),
        DeploymentScheduleCreate::new(rrule).active(true),
    ];
    // Eight of the 24 fields, in one expression.
    let create = DeploymentCreate::new(DEPLOYMENT, flow.id)
        .description("Runs the e2e flow")
        .version("1.0")
        .schedules(schedules)
        .enforce_parameter_schema(false)
        .parameters(object(json!({ "x": 1 })))
        .tags(strings(&["t"]));
    // 201 when it creates the deployment (200 when it replaces one of the same flow and
    // name), as the overlay declares.
    let deployment = expect(
        "deployments.create",
        client.create_deployment_deployments_post(&create),
        201,
    )
    .await;
    assert_eq!(deployment.name, DEPLOYMENT, "deployments.create: name");
    assert_eq!(
        deployment.description.as_deref(),
        Some("Runs the e2e flow"),
        "deployments.create: description"
    );
    assert_eq!(
        deployment.version.as_deref(),
        Some("1.0"),
        "deployments.create: version"
    );
    assert_eq!(deployment.flow_id, flow.id, "deployments.create: flow_id");
    assert_eq!(
        deployment.parameters,
        Some(object(json!({ "x": 1 }))),
        "deployments.create: parameters"
    );
    assert_eq!(
        deployment.tags,
        Some(strings(&["t"])),
        "deployments.create: tags"
    );
    assert_eq!(deployment.paused, Some(false), "deployments.create: paused");
    assert_eq!(
        deployment.status,
        Some(DeploymentStatus::NotReady),
        "deployments.create: status"
    );
    let labels = deployment
        .labels
        .as_ref()
        .expect("deployments.create: labels");
    assert_eq!(
        labels.get("prefect.flow.id"),
        Some(&LabelsValue::Text(flow.id.to_string())),
        "deployments.create: the flow's id among the labels"
    );
    let schedules = deployment
        .schedules
        .as_ref()
        .expect("deployments.create: schedules");
    assert_eq!(schedules.len(), 3, "deployments.create: schedules");

    let read = expect(
        "deployments.read",
        client.read_deployment_deployments_id_get(deployment.id),
        200,
    )
    .await;
    assert_eq!(read, deployment, "deployments.read");
    let by_name = expect(
        "deployments.read_by_name",
        client.read_deployment_by_name_deployments_name_flow_name_deployment_name_get(
            FLOW, DEPLOYMENT,
        ),
        200,
    )
    .await;
    assert_eq!(by_name, deployment, "deployments.read_by_name");

    let schedules = expect(
        "deployments.read_schedules",
        client.read_deployment_schedules_deployments_id_schedules_get(deployment.id),
        200,
    )
    .await;
    check_schedules("deployments.read_schedules", &schedules, deployment.id);
    assert_eq!(
        Some(&schedules),
        deployment.schedules.as_ref(),
        "deployments.read_schedules: as the deployment lists them"
    );

    let run_create = DeploymentFlowRunCreate::default()
        .state(StateCreate::new(StateType::Scheduled))
        .parameters(object(json!({ "x": 3 })));
    // 201, as the overlay declares.
    let run = expect(
        "deployments.create_flow_run",
        client.create_flow_run_from_deployment_deployments_id_create_flow_run_post(
            deployment.id,
            &run_create,
        ),
        201,
    )
    .await;
    assert_eq!(run.flow_id, flow.id, "deployments.create_flow_run: flow_id");
    assert_eq!(
        run.deployment_id,
        Some(deployment.id),
        "deployments.create_flow_run: deployment_id"
    );
    assert_eq!(
        run.parameters,
        Some(object(json!({ "x": 3 }))),
        "deployments.create_flow_run: parameters"
    );
    assert_eq!(
        run.state_type,
        Some(StateType::Scheduled),
        "deployments.create_flow_run: state_type"
    );
    assert_eq!(
        run.tags,
        Some(strings(&["t"])),
        "deployments.create_flow_run: the deployment's tags"
    );

    // The document gives pause/resume an empty schema `{}`; the server sends `null`.
    let paused = expect(
        "deployments.pause",
        client.pause_deployment_deployments_id_pause_deployment_post(deployment.id),
        200,
    )
    .await;
    assert_eq!(paused, serde_json::Value::Null, "deployments.pause: body");
    let resumed = expect(
        "deployments.resume",
        client.resume_deployment_deployments_id_resume_deployment_post(deployment.id),
        200,
    )
    .await;
    assert_eq!(resumed, serde_json::Value::Null, "deployments.resume: body");
    deployment
}

/// The three schedules as the server stores them: the interval as a float, the rrule with
/// a `DTSTART` prepended, cron's `day_or` filled in. The server lists them last created
/// first; each is looked up by its whole value rather than by position.
fn check_schedules(step: &str, schedules: &[DeploymentSchedule], deployment_id: Uuid) {
    assert_eq!(schedules.len(), 3, "{step}: count");
    let expected = [
        (
            DeploymentScheduleSchedule::IntervalScheduleOutput(
                IntervalScheduleOutput::new(3600.0)
                    .anchor_date(at("2026-01-01T00:00:00Z"))
                    .timezone("UTC"),
            ),
            true,
        ),
        (
            DeploymentScheduleSchedule::CronSchedule(
                CronSchedule::new("0 9 * * 1-5")
                    .timezone("Europe/Paris")
                    .day_or(true),
            ),
            false,
        ),
        (
            DeploymentScheduleSchedule::RRuleSchedule(
                RRuleSchedule::new("DTSTART:20200101T000000\nFREQ=DAILY;INTERVAL=1")
                    .timezone("UTC"),
            ),
            true,
        ),
    ];
    for (schedule, active) in expected {
        let found = schedules
            .iter()
            .find(|s| s.schedule == schedule)
            .unwrap_or_else(|| panic!("{step}: {schedule:?} not in {schedules:?}"));
        assert_eq!(found.active, Some(active), "{step}: active of {schedule:?}");
        assert_eq!(
            found.deployment_id,
            Some(deployment_id),
            "{step}: deployment_id"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Flow runs and their state transitions

fn propose(kind: StateType) -> BodySetFlowRunStateFlowRunsIdSetStatePost {
    BodySetFlowRunStateFlowRunsIdSetStatePost::new(StateCreate::new(kind))
}

/// Checks the status of an orchestration result and the type of the state it carries
/// (the new state when accepted, the current one otherwise).
fn assert_result(step: &str, result: &OrchestrationResult, status: SetStateStatus, now: StateType) {
    assert_eq!(result.status, status, "{step}: status");
    let state = result.state.as_ref().expect("the result carries a state");
    assert_eq!(state.r#type, now, "{step}: state type");
}

fn assert_accepted(step: &str, result: &OrchestrationResult, now: StateType) {
    assert_result(step, result, SetStateStatus::Accept, now);
    assert!(
        matches!(result.details, OrchestrationResultDetails::AcceptDetails(_)),
        "{step}: details decoded as {:?}, not the accept variant",
        result.details
    );
}

/// An ABORT whose details must decode as the abort variant, keeping the server's reason
/// (before the fix they decoded as the accept variant, which has no `reason`).
fn assert_aborted(step: &str, result: &OrchestrationResult, now: StateType, reason: &str) {
    assert_result(step, result, SetStateStatus::Abort, now);
    let OrchestrationResultDetails::AbortDetails(details) = &result.details else {
        panic!(
            "{step}: details decoded as {:?}, not the abort variant",
            result.details
        );
    };
    assert_eq!(details.reason.as_deref(), Some(reason), "{step}: reason");
}

/// Proposes a state for a flow run.
///
/// `set_flow_run_state` answers 201 when it accepts the state and 200 when it aborts,
/// rejects or delays it, both an `OrchestrationResult` (the overlay declares the 201).
async fn set_state(
    client: &Client,
    step: &str,
    id: Uuid,
    body: &BodySetFlowRunStateFlowRunsIdSetStatePost,
    status: u16,
) -> OrchestrationResult {
    expect(
        step,
        client.set_flow_run_state_flow_runs_id_set_state_post(id, body),
        status,
    )
    .await
}

/// Returns the id of a run (moved SCHEDULED → PENDING → RUNNING) for task-run inputs.
async fn flow_runs(client: &Client, flow_id: Uuid) -> Uuid {
    let create = FlowRunCreate::new(flow_id)
        .name("e2e-run-1")
        .parameters(object(json!({ "a": 1 })))
        .tags(strings(&["x"]));
    // A created run is answered with 201, as the overlay declares.
    let run = expect(
        "flow_runs.create",
        client.create_flow_run_flow_runs_post(&create),
        201,
    )
    .await;
    assert_eq!(
        run.name.as_deref(),
        Some("e2e-run-1"),
        "flow_runs.create: name"
    );
    assert_eq!(run.flow_id, flow_id, "flow_runs.create: flow_id");
    assert_eq!(
        run.parameters,
        Some(object(json!({ "a": 1 }))),
        "flow_runs.create: parameters"
    );
    assert_eq!(
        run.state_type,
        Some(StateType::Pending),
        "flow_runs.create: a run created without a state is PENDING"
    );

    let result = set_state(
        client,
        "flow_runs.pending_to_pending",
        run.id,
        &propose(StateType::Pending),
        200,
    )
    .await;
    assert_aborted(
        "flow_runs.pending_to_pending",
        &result,
        StateType::Pending,
        "This run is in a PENDING state and cannot transition to a PENDING state.",
    );
    let running = BodySetFlowRunStateFlowRunsIdSetStatePost::new(
        StateCreate::new(StateType::Running)
            .name("Running")
            .message("go"),
    );
    let result = set_state(client, "flow_runs.running_accepted", run.id, &running, 201).await;
    assert_accepted("flow_runs.running_accepted", &result, StateType::Running);
    let new_state = result
        .state
        .as_ref()
        .expect("an accepted result carries the new state");
    assert_eq!(
        new_state.message.as_deref(),
        Some("go"),
        "flow_runs.running_accepted: message"
    );

    let result = set_state(
        client,
        "flow_runs.running_to_pending",
        run.id,
        &propose(StateType::Pending),
        200,
    )
    .await;
    assert_aborted(
        "flow_runs.running_to_pending",
        &result,
        StateType::Running,
        "This run is in a RUNNING state and cannot transition to a PENDING state.",
    );
    let result = set_state(
        client,
        "flow_runs.completed_accepted",
        run.id,
        &propose(StateType::Completed),
        201,
    )
    .await;
    assert_accepted(
        "flow_runs.completed_accepted",
        &result,
        StateType::Completed,
    );
    let result = set_state(
        client,
        "flow_runs.completed_to_cancelling",
        run.id,
        &propose(StateType::Cancelling),
        200,
    )
    .await;
    assert_aborted(
        "flow_runs.completed_to_cancelling",
        &result,
        StateType::Completed,
        "Run is already in terminal state COMPLETED.",
    );
    let read = expect(
        "flow_runs.read",
        client.read_flow_run_flow_runs_id_get(run.id),
        200,
    )
    .await;
    assert_eq!(
        read.state_type,
        Some(StateType::Completed),
        "flow_runs.read: state_type"
    );
    assert_eq!(read.id, run.id, "flow_runs.read: id");

    // A run scheduled in the future: RUNNING is delayed (WAIT) until then.
    let future = StateCreate::new(StateType::Scheduled)
        .state_details(StateDetails::default().scheduled_time(at("2030-01-01T00:00:00Z")));
    let scheduled = expect(
        "flow_runs.create_scheduled",
        client.create_flow_run_flow_runs_post(
            &FlowRunCreate::new(flow_id).name("e2e-run-2").state(future),
        ),
        201,
    )
    .await;
    assert_eq!(
        scheduled.state_type,
        Some(StateType::Scheduled),
        "flow_runs.create_scheduled: state_type"
    );
    let details = scheduled
        .state
        .as_ref()
        .and_then(|state| state.state_details.as_ref())
        .expect("flow_runs.create_scheduled: state details");
    assert_eq!(
        details.scheduled_time,
        Patch::Set(at("2030-01-01T00:00:00Z")),
        "flow_runs.create_scheduled: scheduled_time"
    );

    let result = set_state(
        client,
        "flow_runs.running_too_early",
        scheduled.id,
        &propose(StateType::Running),
        200,
    )
    .await;
    assert_result(
        "flow_runs.running_too_early",
        &result,
        SetStateStatus::Wait,
        StateType::Scheduled,
    );
    let OrchestrationResultDetails::WaitDetails(wait) = &result.details else {
        panic!(
            "flow_runs.running_too_early: details decoded as {:?}, not the wait variant",
            result.details
        );
    };
    // The delay is the time left until 2030, which depends on the clock.
    assert!(
        wait.delay_seconds > 0,
        "flow_runs.running_too_early: delay_seconds"
    );
    assert_eq!(
        wait.reason.as_deref(),
        Some("Scheduled time is in the future"),
        "flow_runs.running_too_early: reason"
    );

    // The same transition_id twice: the second proposal is rejected.
    let pending_once = BodySetFlowRunStateFlowRunsIdSetStatePost::new(
        StateCreate::new(StateType::Pending)
            .state_details(StateDetails::default().transition_id(TRANSITION)),
    );
    let result = set_state(
        client,
        "flow_runs.pending_accepted",
        scheduled.id,
        &pending_once,
        201,
    )
    .await;
    assert_accepted("flow_runs.pending_accepted", &result, StateType::Pending);
    let result = set_state(
        client,
        "flow_runs.pending_again",
        scheduled.id,
        &pending_once,
        200,
    )
    .await;
    assert_result(
        "flow_runs.pending_again",
        &result,
        SetStateStatus::Reject,
        StateType::Pending,
    );
    let OrchestrationResultDetails::RejectDetails(reject) = &result.details else {
        panic!(
            "flow_runs.pending_again: details decoded as {:?}, not the reject variant",
            result.details
        );
    };
    assert_eq!(
        reject.reason.as_deref(),
        Some("This run has already made this state transition."),
        "flow_runs.pending_again: reason"
    );
    let result = set_state(
        client,
        "flow_runs.forced_accepted",
        scheduled.id,
        &propose(StateType::Running).force(true),
        201,
    )
    .await;
    assert_accepted("flow_runs.forced_accepted", &result, StateType::Running);

    // The run made from the deployment, and these two.
    let count = expect(
        "flow_runs.count",
        client.count_flow_runs_flow_runs_count_post(),
        200,
    )
    .await;
    assert_eq!(count, 3, "flow_runs.count");
    let completed = BodyReadFlowRunsFlowRunsFilterPost::default()
        .flow_runs(
            FlowRunFilter::default().state(
                FlowRunFilterState::default()
                    .r#type(FlowRunFilterStateType::default().any(vec![StateType::Completed])),
            ),
        )
        .sort(FlowRunSort::StartTimeDesc)
        .limit(5);
    let found = expect(
        "flow_runs.filter_completed",
        client
            .read_flow_runs_flow_runs_filter_post()
            .body(&completed),
        200,
    )
    .await;
    let ids: Vec<Uuid> = found.iter().map(|run| run.id).collect();
    assert_eq!(ids, vec![run.id], "flow_runs.filter_completed");
    scheduled.id
}

// ---------------------------------------------------------------------------------------
// Task runs and their inputs

fn task_run(flow_run_id: Uuid, key: &str, name: &str) -> TaskRunCreate {
    TaskRunCreate::new(key, "0")
        .name(name)
        .flow_run_id(flow_run_id)
}

/// Every kind of input, alone and mixed in one list. Sent untagged, the tag (`input_type`)
/// is left to the variant: the client writes it; the server returns each input `tagged`.
/// The same type serves the request and the response.
fn task_inputs(
    upstream: Uuid,
    flow_run: Uuid,
    tagged: bool,
) -> BTreeMap<String, Vec<TaskInputsValueItem>> {
    let from_task = TaskInputsValueItem::TaskRun(TaskRunResult {
        input_type: tagged.then_some(TaskRunResultInputType::TaskRun),
        id: upstream,
    });
    let from_flow = TaskInputsValueItem::FlowRun(FlowRunResult {
        input_type: tagged.then_some(FlowRunResultInputType::FlowRun),
        id: flow_run,
    });
    let parameter = TaskInputsValueItem::Parameter(Parameter {
        input_type: tagged.then_some(ParameterInputType::Parameter),
        name: "a".to_owned(),
    });
    let constant = |kind: &str| {
        TaskInputsValueItem::Constant(Constant {
            input_type: tagged.then_some(ConstantInputType::Constant),
            r#type: kind.to_owned(),
        })
    };
    BTreeMap::from([
        ("from_task".to_owned(), vec![from_task.clone()]),
        ("from_flow".to_owned(), vec![from_flow.clone()]),
        ("from_param".to_owned(), vec![parameter.clone()]),
        ("from_const".to_owned(), vec![constant("int")]),
        (
            "mixed".to_owned(),
            vec![from_task, parameter, constant("str"), from_flow],
        ),
        ("empty".to_owned(), Vec::new()),
    ])
}

async fn task_runs(client: &Client, flow_id: Uuid, other_flow_run: Uuid) {
    let parent = expect(
        "task_runs.create_parent_flow_run",
        client.create_flow_run_flow_runs_post(
            &FlowRunCreate::new(flow_id)
                .name("e2e-run-3")
                .state(StateCreate::new(StateType::Running)),
        ),
        201,
    )
    .await;
    assert_eq!(
        parent.state_type,
        Some(StateType::Running),
        "task_runs.create_parent_flow_run: state_type"
    );

    // 201, as the overlay declares.
    let upstream = expect(
        "task_runs.create_upstream",
        client.create_task_run_task_runs_post(
            &task_run(parent.id, "upstream-task", "upstream")
                .state(StateCreate::new(StateType::Completed)),
        ),
        201,
    )
    .await;
    assert_eq!(
        upstream.flow_run_id,
        Some(parent.id),
        "task_runs.create_upstream: flow_run_id"
    );
    assert_eq!(
        upstream.state_type,
        Some(StateType::Completed),
        "task_runs.create_upstream: state_type"
    );

    let downstream = expect(
        "task_runs.create_with_inputs",
        client.create_task_run_task_runs_post(
            &task_run(parent.id, "downstream-task", "downstream").task_inputs(task_inputs(
                upstream.id,
                other_flow_run,
                false,
            )),
        ),
        201,
    )
    .await;
    // Each input decoded as its own variant (task_run and flow_run inputs have the same
    // shape, `{id}`: only the tag tells them apart), with its fields.
    let expected = Some(task_inputs(upstream.id, other_flow_run, true));
    assert_eq!(
        downstream.task_inputs, expected,
        "task_runs.create_with_inputs: inputs"
    );
    let read = expect(
        "task_runs.read",
        client.read_task_run_task_runs_id_get(downstream.id),
        200,
    )
    .await;
    assert_eq!(read.task_inputs, expected, "task_runs.read: inputs");
    assert_eq!(
        read.name.as_deref(),
        Some("downstream"),
        "task_runs.read: name"
    );
    assert_eq!(read.task_key, "downstream-task", "task_runs.read: task_key");

    // Task runs may start only while their flow run is running.
    let running =
        BodySetTaskRunStateTaskRunsIdSetStatePost::new(StateCreate::new(StateType::Running));
    // Like flow runs, 201 on ACCEPT, as the overlay declares.
    let result = expect(
        "task_runs.running_accepted",
        client.set_task_run_state_task_runs_id_set_state_post(downstream.id, &running),
        201,
    )
    .await;
    assert_accepted("task_runs.running_accepted", &result, StateType::Running);
    let result = set_state(
        client,
        "task_runs.complete_parent_flow_run",
        parent.id,
        &propose(StateType::Completed),
        201,
    )
    .await;
    assert_accepted(
        "task_runs.complete_parent_flow_run",
        &result,
        StateType::Completed,
    );
    let result = expect(
        "task_runs.running_after_flow_run",
        client.set_task_run_state_task_runs_id_set_state_post(upstream.id, &running),
        200,
    )
    .await;
    assert_aborted(
        "task_runs.running_after_flow_run",
        &result,
        StateType::Completed,
        "The enclosing flow must be running to begin task execution.",
    );
    let count = expect(
        "task_runs.count",
        client.count_task_runs_task_runs_count_post(),
        200,
    )
    .await;
    assert_eq!(count, 2, "task_runs.count");
}

// ---------------------------------------------------------------------------------------
// Automations
//
// The request (`-Input`) and response (`-Output`) triggers share `EventTriggerInputMatch`,
// `EventTriggerMatchRelated`, `EventTriggerPosture`, `CompoundTriggerRequire` and the
// `type` constants; the actions but run-deployment are the
// same types on both sides, and one action type serves `actions`, `actions_on_trigger`
// and `actions_on_resolve` of both create and update.

/// A resource specification: `{label: value}` or `{label: [values]}`.
fn resources(pairs: &[(&str, ResourceSpecificationValue)]) -> ResourceSpecification {
    pairs
        .iter()
        .map(|(label, value)| ((*label).to_owned(), value.clone()))
        .collect()
}

fn one(value: &str) -> ResourceSpecificationValue {
    ResourceSpecificationValue::Text(value.to_owned())
}

/// `match`: any flow run.
fn flow_runs_match() -> EventTriggerInputMatch {
    EventTriggerInputMatch::ResourceSpecification(resources(&[(
        "prefect.resource.id",
        one("prefect.flow-run.*"),
    )]))
}

/// `match_related`: the flow of the scenario, its name as a list.
fn flow_related() -> EventTriggerMatchRelated {
    EventTriggerMatchRelated::ResourceSpecification(resources(&[
        ("prefect.resource.role", one("flow")),
        (
            "prefect.resource.name",
            ResourceSpecificationValue::TextList(strings(&[FLOW])),
        ),
    ]))
}

fn event_trigger(posture: EventTriggerPosture, expect: &str) -> EventTriggerInput {
    EventTriggerInput::new(posture).expect(strings(&[expect]))
}

/// An event trigger on failed flow runs of the flow, and five kinds of action.
fn event_automation(deployment_id: Uuid) -> AutomationCreate {
    let trigger = event_trigger(EventTriggerPosture::Reactive, "prefect.flow-run.Failed")
        .r#match(flow_runs_match())
        .match_related(flow_related())
        .for_each(strings(&["prefect.resource.id"]))
        .threshold(1)
        .within(EventTriggerInputWithin::Number(0.0));
    let actions = vec![
        AutomationCreateActionsItem::DoNothing(DoNothing::default()),
        AutomationCreateActionsItem::RunDeployment(
            RunDeploymentInput::default()
                .source(Source::Selected)
                .deployment_id(deployment_id)
                .parameters(object(json!({ "x": 2 })))
                .job_variables(serde_json::Map::new()),
        ),
        AutomationCreateActionsItem::PauseDeployment(
            PauseDeployment::default()
                .source(Source::Selected)
                .deployment_id(deployment_id),
        ),
        AutomationCreateActionsItem::CancelFlowRun(CancelFlowRun::default()),
        AutomationCreateActionsItem::ChangeFlowRunState(
            ChangeFlowRunState::new(StateType::Failed).message("auto"),
        ),
    ];
    AutomationCreate::new(
        "auto-event",
        AutomationCreateTrigger::Event(trigger),
        actions,
    )
    .description("reactive event trigger")
    .enabled(true)
    .tags(strings(&["e2e"]))
    .actions_on_trigger(Vec::new())
    .actions_on_resolve(Vec::new())
}

/// A compound trigger (all of a reactive and a proactive event trigger) and six kinds of
/// action.
fn compound_automation(deployment_id: Uuid, other_automation: Uuid) -> AutomationCreate {
    let completed = event_trigger(EventTriggerPosture::Reactive, "prefect.flow-run.Completed")
        .r#match(flow_runs_match());
    let not_running = event_trigger(EventTriggerPosture::Proactive, "prefect.flow-run.Running")
        .r#match(EventTriggerInputMatch::ResourceSpecification(
            BTreeMap::new(),
        ))
        .after(strings(&["prefect.flow-run.Pending"]))
        .within(EventTriggerInputWithin::Text("PT5M".to_owned()));
    let trigger = CompoundTriggerInput::new(
        vec![
            AutomationCreateTrigger::Event(completed),
            AutomationCreateTrigger::Event(not_running),
        ],
        TriggerInputWithin::Number(3600.0),
        CompoundTriggerRequire::Enum(CompoundTriggerRequireEnum::All),
    );
    let actions = vec![
        AutomationCreateActionsItem::PauseAutomation(
            PauseAutomation::default()
                .source(Source::Selected)
                .automation_id(other_automation),
        ),
        AutomationCreateActionsItem::ResumeDeployment(
            ResumeDeployment::default()
                .source(Source::Selected)
                .deployment_id(deployment_id),
        ),
        AutomationCreateActionsItem::SuspendFlowRun(SuspendFlowRun::default()),
        AutomationCreateActionsItem::ResumeFlowRun(ResumeFlowRun::default()),
        AutomationCreateActionsItem::PauseWorkPool(
            PauseWorkPool::default().source(Source::Inferred),
        ),
        AutomationCreateActionsItem::ResumeWorkPool(
            ResumeWorkPool::default().source(Source::Inferred),
        ),
    ];
    AutomationCreate::new(
        "auto-compound",
        AutomationCreateTrigger::Compound(trigger),
        actions,
    )
}

/// A sequence trigger holding an event trigger and a compound one, disabled, with five
/// kinds of action and one each on trigger and on resolve.
fn sequence_automation() -> AutomationCreate {
    let inner = CompoundTriggerInput::new(
        vec![AutomationCreateTrigger::Event(event_trigger(
            EventTriggerPosture::Reactive,
            "prefect.flow-run.Running",
        ))],
        TriggerInputWithin::Number(60.0),
        CompoundTriggerRequire::Integer(1),
    );
    let trigger = SequenceTriggerInput::new(
        vec![
            AutomationCreateTrigger::Event(event_trigger(
                EventTriggerPosture::Reactive,
                "prefect.flow-run.Pending",
            )),
            AutomationCreateTrigger::Compound(inner),
        ],
        TriggerInputWithin::Text("PT1H".to_owned()),
    );
    let actions = vec![
        AutomationCreateActionsItem::SendNotification(
            SendNotification::new(NOTIFICATION_BLOCK, "b {{ flow_run.name }}").subject("s"),
        ),
        AutomationCreateActionsItem::CallWebhook(CallWebhook::new(WEBHOOK_BLOCK).payload("{}")),
        AutomationCreateActionsItem::DeleteFlowRun(DeleteFlowRun::default()),
        AutomationCreateActionsItem::PauseWorkQueue(
            PauseWorkQueue::default().source(Source::Inferred),
        ),
        AutomationCreateActionsItem::ResumeWorkQueue(
            ResumeWorkQueue::default().source(Source::Inferred),
        ),
    ];
    AutomationCreate::new(
        "auto-sequence",
        AutomationCreateTrigger::Sequence(trigger),
        actions,
    )
    .enabled(false)
    .actions_on_trigger(vec![AutomationCreateActionsItem::DoNothing(
        DoNothing::default(),
    )])
    .actions_on_resolve(vec![AutomationCreateActionsItem::ResumeAutomation(
        ResumeAutomation::default().source(Source::Inferred),
    )])
}

async fn automations(client: &Client, deployment_id: Uuid) {
    let event = expect(
        "automations.create_event",
        client.create_automation_automations_post(&event_automation(deployment_id)),
        201,
    )
    .await;
    check_event_automation("automations.create_event", &event, deployment_id);
    let compound = expect(
        "automations.create_compound",
        client.create_automation_automations_post(&compound_automation(deployment_id, event.id)),
        201,
    )
    .await;
    check_compound_automation(
        "automations.create_compound",
        &compound,
        deployment_id,
        event.id,
    );
    let sequence = expect(
        "automations.create_sequence",
        client.create_automation_automations_post(&sequence_automation()),
        201,
    )
    .await;
    check_sequence_automation("automations.create_sequence", &sequence);

    for created in [&event, &compound, &sequence] {
        round_trip(client, created).await;
    }
    let count = expect(
        "automations.count",
        client.count_automations_automations_count_post(),
        200,
    )
    .await;
    assert_eq!(count, 3, "automations.count");
}

/// Reads an automation, sends it back unchanged through the update operation, and reads
/// it again: equal but for the ids the server gives the triggers anew and `updated`.
async fn round_trip(client: &Client, created: &Automation) {
    let name = created.name.as_str();
    let step = format!("automations.read.{name}");
    let read = expect(
        &step,
        client.read_automation_automations_id_get(created.id),
        200,
    )
    .await;
    assert_eq!(&read, created, "{step}: as created");

    // Document defect (a round-trip asymmetry): `Automation` has `id`, `created` and
    // `updated`, which `AutomationUpdate` forbids (`additionalProperties: false`, 422
    // `extra_forbidden`), and its trigger and run-deployment actions are the `-Output`
    // schemas where the update takes the `-Input` ones. So the update is built from the
    // read value field by field; nothing is changed.
    let actions = |actions: &[AutomationActionsItem]| -> Vec<AutomationCreateActionsItem> {
        actions.iter().map(action_input).collect()
    };
    let update = AutomationUpdate {
        name: read.name.clone(),
        description: read.description.clone(),
        enabled: read.enabled,
        tags: read.tags.clone(),
        trigger: trigger_input(&read.trigger),
        actions: actions(&read.actions),
        actions_on_trigger: read.actions_on_trigger.as_deref().map(actions),
        actions_on_resolve: read.actions_on_resolve.as_deref().map(actions),
    };
    let step = format!("automations.update.{name}");
    expect(
        &step,
        client.update_automation_automations_id_put(read.id, &update),
        204,
    )
    .await;

    let step = format!("automations.read_updated.{name}");
    let again = expect(
        &step,
        client.read_automation_automations_id_get(read.id),
        200,
    )
    .await;
    assert_ne!(
        trigger_id(&again.trigger),
        trigger_id(&read.trigger),
        "{step}: the server gives the trigger a new id"
    );
    assert!(again.updated >= read.updated, "{step}: updated");
    let mut expected = read;
    let mut actual = again;
    forget_trigger_ids(&mut expected.trigger);
    forget_trigger_ids(&mut actual.trigger);
    expected.updated = None;
    actual.updated = None;
    assert_eq!(actual, expected, "{step}: unchanged but for trigger ids");
}

fn trigger_id(trigger: &AutomationTrigger) -> Option<Uuid> {
    match trigger {
        AutomationTrigger::Event(event) => event.id,
        AutomationTrigger::Compound(compound) => compound.id,
        AutomationTrigger::Sequence(sequence) => sequence.id,
        other => panic!("trigger decoded as {other:?}"),
    }
}

/// Clears the ids of a trigger and of the triggers it holds.
fn forget_trigger_ids(trigger: &mut AutomationTrigger) {
    match trigger {
        AutomationTrigger::Event(event) => event.id = None,
        AutomationTrigger::Compound(compound) => {
            compound.id = None;
            compound.triggers.iter_mut().for_each(forget_trigger_ids);
        }
        AutomationTrigger::Sequence(sequence) => {
            sequence.id = None;
            sequence.triggers.iter_mut().for_each(forget_trigger_ids);
        }
        other => panic!("trigger decoded as {other:?}"),
    }
}

// The read (`-Output`) trigger as the update (`-Input`) one: only `within` differs, a
// number of seconds on the way out and seconds or an ISO 8601 duration on the way in. A
// trigger and the triggers it holds are of the same type, read and written alike.

fn trigger_input(trigger: &AutomationTrigger) -> AutomationCreateTrigger {
    match trigger {
        AutomationTrigger::Event(event) => AutomationCreateTrigger::Event(event_input(event)),
        AutomationTrigger::Compound(compound) => {
            AutomationCreateTrigger::Compound(compound_input(compound))
        }
        AutomationTrigger::Sequence(sequence) => {
            AutomationCreateTrigger::Sequence(sequence_input(sequence))
        }
        other => panic!("trigger decoded as {other:?}"),
    }
}

fn event_input(event: &EventTriggerOutput) -> EventTriggerInput {
    EventTriggerInput {
        r#type: event.r#type,
        id: event.id,
        r#match: event.r#match.clone(),
        match_related: event.match_related.clone(),
        after: event.after.clone(),
        expect: event.expect.clone(),
        for_each: event.for_each.clone(),
        posture: event.posture.clone(),
        threshold: event.threshold,
        within: event.within.map(EventTriggerInputWithin::Number),
    }
}

fn compound_input(compound: &CompoundTriggerOutput) -> CompoundTriggerInput {
    CompoundTriggerInput {
        r#type: compound.r#type,
        id: compound.id,
        triggers: compound.triggers.iter().map(trigger_input).collect(),
        within: compound.within.map(TriggerInputWithin::Number),
        require: compound.require.clone(),
    }
}

fn sequence_input(sequence: &SequenceTriggerOutput) -> SequenceTriggerInput {
    SequenceTriggerInput {
        r#type: sequence.r#type,
        id: sequence.id,
        triggers: sequence.triggers.iter().map(trigger_input).collect(),
        within: sequence.within.map(TriggerInputWithin::Number),
    }
}

/// The read action as the update one: the same types but for run-deployment, whose
/// `-Output` form has `schedule_after` in seconds and plain optional fields.
fn action_input(action: &AutomationActionsItem) -> AutomationCreateActionsItem {
    use AutomationActionsItem as Read;
    use AutomationCreateActionsItem as Update;
    match action.clone() {
        Read::DoNothing(a) => Update::DoNothing(a),
        Read::RunDeployment(a) => Update::RunDeployment(RunDeploymentInput {
            r#type: a.r#type,
            source: a.source,
            deployment_id: a.deployment_id.map_or(Patch::Absent, Patch::Set),
            parameters: a.parameters.map_or(Patch::Absent, Patch::Set),
            job_variables: a.job_variables.map_or(Patch::Absent, Patch::Set),
            schedule_after: a
                .schedule_after
                .map(RunDeploymentInputScheduleAfter::Number),
        }),
        Read::PauseDeployment(a) => Update::PauseDeployment(a),
        Read::ResumeDeployment(a) => Update::ResumeDeployment(a),
        Read::CancelFlowRun(a) => Update::CancelFlowRun(a),
        Read::DeleteFlowRun(a) => Update::DeleteFlowRun(a),
        Read::ChangeFlowRunState(a) => Update::ChangeFlowRunState(a),
        Read::PauseWorkQueue(a) => Update::PauseWorkQueue(a),
        Read::ResumeWorkQueue(a) => Update::ResumeWorkQueue(a),
        Read::SendNotification(a) => Update::SendNotification(a),
        Read::CallWebhook(a) => Update::CallWebhook(a),
        Read::PauseAutomation(a) => Update::PauseAutomation(a),
        Read::ResumeAutomation(a) => Update::ResumeAutomation(a),
        Read::SuspendFlowRun(a) => Update::SuspendFlowRun(a),
        Read::ResumeFlowRun(a) => Update::ResumeFlowRun(a),
        Read::PauseWorkPool(a) => Update::PauseWorkPool(a),
        Read::ResumeWorkPool(a) => Update::ResumeWorkPool(a),
        other => panic!("action decoded as {other:?}"),
    }
}

// What the server returns for each automation: what was sent, with defaults filled in
// (`after: []`, `for_each: []`, `threshold: 1`, `schedule_after: 0.0`, `within` in
// seconds, ids and timestamps), each trigger and action as the variant its tag names.

fn event_output(posture: EventTriggerPosture, expect: &str) -> EventTriggerOutput {
    EventTriggerOutput::new(posture)
        .r#type(EventTriggerType::Event)
        .r#match(EventTriggerInputMatch::ResourceSpecification(
            BTreeMap::new(),
        ))
        .match_related(EventTriggerMatchRelated::ResourceSpecification(
            BTreeMap::new(),
        ))
        .after(Vec::new())
        .expect(strings(&[expect]))
        .for_each(Vec::new())
        .threshold(1)
        .within(0.0)
}

/// An automation as expected, with the read one's id; no timestamps.
fn expected_automation(
    read: &Automation,
    name: &str,
    trigger: AutomationTrigger,
    actions: Vec<AutomationActionsItem>,
) -> Automation {
    Automation::new(name, trigger, actions, read.id, None, None)
        .description("")
        .enabled(true)
        .tags(Vec::new())
        .actions_on_trigger(Vec::new())
        .actions_on_resolve(Vec::new())
}

/// An automation as read, its trigger ids and timestamps cleared, for comparing.
fn comparable(automation: &Automation) -> Automation {
    let mut automation = automation.clone();
    forget_trigger_ids(&mut automation.trigger);
    automation.created = None;
    automation.updated = None;
    automation
}

fn check_common(step: &str, automation: &Automation) {
    assert!(automation.created.is_some(), "{step}: created");
    assert!(automation.updated.is_some(), "{step}: updated");
    assert!(
        trigger_id(&automation.trigger).is_some(),
        "{step}: the trigger's id"
    );
}

fn check_event_automation(step: &str, automation: &Automation, deployment_id: Uuid) {
    check_common(step, automation);
    let trigger = event_output(EventTriggerPosture::Reactive, "prefect.flow-run.Failed")
        .r#match(flow_runs_match())
        .match_related(flow_related())
        .for_each(strings(&["prefect.resource.id"]));
    let actions = vec![
        AutomationActionsItem::DoNothing(DoNothing::default().r#type(DoNothingType::DoNothing)),
        AutomationActionsItem::RunDeployment(
            RunDeploymentOutput::default()
                .r#type(RunDeploymentType::RunDeployment)
                .source(Source::Selected)
                .deployment_id(deployment_id)
                .parameters(object(json!({ "x": 2 })))
                .job_variables(serde_json::Map::new())
                .schedule_after(0.0),
        ),
        AutomationActionsItem::PauseDeployment(
            PauseDeployment::default()
                .r#type(PauseDeploymentType::PauseDeployment)
                .source(Source::Selected)
                .deployment_id(deployment_id),
        ),
        AutomationActionsItem::CancelFlowRun(
            CancelFlowRun::default().r#type(CancelFlowRunType::CancelFlowRun),
        ),
        AutomationActionsItem::ChangeFlowRunState(ChangeFlowRunState {
            name: Patch::Null,
            ..ChangeFlowRunState::new(StateType::Failed)
                .r#type(ChangeFlowRunStateType::ChangeFlowRunState)
                .message("auto")
                .force(false)
        }),
    ];
    let expected = expected_automation(
        automation,
        "auto-event",
        AutomationTrigger::Event(trigger),
        actions,
    )
    .description("reactive event trigger")
    .tags(strings(&["e2e"]));
    assert_eq!(comparable(automation), expected, "{step}");
}

fn check_compound_automation(
    step: &str,
    automation: &Automation,
    deployment_id: Uuid,
    other_automation: Uuid,
) {
    check_common(step, automation);
    let completed = event_output(EventTriggerPosture::Reactive, "prefect.flow-run.Completed")
        .r#match(flow_runs_match());
    let not_running = event_output(EventTriggerPosture::Proactive, "prefect.flow-run.Running")
        .after(strings(&["prefect.flow-run.Pending"]))
        // "PT5M" comes back in seconds.
        .within(300.0);
    let trigger = CompoundTriggerOutput::new(
        vec![
            AutomationTrigger::Event(completed),
            AutomationTrigger::Event(not_running),
        ],
        3600.0,
        CompoundTriggerRequire::Enum(CompoundTriggerRequireEnum::All),
    )
    .r#type(CompoundTriggerType::Compound);
    let actions = vec![
        AutomationActionsItem::PauseAutomation(
            PauseAutomation::default()
                .r#type(PauseAutomationType::PauseAutomation)
                .source(Source::Selected)
                .automation_id(other_automation),
        ),
        AutomationActionsItem::ResumeDeployment(
            ResumeDeployment::default()
                .r#type(ResumeDeploymentType::ResumeDeployment)
                .source(Source::Selected)
                .deployment_id(deployment_id),
        ),
        AutomationActionsItem::SuspendFlowRun(
            SuspendFlowRun::default().r#type(SuspendFlowRunType::SuspendFlowRun),
        ),
        AutomationActionsItem::ResumeFlowRun(
            ResumeFlowRun::default().r#type(ResumeFlowRunType::ResumeFlowRun),
        ),
        AutomationActionsItem::PauseWorkPool(PauseWorkPool {
            work_pool_id: Patch::Null,
            ..PauseWorkPool::default()
                .r#type(PauseWorkPoolType::PauseWorkPool)
                .source(Source::Inferred)
        }),
        AutomationActionsItem::ResumeWorkPool(ResumeWorkPool {
            work_pool_id: Patch::Null,
            ..ResumeWorkPool::default()
                .r#type(ResumeWorkPoolType::ResumeWorkPool)
                .source(Source::Inferred)
        }),
    ];
    let expected = expected_automation(
        automation,
        "auto-compound",
        AutomationTrigger::Compound(trigger),
        actions,
    );
    assert_eq!(comparable(automation), expected, "{step}");
}

fn check_sequence_automation(step: &str, automation: &Automation) {
    check_common(step, automation);
    let inner = CompoundTriggerOutput::new(
        vec![AutomationTrigger::Event(event_output(
            EventTriggerPosture::Reactive,
            "prefect.flow-run.Running",
        ))],
        60.0,
        CompoundTriggerRequire::Integer(1),
    )
    .r#type(CompoundTriggerType::Compound);
    let trigger = SequenceTriggerOutput::new(
        vec![
            AutomationTrigger::Event(event_output(
                EventTriggerPosture::Reactive,
                "prefect.flow-run.Pending",
            )),
            AutomationTrigger::Compound(inner),
        ],
        // "PT1H" comes back in seconds.
        3600.0,
    )
    .r#type(SequenceTriggerType::Sequence);
    let actions = vec![
        AutomationActionsItem::SendNotification(
            SendNotification::new(NOTIFICATION_BLOCK, "b {{ flow_run.name }}")
                .r#type(SendNotificationType::SendNotification)
                .subject("s"),
        ),
        AutomationActionsItem::CallWebhook(
            CallWebhook::new(WEBHOOK_BLOCK)
                .r#type(CallWebhookType::CallWebhook)
                .payload("{}"),
        ),
        AutomationActionsItem::DeleteFlowRun(
            DeleteFlowRun::default().r#type(DeleteFlowRunType::DeleteFlowRun),
        ),
        AutomationActionsItem::PauseWorkQueue(PauseWorkQueue {
            work_queue_id: Patch::Null,
            ..PauseWorkQueue::default()
                .r#type(PauseWorkQueueType::PauseWorkQueue)
                .source(Source::Inferred)
        }),
        AutomationActionsItem::ResumeWorkQueue(ResumeWorkQueue {
            work_queue_id: Patch::Null,
            ..ResumeWorkQueue::default()
                .r#type(ResumeWorkQueueType::ResumeWorkQueue)
                .source(Source::Inferred)
        }),
    ];
    let expected = expected_automation(
        automation,
        "auto-sequence",
        AutomationTrigger::Sequence(trigger),
        actions,
    )
    .enabled(false)
    .actions_on_trigger(vec![AutomationActionsItem::DoNothing(
        DoNothing::default().r#type(DoNothingType::DoNothing),
    )])
    .actions_on_resolve(vec![AutomationActionsItem::ResumeAutomation(
        ResumeAutomation {
            automation_id: Patch::Null,
            ..ResumeAutomation::default()
                .r#type(ResumeAutomationType::ResumeAutomation)
                .source(Source::Inferred)
        },
    )]);
    assert_eq!(comparable(automation), expected, "{step}");
}

// ---------------------------------------------------------------------------------------
// Variables

async fn variables(client: &Client) {
    // The value is one `VariableValue` type in the create, the update and the response.
    let value = VariableValue::Object(object(json!({ "a": [1, 2, { "b": null }], "s": "x" })));
    let create = VariableCreate::new("e2e_var", value.clone()).tags(strings(&["t"]));
    let variable = expect(
        "variables.create",
        client.create_variable_variables_post(&create),
        201,
    )
    .await;
    assert_eq!(variable.name, "e2e_var", "variables.create: name");
    assert_eq!(variable.value, Some(value), "variables.create: value");
    assert_eq!(
        variable.tags,
        Some(strings(&["t"])),
        "variables.create: tags"
    );

    let read = expect(
        "variables.read_by_name",
        client.read_variable_by_name_variables_name_name_get("e2e_var"),
        200,
    )
    .await;
    assert_eq!(read, variable, "variables.read_by_name");

    let update = VariableUpdate::default()
        .value(VariableValue::Integer(42))
        .tags(strings(&["t2"]));
    expect(
        "variables.update_by_name",
        client.update_variable_by_name_variables_name_name_patch("e2e_var", &update),
        204,
    )
    .await;
    let updated = expect(
        "variables.read_updated",
        client.read_variable_by_name_variables_name_name_get("e2e_var"),
        200,
    )
    .await;
    assert_eq!(updated.id, variable.id, "variables.read_updated: id");
    assert_eq!(
        updated.value,
        Some(VariableValue::Integer(42)),
        "variables.read_updated: value"
    );
    assert_eq!(
        updated.tags,
        Some(strings(&["t2"])),
        "variables.read_updated: tags"
    );

    expect(
        "variables.delete_by_name",
        client.delete_variable_by_name_variables_name_name_delete("e2e_var"),
        204,
    )
    .await;
    // The overlay declares the 404 the document leaves out.
    let missing = expect_status(
        "variables.read_deleted",
        client.read_variable_by_name_variables_name_name_get("e2e_var"),
        404,
    )
    .await;
    let error = match missing.body() {
        Some(ReadVariableByNameVariablesNameNameGetError::NotFound(error)) => Some(error),
        _ => None,
    };
    assert_detail("variables.read_deleted", error, "Variable not found.");
}

// ---------------------------------------------------------------------------------------
// Block types

async fn block_types(client: &Client) {
    // `logo_url` is sent as an explicit `null`; the setters only set values, so that one is
    // written as a field.
    let create = BlockTypeCreate {
        logo_url: Patch::Null,
        ..BlockTypeCreate::new("E2E Block", "e2e-block").description("test")
    };
    let block_type = expect(
        "block_types.create",
        client.create_block_type_block_types_post(&create),
        201,
    )
    .await;
    assert_eq!(block_type.name, "E2E Block", "block_types.create: name");
    assert_eq!(block_type.slug, "e2e-block", "block_types.create: slug");
    assert_eq!(
        block_type.description.as_deref(),
        Some("test"),
        "block_types.create: description"
    );
    assert_eq!(block_type.logo_url, None, "block_types.create: logo_url");
    assert_eq!(
        block_type.is_protected,
        Some(false),
        "block_types.create: is_protected"
    );

    let by_id = expect(
        "block_types.read",
        client.read_block_type_by_id_block_types_id_get(block_type.id),
        200,
    )
    .await;
    assert_eq!(by_id, block_type, "block_types.read");
    let by_slug = expect(
        "block_types.read_by_slug",
        client.read_block_type_by_slug_block_types_slug_slug_get("e2e-block"),
        200,
    )
    .await;
    assert_eq!(by_slug, block_type, "block_types.read_by_slug");

    let filter = BodyReadBlockTypesBlockTypesFilterPost::default()
        .block_types(BlockTypeFilter::default().name(BlockTypeFilterName::default().like("E2E")))
        .limit(5);
    let found = expect(
        "block_types.filter",
        client
            .read_block_types_block_types_filter_post()
            .body(&filter),
        200,
    )
    .await;
    assert_eq!(found, vec![block_type.clone()], "block_types.filter");

    // One of the system block types the server registers at startup.
    let secret = expect(
        "block_types.read_system",
        client.read_block_type_by_slug_block_types_slug_slug_get("secret"),
        200,
    )
    .await;
    assert_eq!(secret.name, "Secret", "block_types.read_system: name");
    assert_eq!(
        secret.is_protected,
        Some(true),
        "block_types.read_system: is_protected"
    );

    let update = BlockTypeUpdate::default().description("changed");
    expect(
        "block_types.update",
        client.update_block_type_block_types_id_patch(block_type.id, &update),
        204,
    )
    .await;
    let updated = expect(
        "block_types.read_updated",
        client.read_block_type_by_id_block_types_id_get(block_type.id),
        200,
    )
    .await;
    assert_eq!(
        updated.description.as_deref(),
        Some("changed"),
        "block_types.read_updated: description"
    );

    // The overlay declares the 403 the document leaves out.
    let forbidden = expect_status(
        "block_types.create_reserved",
        client.create_block_type_block_types_post(&BlockTypeCreate::new(
            "Prefect thing",
            "prefect-thing",
        )),
        403,
    )
    .await;
    let error = match forbidden.body() {
        Some(CreateBlockTypeBlockTypesPostError::Forbidden(error)) => Some(error),
        _ => None,
    };
    assert_detail(
        "block_types.create_reserved",
        error,
        "Block type names beginning with 'Prefect' are reserved.",
    );
    expect(
        "block_types.delete",
        client.delete_block_type_block_types_id_delete(block_type.id),
        204,
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Work pools

async fn work_pools(client: &Client) {
    let create = WorkPoolCreate::new("e2e-pool")
        .description("pool")
        .r#type("process")
        .concurrency_limit(3);
    let pool = expect(
        "work_pools.create",
        client.create_work_pool_work_pools_post(&create),
        201,
    )
    .await;
    assert_eq!(pool.name, "e2e-pool", "work_pools.create: name");
    assert_eq!(pool.r#type, "process", "work_pools.create: type");
    assert_eq!(
        pool.description.as_deref(),
        Some("pool"),
        "work_pools.create: description"
    );
    assert_eq!(
        pool.concurrency_limit,
        Some(3),
        "work_pools.create: concurrency_limit"
    );
    assert_eq!(pool.is_paused, Some(false), "work_pools.create: is_paused");
    assert_eq!(
        pool.status,
        Some(WorkPoolStatus::NotReady),
        "work_pools.create: status (no worker)"
    );
    assert!(
        pool.default_queue_id.is_some(),
        "work_pools.create: default queue"
    );

    let read = expect(
        "work_pools.read",
        client.read_work_pool_work_pools_name_get("e2e-pool"),
        200,
    )
    .await;
    assert_eq!(read, pool, "work_pools.read");

    let update = WorkPoolUpdate::default()
        .description("changed")
        .is_paused(true)
        .concurrency_limit(5);
    expect(
        "work_pools.update",
        client.update_work_pool_work_pools_name_patch("e2e-pool", &update),
        204,
    )
    .await;
    let updated = expect(
        "work_pools.read_updated",
        client.read_work_pool_work_pools_name_get("e2e-pool"),
        200,
    )
    .await;
    assert_eq!(updated.id, pool.id, "work_pools.read_updated: id");
    assert_eq!(
        updated.description.as_deref(),
        Some("changed"),
        "work_pools.read_updated: description"
    );
    assert_eq!(
        updated.is_paused,
        Some(true),
        "work_pools.read_updated: is_paused"
    );
    assert_eq!(
        updated.concurrency_limit,
        Some(5),
        "work_pools.read_updated: concurrency_limit"
    );
    assert_eq!(
        updated.status,
        Some(WorkPoolStatus::Paused),
        "work_pools.read_updated: status"
    );

    expect(
        "work_pools.delete",
        client.delete_work_pool_work_pools_name_delete("e2e-pool"),
        204,
    )
    .await;
    let missing = expect_status(
        "work_pools.read_deleted",
        client.read_work_pool_work_pools_name_get("e2e-pool"),
        404,
    )
    .await;
    let error = match missing.body() {
        Some(ReadWorkPoolWorkPoolsNameGetError::NotFound(error)) => Some(error),
        _ => None,
    };
    assert_detail(
        "work_pools.read_deleted",
        error,
        "Work pool \"e2e-pool\" not found.",
    );
}

// ---------------------------------------------------------------------------------------
// Global concurrency limits (v2)

async fn concurrency_limits(client: &Client) {
    let create = ConcurrencyLimitV2Create::new("e2e-limit", 5).slot_decay_per_second(0.5);
    let limit = expect(
        "concurrency_limits.create",
        client.create_concurrency_limit_v2_v2_concurrency_limits_post(&create),
        201,
    )
    .await;
    assert_eq!(limit.name, "e2e-limit", "concurrency_limits.create: name");
    assert_eq!(limit.limit, 5, "concurrency_limits.create: limit");
    assert_eq!(
        limit.active,
        Some(true),
        "concurrency_limits.create: active"
    );
    assert_eq!(
        limit.active_slots,
        Some(0),
        "concurrency_limits.create: active_slots"
    );
    assert_eq!(
        limit.slot_decay_per_second,
        Some(0.5),
        "concurrency_limits.create: slot_decay_per_second"
    );

    // `{id_or_name}` is `uuid | string`: one `IdOrName` type for the read, update and
    // delete operations.
    let by_id = IdOrName::Uuid(limit.id);
    let by_name = IdOrName::Text("e2e-limit".to_owned());
    let read = expect(
        "concurrency_limits.read_by_id",
        client.read_concurrency_limit_v2_v2_concurrency_limits_id_or_name_get(&by_id),
        200,
    )
    .await;
    check_limit(
        "concurrency_limits.read_by_id",
        &read,
        &limit,
        5,
        Some(true),
    );
    let read = expect(
        "concurrency_limits.read_by_name",
        client.read_concurrency_limit_v2_v2_concurrency_limits_id_or_name_get(&by_name),
        200,
    )
    .await;
    check_limit(
        "concurrency_limits.read_by_name",
        &read,
        &limit,
        5,
        Some(true),
    );

    let update = ConcurrencyLimitV2Update::default().limit(10).active(false);
    expect(
        "concurrency_limits.update_by_name",
        client
            .update_concurrency_limit_v2_v2_concurrency_limits_id_or_name_patch(&by_name, &update),
        204,
    )
    .await;
    let read = expect(
        "concurrency_limits.read_updated",
        client.read_concurrency_limit_v2_v2_concurrency_limits_id_or_name_get(&by_id),
        200,
    )
    .await;
    check_limit(
        "concurrency_limits.read_updated",
        &read,
        &limit,
        10,
        Some(false),
    );

    expect(
        "concurrency_limits.delete_by_id",
        client.delete_concurrency_limit_v2_v2_concurrency_limits_id_or_name_delete(&by_id),
        204,
    )
    .await;
    let missing = expect_status(
        "concurrency_limits.read_deleted",
        client.read_concurrency_limit_v2_v2_concurrency_limits_id_or_name_get(&by_id),
        404,
    )
    .await;
    let error = match missing.body() {
        Some(ReadConcurrencyLimitV2V2ConcurrencyLimitsIdOrNameGetError::NotFound(error)) => {
            Some(error)
        }
        _ => None,
    };
    assert_detail(
        "concurrency_limits.read_deleted",
        error,
        "Concurrency Limit not found",
    );
}

fn check_limit(
    step: &str,
    read: &GlobalConcurrencyLimitResponse,
    created: &ConcurrencyLimitV2,
    limit: i64,
    active: Option<bool>,
) {
    assert_eq!(read.id, created.id, "{step}: id");
    assert_eq!(read.name, created.name, "{step}: name");
    assert_eq!(read.limit, limit, "{step}: limit");
    assert_eq!(read.active, active, "{step}: active");
    assert_eq!(read.active_slots, 0, "{step}: active_slots");
    assert_eq!(
        read.slot_decay_per_second,
        Some(0.5),
        "{step}: slot_decay_per_second"
    );
    assert_eq!(read.created, created.created, "{step}: created");
}

// ---------------------------------------------------------------------------------------
// Errors

async fn errors(client: &Client) {
    // The overlay declares the 404 of a missing flow, `{"detail": "Flow not found"}`.
    let missing = expect_status(
        "errors.read_missing_flow",
        client.read_flow_flows_id_get(MISSING),
        404,
    )
    .await;
    assert_detail(
        "errors.read_missing_flow",
        flow_not_found(&missing),
        "Flow not found",
    );
    let random = expect_status(
        "errors.read_random_flow",
        client.read_flow_flows_id_get(Uuid::new_v4()),
        404,
    )
    .await;
    assert_detail(
        "errors.read_random_flow",
        flow_not_found(&random),
        "Flow not found",
    );

    // The document declares 422 as FastAPI's `{"detail": [...]}`; Prefect's handler sends
    // `{"exception_message", "exception_detail", "request_body"}`, which the overlay
    // declares instead, so the body is read as that `HTTPValidationError`.
    let invalid = expect_status(
        "errors.create_flow_bad_name",
        client.create_flow_flows_post(&FlowCreate::new("bad/name")),
        422,
    )
    .await;
    check_invalid(
        "errors.create_flow_bad_name",
        &invalid,
        "string_pattern_mismatch",
        &["body", "name"],
    );

    let unknown_state = propose(StateType::Unknown("NOPE".to_owned()));
    let invalid = expect_status(
        "errors.set_unknown_state",
        client.set_flow_run_state_flow_runs_id_set_state_post(MISSING, &unknown_state),
        422,
    )
    .await;
    check_invalid(
        "errors.set_unknown_state",
        &invalid,
        "enum",
        &["body", "state", "type"],
    );
}

/// A 422 as Prefect sends it: one error of `kind` at `location`, and the request body.
fn check_invalid(
    step: &str,
    response: &ErrorResponse<HttpValidationError>,
    kind: &str,
    location: &[&str],
) {
    let body = response
        .body()
        .unwrap_or_else(|| panic!("{step}: the 422 body is not Prefect's: {}", response.text()));
    assert_eq!(
        body.exception_message, "Invalid request received.",
        "{step}: exception_message"
    );
    let [error] = body.exception_detail.as_slice() else {
        panic!("{step}: one error expected: {body:?}");
    };
    assert_eq!(error.r#type, kind, "{step}: error type");
    let loc: Vec<ValidationErrorLocItem> = location
        .iter()
        .map(|part| ValidationErrorLocItem::Text((*part).to_owned()))
        .collect();
    assert_eq!(error.loc, loc, "{step}: error location");
    assert!(
        body.request_body.is_some(),
        "{step}: the request body comes back"
    );
}

/// The `HTTPError` of a 404 answer to reading a flow.
fn flow_not_found(response: &ErrorResponse<ReadFlowFlowsIdGetError>) -> Option<&HttpError> {
    match response.body() {
        Some(ReadFlowFlowsIdGetError::NotFound(error)) => Some(error),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Cleanup

async fn cleanup(client: &Client, flow_id: Uuid, deployment_id: Uuid) {
    expect(
        "cleanup.delete_deployment",
        client.delete_deployment_deployments_id_delete(deployment_id),
        204,
    )
    .await;
    expect(
        "cleanup.delete_flow",
        client.delete_flow_flows_id_delete(flow_id),
        204,
    )
    .await;
    let missing = expect_status(
        "cleanup.read_deleted_flow",
        client.read_flow_flows_id_get(flow_id),
        404,
    )
    .await;
    assert_detail(
        "cleanup.read_deleted_flow",
        flow_not_found(&missing),
        "Flow not found",
    );
    let count = expect(
        "cleanup.count_flows",
        client.count_flows_flows_count_post(),
        200,
    )
    .await;
    assert_eq!(count, 0, "cleanup.count_flows");
    // Deleting a flow deletes its runs.
    let count = expect(
        "cleanup.count_flow_runs",
        client.count_flow_runs_flow_runs_count_post(),
        200,
    )
    .await;
    assert_eq!(count, 0, "cleanup.count_flow_runs");
}
