//! Legal OpenAPI forms that real documents use, read and written right through the
//! fixture clients against a server on 127.0.0.1: diamond `allOf`, bodies that may be
//! `null`, 2xx answers without a body.

use livedesk_tests::fixtures::{all_of, answers, body_alternatives, form_encodings, responses};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use crate::support::{json, received, serve};

/// A client of the `answers` fixture against a server answering every request alike.
async fn answers_client(template: ResponseTemplate) -> (wiremock::MockServer, answers::Client) {
    let server = serve(template).await;
    let client = answers::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    (server, client)
}

#[tokio::test]
async fn a_diamond_all_of_merges_its_shared_base_once() {
    let sent = json!({
        "name": "Rex", "tag": "good", "id": 7, "owner": "ada",
        "since": "2024-01-02", "price": 12.5
    });
    let server = serve(json(200, sent.clone())).await;
    let client = all_of::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let listing = client.get_listing(7).await.expect("200").into_body();
    // Every part's properties, typed: `NewPet`'s (reached twice), `Pet`'s, `Owner`'s,
    // `Owned`'s and `Priced`'s.
    assert_eq!(listing.name, "Rex");
    assert_eq!(listing.tag.as_deref(), Some("good"));
    assert_eq!(listing.id, 7);
    assert_eq!(listing.owner.as_deref(), Some("ada"));
    assert_eq!(
        listing.since,
        Some(chrono::NaiveDate::from_ymd_opt(2024, 1, 2).expect("date"))
    );
    assert!((listing.price - 12.5).abs() < f64::EPSILON);
    assert_eq!(serde_json::to_value(&listing).expect("encodes"), sent);
}

#[tokio::test]
async fn a_body_that_may_be_null_is_an_option() {
    let upload = json!({"id": 3, "size": 1024, "name": "a.csv"});
    let (_server, client) = answers_client(json(200, upload.clone())).await;
    let got = client.get_upload(3).await.expect("200").into_body();
    let got = got.expect("an upload, not null");
    assert_eq!(
        (got.id, got.size, got.name.as_deref()),
        (3, 1024, Some("a.csv"))
    );
    assert_eq!(serde_json::to_value(Some(&got)).expect("encodes"), upload);

    // What a real server answers while the upload is processed.
    let (_server, client) = answers_client(json(200, Value::Null)).await;
    assert_eq!(client.get_upload(3).await.expect("200").into_body(), None);

    // `oneOf` with a `null` branch, and `type: [object, 'null']`.
    let (_server, client) = answers_client(json(200, Value::Null)).await;
    assert_eq!(client.get_job(1).await.expect("200").into_body(), None);
    assert_eq!(client.get_status().await.expect("200").into_body(), None);
    let (_server, client) = answers_client(json(200, json!({"state": "ready"}))).await;
    let status = client.get_status().await.expect("200").into_body();
    assert_eq!(status.map(|s| s.state).as_deref(), Some("ready"));
    let job = client.get_job(1).await;
    assert!(
        matches!(&job, Err(answers::Error::Decode(e)) if e.path().is_empty()),
        "an object without the required `id` is no job: {job:?}"
    );
}

#[tokio::test]
async fn a_body_marked_nullable_in_openapi_3_0_is_an_option() {
    let server = serve(json(200, json!({"state": "done"}))).await;
    let client = responses::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let latest = client.get_latest_job().await.expect("200").into_body();
    assert_eq!(latest.and_then(|j| j.state).as_deref(), Some("done"));
    let first = client.get_first_job().await.expect("200").into_body();
    assert_eq!(first.and_then(|j| j.state).as_deref(), Some("done"));

    let server = serve(json(200, Value::Null)).await;
    let client = responses::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    assert_eq!(
        client.get_latest_job().await.expect("200").into_body(),
        None
    );
    assert_eq!(client.get_first_job().await.expect("200").into_body(), None);
}

#[tokio::test]
async fn an_answer_without_a_body_reads_as_null_where_the_type_holds_it() {
    // FastAPI's `Response(status_code=204)` behind a `200` documented with `{}`.
    let (_server, client) = answers_client(ResponseTemplate::new(204)).await;
    let deleted = client.delete_item(1).await.expect("204");
    assert_eq!(deleted.status().as_u16(), 204);
    assert_eq!(deleted.into_body(), Value::Null);
    assert_eq!(client.archive_item(1).await.expect("204").into_body(), None);

    // 205, and a 200 with `Content-Length: 0`.
    let (_server, client) = answers_client(ResponseTemplate::new(205)).await;
    assert_eq!(client.get_upload(1).await.expect("205").into_body(), None);
    let (_server, client) = answers_client(
        ResponseTemplate::new(200).insert_header("content-type", "application/json"),
    )
    .await;
    assert_eq!(client.get_job(1).await.expect("200").into_body(), None);
    assert_eq!(
        client.delete_item(1).await.expect("200").into_body(),
        Value::Null
    );
}

#[tokio::test]
async fn an_empty_chunked_answer_reads_as_null_too() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let serving = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut head = [0u8; 4096];
        let _ = socket.read(&mut head).await.expect("read");
        socket
            .write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                  transfer-encoding: chunked\r\nconnection: close\r\n\r\n0\r\n\r\n",
            )
            .await
            .expect("write");
    });
    let client = answers::Client::builder()
        .base_url(format!("http://{address}"))
        .build()
        .expect("client");
    let answered = tokio::time::timeout(std::time::Duration::from_secs(10), client.get_job(1))
        .await
        .expect("answered in time");
    assert_eq!(answered.expect("200").into_body(), None);
    serving.await.expect("served");
}

#[tokio::test]
async fn an_answer_without_a_body_is_an_error_where_the_type_needs_a_value() {
    let (_server, client) = answers_client(ResponseTemplate::new(200)).await;
    let error = client.touch_item(1).await.expect_err("a job needs a body");
    let answers::Error::Decode(decode) = &error else {
        panic!("a decoding error expected, got {error:?}");
    };
    assert_eq!(decode.status().as_u16(), 200);
    let shown = error.to_string();
    assert!(
        shown.contains("200 OK") && shown.contains("the body is empty"),
        "{shown}"
    );
    // The documented 204 stays its own variant.
    let (_server, client) = answers_client(ResponseTemplate::new(204)).await;
    assert!(matches!(
        client.touch_item(1).await.expect("204").into_body(),
        answers::types::TouchItemSuccess::NoContent
    ));
}

/// The pairs of an `application/x-www-form-urlencoded` text, decoded as a server's form
/// parser decodes them (`+` is a space, `%XX` a byte).
fn form_pairs(text: &str) -> Vec<(String, String)> {
    let url = reqwest::Url::parse(&format!("http://form.invalid/?{text}")).expect("a form");
    url.query_pairs()
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn form_bodies_write_each_property_in_its_encoding_style() {
    use form_encodings::Patch;
    use form_encodings::types::{
        CreateCustomerBody, CreateCustomerBodyAddressAddressParam, CreateCustomerBodyItemsItem,
        CreateCustomerBodyItemsItemDiscountsItem, CreateCustomerBodyMetadata,
        CreateCustomerBodyPreferences, CreateCustomerLinesItem,
    };
    let server = serve(ResponseTemplate::new(204)).await;
    let client = form_encodings::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let metadata = std::collections::BTreeMap::from([
        ("order".to_owned(), "6735".to_owned()),
        // Stripe unsets one key with an empty value.
        ("note".to_owned(), String::new()),
    ]);
    let mut body = CreateCustomerBody::new("Ada Lovelace")
        .metadata(CreateCustomerBodyMetadata::Object(metadata))
        .address(
            CreateCustomerBodyAddressAddressParam::default()
                .city("Paris")
                .line1("1 rue de Rivoli"),
        )
        .expand(vec![
            "customer".to_owned(),
            "invoice.subscription".to_owned(),
        ])
        .items(vec![
            CreateCustomerBodyItemsItem::new("price_1")
                .quantity(2)
                .discounts(vec![
                    CreateCustomerBodyItemsItemDiscountsItem::default().coupon("c&1"),
                ]),
            CreateCustomerBodyItemsItem::new("price_2"),
        ])
        .tax_ids(vec!["a".to_owned(), "b".to_owned()])
        .tags(vec!["x".to_owned(), "y z".to_owned()])
        .flags(vec!["p".to_owned(), "q".to_owned()])
        .return_url("https://example.com/back?x=1&y=[2]")
        .preferences(
            CreateCustomerBodyPreferences::default()
                .language("fr")
                .currency("eur"),
        );
    body.nickname = Patch::Null;
    let lines = [
        CreateCustomerLinesItem::new(100).tax_rates(vec!["txr_1".to_owned(), "txr_2".to_owned()]),
        CreateCustomerLinesItem::new(5),
    ];
    client
        .create_customer(&body)
        .lines(&lines)
        .await
        .expect("204");
    let request = received(&server).await;
    assert_eq!(
        crate::support::header(&request, "content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let text = std::str::from_utf8(&request.body).expect("ASCII");
    assert_eq!(
        form_pairs(text),
        pairs(&[
            ("name", "Ada Lovelace"),
            // `deepObject`: nested as Stripe's own libraries write it.
            ("metadata[note]", ""),
            ("metadata[order]", "6735"),
            ("address[city]", "Paris"),
            ("address[line1]", "1 rue de Rivoli"),
            ("expand[]", "customer"),
            ("expand[]", "invoice.subscription"),
            ("items[0][price]", "price_1"),
            ("items[0][quantity]", "2"),
            ("items[0][discounts][0][coupon]", "c&1"),
            ("items[1][price]", "price_2"),
            // `form` not exploded, `spaceDelimited`, `pipeDelimited`.
            ("tax_ids", "a,b"),
            ("tags", "x y z"),
            ("flags", "p|q"),
            ("return_url", "https://example.com/back?x=1&y=[2]"),
            // No encoding: `form`, exploded, an object's properties are pairs.
            ("language", "fr"),
            ("currency", "eur"),
            // `null` in a form is the empty value.
            ("nickname", ""),
        ])
    );
    // `allowReserved` keeps what a form does not use as a delimiter.
    assert!(
        text.contains("return_url=https://example.com/back?x%3D1%26y%3D[2]"),
        "{text}"
    );
    assert!(text.contains("name=Ada+Lovelace&"), "{text}");
    assert_eq!(
        form_pairs(request.url.query().expect("a query")),
        pairs(&[
            ("lines[0][amount]", "100"),
            ("lines[0][tax_rates][]", "txr_1"),
            ("lines[0][tax_rates][]", "txr_2"),
            ("lines[1][amount]", "5"),
        ])
    );
}

#[tokio::test]
async fn an_empty_value_unsets_what_stripe_documents_as_unset() {
    use form_encodings::types::{
        CreateCustomerBody, CreateCustomerBodyAddress, CreateCustomerBodyEmpty,
        CreateCustomerBodyMetadata,
    };
    let server = serve(ResponseTemplate::new(204)).await;
    let client = form_encodings::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let body = CreateCustomerBody::new("Ada")
        .metadata(CreateCustomerBodyMetadata::Empty(
            CreateCustomerBodyEmpty::Empty,
        ))
        .address(CreateCustomerBodyEmpty::Empty);
    client.create_customer(&body).await.expect("204");
    let request = received(&server).await;
    assert_eq!(
        std::str::from_utf8(&request.body).expect("ASCII"),
        "name=Ada&metadata=&address="
    );
    // The same values read back are the variants they were written from.
    let read: CreateCustomerBody =
        serde_json::from_value(json!({"name": "Ada", "metadata": "", "address": ""}))
            .expect("decodes");
    assert!(matches!(
        read.metadata,
        Some(CreateCustomerBodyMetadata::Empty(_))
    ));
    assert!(matches!(
        read.address,
        Some(CreateCustomerBodyAddress::Empty(_))
    ));
}

#[tokio::test]
async fn multipart_parts_follow_their_encoding() {
    use form_encodings::File;
    use form_encodings::types::{UploadFileBody, UploadFileBodyFileLinkData};
    let server = serve(ResponseTemplate::new(204)).await;
    let client = form_encodings::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let body = UploadFileBody::new(File::new(b"\x89PNG".to_vec()), "dispute_evidence")
        .file_link_data(UploadFileBodyFileLinkData::default().create(true).metadata(
            std::collections::BTreeMap::from([("case".to_owned(), "42".to_owned())]),
        ))
        .labels(vec!["front".to_owned(), "back".to_owned()])
        .sizes(vec![1, 2]);
    client.upload_file(&body).await.expect("204");
    let request = received(&server).await;
    let parts = crate::support::multipart_parts(&request);
    let shown: Vec<(String, Option<String>, Option<String>, String)> = parts
        .iter()
        .map(|(headers, content)| {
            let find = |name: &str| {
                headers
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
            };
            (
                find("content-disposition").expect("a disposition"),
                find("content-type"),
                find("x-checksum-algorithm"),
                String::from_utf8_lossy(content).into_owned(),
            )
        })
        .collect();
    let part = |disposition: &str, media: Option<&str>, checksum: Option<&str>, content: &str| {
        (
            disposition.to_owned(),
            media.map(str::to_owned),
            checksum.map(str::to_owned),
            content.to_owned(),
        )
    };
    assert_eq!(
        shown,
        [
            // The first content type that is not a wildcard, and the header the document
            // fixes (the one it leaves open is not sent).
            part(
                r#"form-data; name="file"; filename="file""#,
                Some("image/png"),
                Some("sha256"),
                "\u{fffd}PNG"
            ),
            part(
                r#"form-data; name="purpose""#,
                None,
                None,
                "dispute_evidence"
            ),
            // `deepObject` in a multipart body: a part per pair.
            part(
                r#"form-data; name="file_link_data[create]""#,
                None,
                None,
                "true"
            ),
            part(
                r#"form-data; name="file_link_data[metadata][case]""#,
                None,
                None,
                "42"
            ),
            // An array: a part per item, unless its content type is JSON.
            part(
                r#"form-data; name="labels""#,
                Some("text/plain"),
                None,
                "front"
            ),
            part(
                r#"form-data; name="labels""#,
                Some("text/plain"),
                None,
                "back"
            ),
            part(
                r#"form-data; name="sizes""#,
                Some("application/json"),
                None,
                "[1,2]"
            ),
        ]
    );
}

#[tokio::test]
async fn an_answer_offered_in_several_media_types_is_read_by_its_content_type() {
    use answers::types::{ExportDatasetSuccess, GetReportSuccess};
    let csv = "id,name\n1,Ada\n";
    let (server, client) =
        answers_client(ResponseTemplate::new(200).set_body_raw(csv, "text/csv; charset=utf-8"))
            .await;
    let exported = client.export_dataset(7).await.expect("200").into_body();
    assert_eq!(exported, ExportDatasetSuccess::Csv(csv.to_owned()));
    let request = received(&server).await;
    assert_eq!(
        crate::support::header(&request, "accept").as_deref(),
        Some("application/json, text/csv")
    );

    // The preferred media type, and any the document does not list, read as JSON.
    let (_server, client) = answers_client(json(200, json!([{"id": 1}]))).await;
    assert_eq!(
        client.export_dataset(7).await.expect("200").into_body(),
        ExportDatasetSuccess::Json(json!([{"id": 1}]))
    );

    let (_server, client) =
        answers_client(ResponseTemplate::new(200).set_body_raw("all good", "TEXT/Plain")).await;
    assert_eq!(
        client.get_report(1).await.expect("200").into_body(),
        GetReportSuccess::OkText("all good".to_owned())
    );
    let (_server, client) = answers_client(
        ResponseTemplate::new(200).set_body_raw(b"%PDF-1.7".to_vec(), "application/pdf"),
    )
    .await;
    assert_eq!(
        client.get_report(1).await.expect("200").into_body(),
        GetReportSuccess::OkPdf(b"%PDF-1.7".to_vec())
    );
    // Two media types that read the same are one variant.
    let (server, client) = answers_client(
        ResponseTemplate::new(200)
            .set_body_raw(r#"{"id": 4, "state": "done"}"#, "application/problem+json"),
    )
    .await;
    let GetReportSuccess::OkJson(job) = client.get_report(1).await.expect("200").into_body() else {
        panic!("a JSON report expected");
    };
    assert_eq!((job.id, job.state.as_deref()), (4, Some("done")));
    assert_eq!(
        crate::support::header(&received(&server).await, "accept").as_deref(),
        Some("application/json, application/problem+json, text/plain, application/pdf")
    );
}

/// A client of the `body_alternatives` fixture against a server answering `status`.
async fn alternatives_client(status: u16) -> (wiremock::MockServer, body_alternatives::Client) {
    let template = match status {
        200 => json(200, json!({"access_token": "t0k"})),
        other => ResponseTemplate::new(other),
    };
    let server = serve(template).await;
    let client = body_alternatives::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    (server, client)
}

/// The disposition, content type and content of each part, as text.
fn parts_of(request: &wiremock::Request) -> Vec<(String, Option<String>, String)> {
    crate::support::multipart_parts(request)
        .into_iter()
        .map(|(headers, content)| {
            let find = |name: &str| {
                headers
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
            };
            (
                find("content-disposition").expect("a disposition"),
                find("content-type"),
                String::from_utf8_lossy(&content).into_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_body_offered_as_json_and_as_a_file_upload_can_be_sent_both_ways() {
    use body_alternatives::File;
    use body_alternatives::types::{UploadRowsBody, UploadRowsMultipartBody};
    let row = std::collections::BTreeMap::from([("name".to_owned(), "Ada".to_owned())]);
    let (server, client) = alternatives_client(202).await;
    client
        .upload_rows(3, &UploadRowsBody::new(vec![row]))
        .await
        .expect("202");
    let request = received(&server).await;
    assert_eq!(
        crate::support::header(&request, "content-type").as_deref(),
        Some("application/json")
    );
    let sent: Value = serde_json::from_slice(&request.body).expect("JSON");
    assert_eq!(sent, json!({"rows": [{"name": "Ada"}]}));

    let (server, client) = alternatives_client(202).await;
    let upload = UploadRowsMultipartBody::new(File::new(b"name\nAda\n".to_vec())).delimiter(";");
    client.upload_rows_multipart(3, &upload).await.expect("202");
    let request = received(&server).await;
    assert_eq!(request.url.path(), "/datasets/3/rows");
    assert_eq!(
        parts_of(&request),
        [
            (
                r#"form-data; name="file"; filename="file""#.to_owned(),
                Some("text/csv".to_owned()),
                "name\nAda\n".to_owned()
            ),
            (
                r#"form-data; name="delimiter""#.to_owned(),
                None,
                ";".to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn a_body_offered_as_json_and_as_a_form_can_be_sent_both_ways() {
    use body_alternatives::types::TokenRequest;
    let body =
        TokenRequest::new("client_credentials").scope(vec!["read".to_owned(), "write".to_owned()]);
    let (server, client) = alternatives_client(200).await;
    let token = client.create_token(&body).await.expect("200").into_body();
    assert_eq!(token.access_token.as_deref(), Some("t0k"));
    let sent: Value = serde_json::from_slice(&received(&server).await.body).expect("JSON");
    assert_eq!(
        sent,
        json!({"grant_type": "client_credentials", "scope": ["read", "write"]})
    );

    let (server, client) = alternatives_client(200).await;
    let token = client
        .create_token_form(&body)
        .await
        .expect("200")
        .into_body();
    assert_eq!(token.access_token.as_deref(), Some("t0k"));
    let request = received(&server).await;
    assert_eq!(
        crate::support::header(&request, "content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        form_pairs(std::str::from_utf8(&request.body).expect("ASCII")),
        pairs(&[
            ("grant_type", "client_credentials"),
            ("scope", "read"),
            ("scope", "write"),
        ])
    );
}

#[tokio::test]
async fn a_multipart_one_of_sends_the_parts_of_the_variant_it_is() {
    use body_alternatives::File;
    use body_alternatives::types::{
        PutScriptBody, PutScriptBodyModules, PutScriptBodyModulesMetadata, PutScriptBodyRollback,
    };
    let modules =
        PutScriptBodyModules::new(PutScriptBodyModulesMetadata::default().main_module("worker.js"))
            .module(vec![
                File::new(b"export default {}".to_vec())
                    .with_file_name("worker.js")
                    .with_content_type("application/javascript+module"),
            ]);
    let (server, client) = alternatives_client(204).await;
    client
        .put_script("w", &PutScriptBody::Modules(modules))
        .await
        .expect("204");
    assert_eq!(
        parts_of(&received(&server).await),
        [
            (
                r#"form-data; name="module"; filename="worker.js""#.to_owned(),
                Some("application/javascript+module".to_owned()),
                "export default {}".to_owned()
            ),
            (
                r#"form-data; name="metadata""#.to_owned(),
                Some("application/json".to_owned()),
                r#"{"main_module":"worker.js"}"#.to_owned()
            ),
        ]
    );
    let (server, client) = alternatives_client(204).await;
    client
        .put_script(
            "w",
            &PutScriptBody::Rollback(PutScriptBodyRollback::new("back")),
        )
        .await
        .expect("204");
    assert_eq!(
        parts_of(&received(&server).await),
        [(
            r#"form-data; name="message""#.to_owned(),
            None,
            "back".to_owned()
        )]
    );

    // The script's text, in either of the media types it is offered in.
    let (server, client) = alternatives_client(204).await;
    client
        .put_script_text_javascript("w", "addEventListener()")
        .await
        .expect("204");
    let request = received(&server).await;
    assert_eq!(
        crate::support::header(&request, "content-type").as_deref(),
        Some("text/javascript")
    );
    assert_eq!(request.body, b"addEventListener()");
    let (server, client) = alternatives_client(204).await;
    client
        .put_script_application_javascript("w", b"addEventListener()".to_vec())
        .await
        .expect("204");
    let request = received(&server).await;
    assert_eq!(
        crate::support::header(&request, "content-type").as_deref(),
        Some("application/javascript")
    );
    assert_eq!(request.body, b"addEventListener()");
}

#[tokio::test]
async fn kept_fields_go_back_to_the_server_as_they_came() {
    use kept_fields::types::Channel;
    use livedesk_tests::fixtures::kept_fields;
    let sent = json!({
        "id": 7,
        "name": "Ada",
        "nickname": "the countess",
        "address": {"city": "London", "postcode": "W1", "geo": {"lat": 51.5, "lon": -0.1}},
        "phones": [{"number": "+44", "verified": true}, {"number": "+33", "kind": null}],
        "channel": {"kind": "email", "address": "ada@example.com", "primary": true},
        "labels": {"vip": "yes"},
        "unknown_fields": "declared after all",
        "score": 9.5,
        "tags": ["a", {"b": 1}]
    });
    let server = serve(json(200, sent.clone())).await;
    let client = kept_fields::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let contact = client.get_contact(7).await.expect("200").into_body();
    // Declared properties are read as usual; the others are kept, at every level.
    assert_eq!(contact.name, "Ada");
    assert_eq!(
        contact.unknown_fields.as_deref(),
        Some("declared after all")
    );
    assert_eq!(contact.unknown_fields_2["nickname"], json!("the countess"));
    assert_eq!(contact.unknown_fields_2["tags"], json!(["a", {"b": 1}]));
    let address = contact.address.as_ref().expect("an address");
    assert_eq!(address.city.as_deref(), Some("London"));
    assert_eq!(
        address.unknown_fields["geo"],
        json!({"lat": 51.5, "lon": -0.1})
    );
    let phones = contact.phones.as_ref().expect("phones");
    assert_eq!(phones[0].unknown_fields["verified"], json!(true));
    let Some(Channel::Email(email)) = &contact.channel else {
        panic!("an email channel expected: {:?}", contact.channel);
    };
    assert_eq!(email.unknown_fields["primary"], json!(true));
    assert_eq!(
        contact.labels.as_ref().map(|l| l["vip"].as_str()),
        Some("yes")
    );

    // Written back, the server gets what it sent.
    let put = serve(ResponseTemplate::new(204)).await;
    let client = kept_fields::Client::builder()
        .base_url(put.uri())
        .build()
        .expect("client");
    client.put_contact(7, &contact).await.expect("204");
    let request = received(&put).await;
    let written: Value = serde_json::from_slice(&request.body).expect("JSON");
    assert_eq!(written, sent);
}
