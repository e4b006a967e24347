//! End-to-end scenario against localstripe 1.15.10 (a Stripe emulator), through the
//! client generated from Stripe's own document (API version 2023-08-16) with
//! `tests/e2e/stripe.overlay.yaml`.
//!
//! Usage: `stripe-scenario http://127.0.0.1:PORT`, against a fresh server: the customers it
//! lists must be the ones it created, and the ids it picks (`prod_e2e_gold`,
//! `plan_e2e_monthly`) must be free.
//!
//! It covers customers with metadata, an address and preferred locales, updated (a metadata
//! key set, another unset, then all of them); seven customers walked page by page
//! (`limit`, `has_more`, `starting_after` = the last item's `id`) with `.items()` and
//! `.pages()`; products and plans (localstripe has no prices), one plan with an inline
//! product; a card payment method with nested `card[...]` and `billing_details[...]`,
//! attached, made the customer's default, listed, and a declined one; a payment intent
//! created with `payment_method_types[]` and `expand[]`, confirmed, partly captured and
//! read back expanded; a charge captured in part, refunds created, read and listed,
//! charges listed with `expand[]=data.customer`; an invoice item, a subscription made
//! with `items[0][plan]`, its paid invoice and lines, updated and canceled; deletes; and
//! the 400, 402 and 404 answers, whose bodies are Stripe's `error`.
//!
//! Every place where localstripe answers otherwise than Stripe's document is named in a
//! comment starting with "localstripe:"; those that change what the client must decode are
//! also actions of the overlay, which say what localstripe sends instead. Besides those,
//! localstripe sends properties the document does not declare, most of them from older
//! API versions (a customer's `account_balance` and `business_vat_id`, a product's `type`,
//! a plan's `name`, a payment intent's `charges`, a subscription's `plan` and `quantity`,
//! an invoice's `date`, `tax_percent` and `parent`, a refund's `date`, every list's
//! `total_count`): the client's types do not keep them, and the check for lost values
//! leaves undeclared properties out on purpose.
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
use api_client::{
    BearerToken, Client, Error, ErrorResponse, Operation, PageStream, Paginated, Request, Response,
};

const ADA: &str = "Ada Lovelace";
const ADA_EMAIL: &str = "ada@example.com";
/// Ada's email after the update.
const ADA_NEW_EMAIL: &str = "ada@analytical.example";
const GOLD: &str = "prod_e2e_gold";
const MONTHLY: &str = "plan_e2e_monthly";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base_url = std::env::args()
        .nth(1)
        .expect("usage: stripe-scenario BASE_URL (like http://127.0.0.1:8420)");
    assert!(
        support::Unmatched::install(),
        "another tracing subscriber was installed first"
    );
    let client = Client::builder()
        .bearer_auth(BearerToken::new("sk_test_e2e"))
        .base_url(base_url)
        .hook(support::Capture)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("the client builds from the base URL");

    let ada = customers(&client).await;
    let customer_ids = customer_pages(&client, &ada).await;
    let (product, plan) = products_and_plans(&client).await;
    let (card, ada) = payment_methods(&client, &ada).await;
    let intent_charge = payment_intents(&client, &ada, &card).await;
    charges_and_refunds(&client, &ada, &card, &intent_charge).await;
    subscriptions(&client, &ada, &plan).await;
    errors(&client, &ada).await;
    cleanup(&client, &customer_ids, &product, &plan).await;
    eprintln!("stripe scenario passed");
}

// ---------------------------------------------------------------------------------------
// Calling

/// Sends `request` and prints one JSON line about it (see [`report`]).
async fn call<Op>(
    step: &str,
    request: Request<'_, Op>,
) -> Result<Response<Op::Success>, Error<Op::Error>>
where
    Op: Operation,
    Op::Success: serde::Serialize,
{
    let outcome = request.send().await;
    report::<Op>(step, &outcome);
    outcome
}

/// Prints one JSON line about a call of `Op`: for a 2xx response the line
/// `support::passed` makes (the decoded body re-encoded, and what was received when that
/// differs); otherwise `outcome` (`status` for a non-2xx answer, `error` for anything
/// else), the `status` if a response arrived, and a `detail` (the body, or the error).
fn report<Op>(step: &str, outcome: &Result<Response<Op::Success>, Error<Op::Error>>)
where
    Op: Operation,
    Op::Success: serde::Serialize,
{
    let mut fields = serde_json::Map::new();
    fields.insert("step".to_owned(), step.into());
    fields.insert("operation".to_owned(), Op::ID.into());
    let line = match outcome {
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
}

/// Sends `request`, checks that it succeeded with 200 (localstripe, like Stripe, answers
/// 200 to creates and deletes too), and returns the decoded body.
async fn expect<Op>(step: &str, request: Request<'_, Op>) -> Op::Success
where
    Op: Operation,
    Op::Success: serde::Serialize,
{
    match call(step, request).await {
        Ok(response) => {
            assert_eq!(response.status().as_u16(), 200, "{step}: status");
            response.into_body()
        }
        Err(error) => panic!("{step}: expected 200, got: {error}"),
    }
}

/// Sends `request`, checks that the server answered `status` (outside 2xx) with Stripe's
/// `error` body, and returns that body's `error`.
async fn expect_error<Op>(step: &str, request: Request<'_, Op>, status: u16) -> ApiErrors
where
    Op: Operation<Error = ErrorSchema>,
    Op::Success: serde::Serialize,
{
    match call(step, request).await {
        Err(Error::Status(response)) => {
            assert_eq!(response.status().as_u16(), status, "{step}: status");
            error_body(step, &response)
        }
        Err(other) => panic!("{step}: expected a {status} answer, got: {other}"),
        Ok(response) => panic!("{step}: expected {status}, got {}", response.status()),
    }
}

/// The `error` of an answer's body, which must decode as the document's `error` schema.
fn error_body(step: &str, response: &ErrorResponse<ErrorSchema>) -> ApiErrors {
    match response.body() {
        Some(body) => body.error.clone(),
        None => panic!(
            "{step}: the body is not Stripe's error: {}",
            response.text()
        ),
    }
}

/// Reads every page `pages` yields, printing one JSON line per page as [`call`] does, and
/// returns the pages.
async fn read_pages<Op>(step: &str, mut pages: PageStream<'_, Op>) -> Vec<Op::Success>
where
    Op: Paginated,
    Op::Success: serde::Serialize,
{
    let mut read = Vec::new();
    while let Some(page) = pages.next().await {
        let step = format!("{step}_{}", read.len() + 1);
        report::<Op>(&step, &page);
        match page {
            Ok(response) => {
                assert_eq!(response.status().as_u16(), 200, "{step}: status");
                read.push(response.into_body());
            }
            Err(error) => panic!("{step}: expected 200, got: {error}"),
        }
    }
    read
}

/// A metadata map.
fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

// ---------------------------------------------------------------------------------------
// Customers

/// Ada's address, as sent and as it must come back.
fn ada_address() -> (PostChargesBodyShippingAddress, Address) {
    let sent = PostChargesBodyShippingAddress::default()
        .line1("12 St James's Square")
        .line2("Flat 3")
        .city("London")
        .state("Greater London")
        .postal_code("SW1Y 4JH")
        .country("GB");
    let read = Address {
        city: Some("London".to_owned()),
        country: Some("GB".to_owned()),
        line1: Some("12 St James's Square".to_owned()),
        line2: Some("Flat 3".to_owned()),
        postal_code: Some("SW1Y 4JH".to_owned()),
        state: Some("Greater London".to_owned()),
    };
    (sent, read)
}

async fn customers(client: &Client) -> Customer {
    let metadata = map(&[("order", "6735"), ("note", "first"), ("tier", "gold")]);
    let (address, read_address) = ada_address();
    let body = PostCustomersBody::default()
        .name(ADA)
        .email(ADA_EMAIL)
        .phone("+44 20 7946 0958")
        .description("the first customer")
        .preferred_locales(strings(&["en-GB", "fr-FR"]))
        .metadata(metadata.clone())
        .address(address);
    let created = expect("customers.create", client.post_customers().body(&body)).await;
    let step = "customers.create";
    assert!(created.id.starts_with("cus_"), "{step}: id {}", created.id);
    assert_eq!(created.object, CustomerObject::Customer, "{step}: object");
    assert!(!created.livemode, "{step}: livemode");
    assert_eq!(created.name.as_deref(), Some(ADA), "{step}: name");
    assert_eq!(created.email.as_deref(), Some(ADA_EMAIL), "{step}: email");
    assert_eq!(
        created.phone.as_deref(),
        Some("+44 20 7946 0958"),
        "{step}: phone"
    );
    assert_eq!(
        created.description.as_deref(),
        Some("the first customer"),
        "{step}: description"
    );
    assert_eq!(
        created.preferred_locales,
        Some(strings(&["en-GB", "fr-FR"])),
        "{step}: preferred_locales"
    );
    assert_eq!(created.metadata, Some(metadata), "{step}: metadata");
    assert_eq!(created.address, Some(read_address), "{step}: address");
    assert_eq!(created.delinquent, Some(false), "{step}: delinquent");
    // localstripe: the balance comes as `account_balance` (Stripe's name before 2019),
    // which the document does not declare; `balance` is absent.
    assert_eq!(created.balance, None, "{step}: balance");
    let settings = created
        .invoice_settings
        .as_deref()
        .expect("customers.create: invoice_settings");
    assert_eq!(
        settings.default_payment_method, None,
        "{step}: no default payment method yet"
    );

    let read = expect("customers.read", client.get_customers_customer(&created.id)).await;
    let GetCustomersCustomerResponse::Customer(read) = read else {
        panic!("customers.read: a customer expected, got {read:?}");
    };
    assert_eq!(read, created, "customers.read");

    // Set `order`, unset `note` (Stripe's unset is an empty value), leave `tier` alone.
    let update = PostCustomersCustomerBody::default()
        .email(ADA_NEW_EMAIL)
        .metadata(map(&[("order", "6736"), ("note", "")]));
    let updated = expect(
        "customers.update",
        client.post_customers_customer(&created.id).body(&update),
    )
    .await;
    // localstripe: `metadata[note]=` stores "" where Stripe deletes the key.
    let metadata = map(&[("order", "6736"), ("note", ""), ("tier", "gold")]);
    assert_eq!(
        updated.metadata,
        Some(metadata.clone()),
        "customers.update: metadata"
    );
    assert_eq!(
        updated.email.as_deref(),
        Some(ADA_NEW_EMAIL),
        "customers.update: email"
    );
    assert_eq!(updated.name, created.name, "customers.update: name kept");
    assert_eq!(
        updated.address, created.address,
        "customers.update: address kept"
    );

    let read = expect(
        "customers.read_updated",
        client.get_customers_customer(&created.id),
    )
    .await;
    assert_eq!(
        read,
        GetCustomersCustomerResponse::Customer(updated.clone()),
        "customers.read_updated"
    );

    // `metadata=` (the `Empty` variant) unsets every key in Stripe.
    let unset = PostCustomersCustomerBody::default().metadata(Empty::Empty);
    let unset = expect(
        "customers.unset_metadata",
        client.post_customers_customer(&created.id).body(&unset),
    )
    .await;
    // localstripe: an empty `metadata` is ignored (`if metadata:` in `_update`); every key
    // stays.
    assert_eq!(
        unset.metadata,
        Some(metadata),
        "customers.unset_metadata: metadata"
    );
    assert_eq!(unset, updated, "customers.unset_metadata: nothing changed");
    unset
}

/// Six more customers, then all seven walked two by two; the ids in creation order.
async fn customer_pages(client: &Client, ada: &Customer) -> Vec<String> {
    let mut ids = vec![ada.id.clone()];
    for n in 2..=7 {
        let step = format!("customers.create_{n}");
        let number = n.to_string();
        let body = PostCustomersBody::default()
            .name(format!("Customer {n}"))
            .email(format!("c{n}@example.com"))
            .metadata(map(&[("n", &number)]));
        let created = expect(&step, client.post_customers().body(&body)).await;
        assert_eq!(created.name, Some(format!("Customer {n}")), "{step}: name");
        assert_eq!(
            created.email,
            Some(format!("c{n}@example.com")),
            "{step}: email"
        );
        assert_eq!(
            created.metadata,
            Some(map(&[("n", &number)])),
            "{step}: metadata"
        );
        ids.push(created.id);
    }

    // Pages of two: `limit=2`, then `starting_after=<the last id>` while `has_more`.
    // localstripe: lists come in creation order, oldest first; Stripe's come newest first.
    // Each page also says `total_count` (7, the whole list), which the document does not
    // declare.
    //
    // The walk prints nothing; `customers.page_*` below sends the same four requests and
    // prints them.
    let mut items = client.get_customers().limit(2).items();
    let mut walked = Vec::new();
    while let Some(item) = items.next().await {
        let customer = item.unwrap_or_else(|error| panic!("customers.walk: {error}"));
        walked.push(customer.id);
    }
    assert_eq!(walked, ids, "customers.walk: every customer, in order");

    let pages = read_pages("customers.page", client.get_customers().limit(2).pages()).await;
    let shape: Vec<(usize, bool)> = pages
        .iter()
        .map(|page| (page.data.len(), page.has_more))
        .collect();
    assert_eq!(
        shape,
        [(2, true), (2, true), (2, true), (1, false)],
        "customers.page: sizes and has_more"
    );
    let paged: Vec<&String> = pages
        .iter()
        .flat_map(|page| page.data.iter().map(|customer| &customer.id))
        .collect();
    assert_eq!(paged, ids.iter().collect::<Vec<_>>(), "customers.page: ids");
    assert!(
        pages.iter().all(|page| page.url == "/v1/customers"),
        "customers.page: url"
    );
    let ada_listed = &pages[0].data[0];
    assert_eq!(ada_listed, ada, "customers.page: Ada as read");

    let found = expect(
        "customers.list_by_email",
        client.get_customers().email("c3@example.com"),
    )
    .await;
    let found: Vec<&String> = found.data.iter().map(|customer| &customer.id).collect();
    assert_eq!(found, [&ids[2]], "customers.list_by_email");
    ids
}

// ---------------------------------------------------------------------------------------
// Products and plans

/// A product and a monthly plan for it (kept for the subscription); a yearly plan with an
/// inline product, deleted again.
async fn products_and_plans(client: &Client) -> (Product, Plan) {
    let body = PostProductsBody::new("Gold")
        .id(GOLD)
        .description("The gold tier")
        .url("https://example.com/gold")
        .statement_descriptor("GOLD TIER")
        .metadata(map(&[("sku", "g1")]));
    let product = expect("products.create", client.post_products(&body)).await;
    let step = "products.create";
    assert_eq!(product.id, GOLD, "{step}: id");
    assert_eq!(product.name, "Gold", "{step}: name");
    assert_eq!(
        product.description.as_deref(),
        Some("The gold tier"),
        "{step}: description"
    );
    assert_eq!(
        product.url.as_deref(),
        Some("https://example.com/gold"),
        "{step}: url"
    );
    assert_eq!(
        product.statement_descriptor.as_deref(),
        Some("GOLD TIER"),
        "{step}: statement_descriptor"
    );
    assert_eq!(product.metadata, map(&[("sku", "g1")]), "{step}: metadata");
    assert!(product.active, "{step}: active");
    // localstripe: no `features`, `images` or `updated`, which the document requires
    // (overlay).
    assert_eq!(product.features, None, "{step}: features");
    assert_eq!(product.images, None, "{step}: images");
    assert_eq!(product.updated, None, "{step}: updated");

    let read = expect("products.read", client.get_products_id(GOLD)).await;
    assert_eq!(read, product, "products.read");

    // localstripe: an update stores the form's strings as they are (`active=false` would
    // come back as the string "false", not a boolean), so only strings are updated.
    let update = PostProductsIdBody::default()
        .name("Gold Plus")
        .metadata(map(&[("sku", "g2"), ("color", "gold")]));
    let product = expect(
        "products.update",
        client.post_products_id(GOLD).body(&update),
    )
    .await;
    assert_eq!(product.name, "Gold Plus", "products.update: name");
    assert_eq!(
        product.metadata,
        map(&[("color", "gold"), ("sku", "g2")]),
        "products.update: metadata"
    );
    assert_eq!(
        product.description.as_deref(),
        Some("The gold tier"),
        "products.update: description kept"
    );

    // localstripe: there are no prices (`/v1/prices` is a 404), so plans it is. Tiered
    // plans are left out: localstripe sends their tiers back as the form's strings
    // (`"up_to": "10"`, `"unit_amount": "100"`, and `"up_to": "inf"` for the document's
    // null), which no integer of the document's `plan_tier` holds.
    let body = PostPlansBody::new("eur", PlanInterval::Month)
        .id(MONTHLY)
        .product(GOLD.to_owned())
        .amount(1000)
        .interval_count(1)
        .nickname("Monthly")
        .metadata(map(&[("k", "v")]));
    let plan = expect("plans.create", client.post_plans(&body)).await;
    let step = "plans.create";
    assert_eq!(plan.id, MONTHLY, "{step}: id");
    assert_eq!(
        plan.product,
        Some(PlanProduct::Text(GOLD.to_owned())),
        "{step}: product"
    );
    assert_eq!(plan.amount, Some(1000), "{step}: amount");
    assert_eq!(plan.currency, "eur", "{step}: currency");
    assert_eq!(plan.interval, PlanInterval::Month, "{step}: interval");
    assert_eq!(plan.interval_count, 1, "{step}: interval_count");
    assert_eq!(
        plan.nickname.as_deref(),
        Some("Monthly"),
        "{step}: nickname"
    );
    assert_eq!(plan.metadata, Some(map(&[("k", "v")])), "{step}: metadata");
    assert_eq!(
        plan.billing_scheme,
        BillingScheme::PerUnit,
        "{step}: billing_scheme"
    );
    assert_eq!(plan.usage_type, UsageType::Licensed, "{step}: usage_type");
    assert!(plan.active, "{step}: active");
    assert_eq!(plan.trial_period_days, None, "{step}: trial_period_days");
    // localstripe: `"tiers": null`, where the document's optional `tiers` is not nullable
    // (overlay).
    assert_eq!(plan.tiers, None, "{step}: tiers");

    let read = expect("plans.read", client.get_plans_plan(MONTHLY)).await;
    assert_eq!(read, plan, "plans.read");

    // A plan whose product is made with it: `product[name]=...&product[metadata][...]`.
    let inline = PostPricesBodyProductData::new("Silver").metadata(map(&[("sku", "s1")]));
    let body = PostPlansBody::new("eur", PlanInterval::Year)
        .product(inline)
        .amount(9900)
        .nickname("Yearly");
    let yearly = expect("plans.create_with_product", client.post_plans(&body)).await;
    let step = "plans.create_with_product";
    assert!(yearly.id.starts_with("plan_"), "{step}: id {}", yearly.id);
    assert_eq!(yearly.interval, PlanInterval::Year, "{step}: interval");
    assert_eq!(yearly.amount, Some(9900), "{step}: amount");
    assert_eq!(yearly.currency, "eur", "{step}: currency");
    assert_eq!(
        yearly.nickname.as_deref(),
        Some("Yearly"),
        "{step}: nickname"
    );
    let Some(PlanProduct::Text(silver)) = &yearly.product else {
        panic!("{step}: a product id expected, got {:?}", yearly.product);
    };
    let silver = expect("products.read_inline", client.get_products_id(silver)).await;
    assert_eq!(silver.name, "Silver", "products.read_inline: name");
    assert_eq!(
        silver.metadata,
        map(&[("sku", "s1")]),
        "products.read_inline: metadata"
    );

    let plans = expect("plans.list_by_product", client.get_plans().product(GOLD)).await;
    assert_eq!(plans.data, [plan.clone()], "plans.list_by_product");
    assert!(!plans.has_more, "plans.list_by_product: has_more");

    // Both products, one page each.
    let pages = read_pages("products.page", client.get_products().limit(1).pages()).await;
    let listed: Vec<(&str, bool)> = pages
        .iter()
        .flat_map(|page| page.data.iter().map(|p| (p.id.as_str(), page.has_more)))
        .collect();
    assert_eq!(
        listed,
        [(GOLD, true), (silver.id.as_str(), false)],
        "products.page"
    );
    assert_eq!(pages[0].data[0], product, "products.page: Gold as updated");

    let deleted = expect("plans.delete", client.delete_plans_plan(&yearly.id)).await;
    assert!(deleted.deleted, "plans.delete: deleted");
    assert_eq!(deleted.id, yearly.id, "plans.delete: id");
    let deleted = expect("products.delete", client.delete_products_id(&silver.id)).await;
    assert!(deleted.deleted, "products.delete: deleted");
    assert_eq!(deleted.id, silver.id, "products.delete: id");
    assert_eq!(
        deleted.object,
        ProductObject::Product,
        "products.delete: object"
    );
    let error = expect_error(
        "products.read_deleted",
        client.get_products_id(&silver.id),
        404,
    )
    .await;
    check_error("products.read_deleted", &error, "Not Found", None);
    (product, plan)
}

// ---------------------------------------------------------------------------------------
// Payment methods

/// A card attached to Ada and made her default payment method: the card, and Ada as she
/// is now.
async fn payment_methods(client: &Client, ada: &Customer) -> (PaymentMethod, Customer) {
    let card =
        PostPaymentMethodsBodyCardCardDetailsParams::new(12, 2030, "4242424242424242").cvc("123");
    let billing = PostBillingDetails::default()
        .name(ADA.to_owned())
        .email(ADA_EMAIL.to_owned())
        .address(
            PostChargesBodyShippingAddress::default()
                .city("London")
                .country("GB"),
        );
    let body = PostPaymentMethodsBody::default()
        .r#type(GetPaymentMethodsType::Card)
        .card(card)
        .billing_details(billing)
        .metadata(map(&[("purpose", "e2e")]));
    let created = expect(
        "payment_methods.create",
        client.post_payment_methods().body(&body),
    )
    .await;
    let step = "payment_methods.create";
    assert!(created.id.starts_with("pm_"), "{step}: id {}", created.id);
    assert_eq!(created.r#type, PaymentMethodType::Card, "{step}: type");
    let card = created
        .card
        .as_deref()
        .expect("payment_methods.create: card");
    assert_eq!(card.last4, "4242", "{step}: card.last4");
    assert_eq!(card.exp_month, 12, "{step}: card.exp_month");
    assert_eq!(card.exp_year, 2030, "{step}: card.exp_year");
    // localstripe: every card is a French Visa credit card.
    assert_eq!(card.brand, "visa", "{step}: card.brand");
    assert_eq!(card.funding, "credit", "{step}: card.funding");
    assert_eq!(card.country.as_deref(), Some("FR"), "{step}: card.country");
    let billing = BillingDetails {
        address: Some(Address {
            city: Some("London".to_owned()),
            country: Some("GB".to_owned()),
            ..Address::default()
        }),
        email: Some(ADA_EMAIL.to_owned()),
        name: Some(ADA.to_owned()),
        phone: None,
    };
    assert_eq!(created.billing_details, billing, "{step}: billing_details");
    assert_eq!(
        created.metadata,
        Some(map(&[("purpose", "e2e")])),
        "{step}: metadata"
    );
    assert_eq!(created.customer, None, "{step}: customer");

    let attach = PostPaymentMethodsPaymentMethodAttachBody::new(&ada.id);
    let attached = expect(
        "payment_methods.attach",
        client.post_payment_methods_payment_method_attach(&created.id, &attach),
    )
    .await;
    assert_eq!(
        attached.customer.as_deref(),
        Some(&BankConnectionsResourceAccountholderCustomer::Text(
            ada.id.clone()
        )),
        "payment_methods.attach: customer"
    );
    assert_eq!(
        PaymentMethod {
            customer: None,
            ..attached.clone()
        },
        created,
        "payment_methods.attach: the rest unchanged"
    );

    let expanded = expect(
        "payment_methods.read_expanded",
        client
            .get_payment_methods_payment_method(&created.id)
            .expand(&strings(&["customer"])),
    )
    .await;
    let Some(BankConnectionsResourceAccountholderCustomer::Customer(owner)) =
        expanded.customer.as_deref()
    else {
        panic!(
            "payment_methods.read_expanded: an expanded customer expected, got {:?}",
            expanded.customer
        );
    };
    assert_eq!(owner, ada, "payment_methods.read_expanded: customer");

    let settings = PostCustomersBodyInvoiceSettings::default().default_payment_method(&created.id);
    let update = PostCustomersCustomerBody::default().invoice_settings(settings);
    let customer = expect(
        "customers.set_default_payment_method",
        client.post_customers_customer(&ada.id).body(&update),
    )
    .await;
    let settings = customer
        .invoice_settings
        .as_deref()
        .expect("customers.set_default_payment_method: invoice_settings");
    assert_eq!(
        settings.default_payment_method.as_deref(),
        Some(&MandatePaymentMethod::Text(created.id.clone())),
        "customers.set_default_payment_method"
    );

    // localstripe: `customer` and `type` are both required (400 without either); the
    // document makes them optional.
    let listed = expect(
        "payment_methods.list",
        client
            .get_payment_methods()
            .customer(&ada.id)
            .r#type(GetPaymentMethodsType::Card),
    )
    .await;
    assert_eq!(listed.data, [attached.clone()], "payment_methods.list");
    assert!(!listed.has_more, "payment_methods.list: has_more");

    // A card that is declined when attached.
    let card =
        PostPaymentMethodsBodyCardCardDetailsParams::new(1, 2031, "4000000000000002").cvc("321");
    let body = PostPaymentMethodsBody::default()
        .r#type(GetPaymentMethodsType::Card)
        .card(card);
    let declining = expect(
        "payment_methods.create_declining",
        client.post_payment_methods().body(&body),
    )
    .await;
    let card = declining
        .card
        .as_deref()
        .expect("payment_methods.create_declining: card");
    assert_eq!(
        (card.last4.as_str(), card.exp_month, card.exp_year),
        ("0002", 1, 2031),
        "payment_methods.create_declining: card"
    );
    let error = expect_error(
        "payment_methods.attach_declined",
        client.post_payment_methods_payment_method_attach(&declining.id, &attach),
        402,
    )
    .await;
    // localstripe: a declined card is an `invalid_request_error`; Stripe's is a
    // `card_error`.
    check_error(
        "payment_methods.attach_declined",
        &error,
        "Your card was declined.",
        Some("card_declined"),
    );
    (attached, customer)
}

// ---------------------------------------------------------------------------------------
// Payment intents

/// A payment intent confirmed and captured in part; its charge's id.
async fn payment_intents(client: &Client, ada: &Customer, card: &PaymentMethod) -> String {
    // localstripe: `description` and `shipping` are answered with 400 "Unexpected ...", so
    // the nested values sent are `metadata[...]`, `payment_method_types[]` and `expand[]`.
    let body = PostPaymentIntentsBody::new(2000, "eur")
        .customer(&ada.id)
        .payment_method(&card.id)
        .payment_method_types(strings(&["card"]))
        .capture_method(CaptureMethod::Manual)
        .metadata(map(&[("order", "6735")]))
        .expand(strings(&["customer"]));
    let intent = expect("payment_intents.create", client.post_payment_intents(&body)).await;
    let step = "payment_intents.create";
    assert!(intent.id.starts_with("pi_"), "{step}: id {}", intent.id);
    assert_eq!(intent.amount, 2000, "{step}: amount");
    assert_eq!(intent.currency, "eur", "{step}: currency");
    assert_eq!(
        intent.capture_method,
        CaptureMethod::Manual,
        "{step}: capture_method"
    );
    assert_eq!(
        intent.metadata,
        Some(map(&[("order", "6735")])),
        "{step}: metadata"
    );
    assert_eq!(
        intent.payment_method.as_deref(),
        Some(&MandatePaymentMethod::Text(card.id.clone())),
        "{step}: payment_method"
    );
    assert_eq!(
        intent.status,
        PaymentIntentStatus::RequiresConfirmation,
        "{step}: status"
    );
    assert_eq!(intent.latest_charge, None, "{step}: latest_charge");
    assert!(
        intent
            .client_secret
            .as_deref()
            .is_some_and(|secret| secret.starts_with(&format!("{}_secret_", intent.id))),
        "{step}: client_secret {:?}",
        intent.client_secret
    );
    // `expand[]=customer`: the customer itself, not its id.
    let Some(BankAccountCustomer::Customer(customer)) = intent.customer.as_deref() else {
        panic!(
            "{step}: an expanded customer expected, got {:?}",
            intent.customer
        );
    };
    assert_eq!(customer, ada, "{step}: customer");
    // localstripe: `payment_method_types[]=card` is accepted and dropped, and there is no
    // `confirmation_method`; the document requires both (overlay).
    assert_eq!(
        intent.payment_method_types, None,
        "{step}: payment_method_types"
    );
    assert_eq!(
        intent.confirmation_method, None,
        "{step}: confirmation_method"
    );

    let confirmed = expect(
        "payment_intents.confirm",
        client.post_payment_intents_intent_confirm(&intent.id),
    )
    .await;
    let step = "payment_intents.confirm";
    assert_eq!(
        confirmed.status,
        PaymentIntentStatus::RequiresCapture,
        "{step}: status"
    );
    // localstripe: `latest_charge` is always the whole charge; Stripe sends its id unless
    // it is expanded. The charge lacks `amount_captured`, `billing_details` and
    // `disputed`, which the document requires (overlay).
    let Some(RefundCharge::Charge(charge)) = confirmed.latest_charge.as_deref() else {
        panic!(
            "{step}: a charge expected, got {:?}",
            confirmed.latest_charge
        );
    };
    assert!(
        charge.id.starts_with("ch_"),
        "{step}: charge id {}",
        charge.id
    );
    assert_eq!(charge.amount, 2000, "{step}: charge.amount");
    assert!(!charge.captured, "{step}: charge.captured");
    assert!(charge.paid, "{step}: charge.paid");
    assert_eq!(charge.status, Status::Succeeded, "{step}: charge.status");
    assert_eq!(
        charge.payment_intent.as_deref(),
        Some(&ChargePaymentIntent::Text(intent.id.clone())),
        "{step}: charge.payment_intent"
    );
    assert_eq!(
        charge.customer.as_deref(),
        Some(&BankAccountCustomer::Text(ada.id.clone())),
        "{step}: charge.customer"
    );
    assert_eq!(
        charge.payment_method.as_deref(),
        Some(card.id.as_str()),
        "{step}: charge.payment_method"
    );
    assert_eq!(
        charge.amount_captured, None,
        "{step}: charge.amount_captured"
    );
    assert_eq!(
        charge.balance_transaction, None,
        "{step}: nothing moved before the capture"
    );
    let charge_id = charge.id.clone();

    let capture = PostPaymentIntentsIntentCaptureBody::default().amount_to_capture(1500);
    let captured = expect(
        "payment_intents.capture",
        client
            .post_payment_intents_intent_capture(&intent.id)
            .body(&capture),
    )
    .await;
    let step = "payment_intents.capture";
    assert_eq!(
        captured.status,
        PaymentIntentStatus::Succeeded,
        "{step}: status"
    );
    let Some(RefundCharge::Charge(charge)) = captured.latest_charge.as_deref() else {
        panic!(
            "{step}: a charge expected, got {:?}",
            captured.latest_charge
        );
    };
    assert_eq!(charge.id, charge_id, "{step}: charge.id");
    assert!(charge.captured, "{step}: charge.captured");
    // The 500 not captured is given back as a refund.
    assert_eq!(
        charge.amount_refunded, 500,
        "{step}: charge.amount_refunded"
    );
    assert!(!charge.refunded, "{step}: charge.refunded");
    let refunds = charge
        .refunds
        .as_ref()
        .expect("payment_intents.capture: refunds");
    let amounts: Vec<i64> = refunds.data.iter().map(|refund| refund.amount).collect();
    assert_eq!(amounts, [500], "{step}: charge.refunds");
    assert!(
        matches!(
            charge.balance_transaction.as_deref(),
            Some(ApplicationFeeBalanceTransaction::Text(id)) if id.starts_with("txn_")
        ),
        "{step}: charge.balance_transaction {:?}",
        charge.balance_transaction
    );
    // localstripe: no `amount_received` (Stripe: 1500).
    assert_eq!(captured.amount_received, None, "{step}: amount_received");

    let read = expect(
        "payment_intents.read_expanded",
        client
            .get_payment_intents_intent(&intent.id)
            .expand(&strings(&["customer", "payment_method"])),
    )
    .await;
    let step = "payment_intents.read_expanded";
    let Some(BankAccountCustomer::Customer(customer)) = read.customer.as_deref() else {
        panic!(
            "{step}: an expanded customer expected, got {:?}",
            read.customer
        );
    };
    assert_eq!(customer, ada, "{step}: customer");
    assert_eq!(
        read.payment_method.as_deref(),
        Some(&MandatePaymentMethod::PaymentMethod(card.clone())),
        "{step}: payment_method"
    );
    assert_eq!(
        PaymentIntent {
            customer: captured.customer.clone(),
            payment_method: captured.payment_method.clone(),
            ..read
        },
        captured,
        "{step}: the rest as captured"
    );
    charge_id
}

// ---------------------------------------------------------------------------------------
// Charges and refunds

async fn charges_and_refunds(
    client: &Client,
    ada: &Customer,
    card: &PaymentMethod,
    intent_charge: &str,
) {
    // No `source`: the customer's default payment method is charged. localstripe: no
    // `shipping` either (400 "Unexpected shipping").
    let body = PostChargesBody::default()
        .amount(3000)
        .currency("eur")
        .customer(&ada.id)
        .description("Direct charge")
        .statement_descriptor("E2E DIRECT")
        .metadata(map(&[("order", "6736")]))
        .capture(false);
    let charge = expect("charges.create", client.post_charges().body(&body)).await;
    let step = "charges.create";
    assert!(charge.id.starts_with("ch_"), "{step}: id {}", charge.id);
    assert_eq!(charge.amount, 3000, "{step}: amount");
    assert_eq!(charge.currency, "eur", "{step}: currency");
    assert_eq!(
        charge.customer.as_deref(),
        Some(&BankAccountCustomer::Text(ada.id.clone())),
        "{step}: customer"
    );
    assert_eq!(
        charge.description.as_deref(),
        Some("Direct charge"),
        "{step}: description"
    );
    assert_eq!(
        charge.statement_descriptor.as_deref(),
        Some("E2E DIRECT"),
        "{step}: statement_descriptor"
    );
    assert_eq!(
        charge.metadata,
        map(&[("order", "6736")]),
        "{step}: metadata"
    );
    assert!(!charge.captured, "{step}: captured");
    assert!(charge.paid, "{step}: paid");
    assert_eq!(charge.status, Status::Succeeded, "{step}: status");
    assert_eq!(
        charge.payment_method.as_deref(),
        Some(card.id.as_str()),
        "{step}: payment_method"
    );
    assert_eq!(charge.amount_refunded, 0, "{step}: amount_refunded");
    assert_eq!(charge.payment_intent, None, "{step}: payment_intent");

    let capture = PostChargesChargeCaptureBody::default().amount(2500);
    let captured = expect(
        "charges.capture",
        client
            .post_charges_charge_capture(&charge.id)
            .body(&capture),
    )
    .await;
    assert!(captured.captured, "charges.capture: captured");
    assert_eq!(
        captured.amount_refunded, 500,
        "charges.capture: the rest refunded"
    );

    let body = PostRefundsBody::default()
        .charge(&charge.id)
        .amount(1000)
        .metadata(map(&[("reason", "e2e")]));
    let refund = expect("refunds.create", client.post_refunds().body(&body)).await;
    let step = "refunds.create";
    assert!(refund.id.starts_with("re_"), "{step}: id {}", refund.id);
    assert_eq!(refund.amount, 1000, "{step}: amount");
    assert_eq!(
        refund.charge.as_deref(),
        Some(&RefundCharge::Text(charge.id.clone())),
        "{step}: charge"
    );
    assert_eq!(refund.currency, "eur", "{step}: currency");
    assert_eq!(
        refund.metadata,
        Some(map(&[("reason", "e2e")])),
        "{step}: metadata"
    );
    assert_eq!(
        refund.status.as_deref(),
        Some("succeeded"),
        "{step}: status"
    );
    assert_eq!(refund.payment_intent, None, "{step}: payment_intent");

    let read = expect("refunds.read", client.get_refunds_refund(&refund.id)).await;
    assert_eq!(read, refund, "refunds.read");

    // localstripe: refunds are sorted by `date`, newest first, and those of the same second
    // keep their creation order; which comes first depends on the clock, so the amounts
    // are compared sorted.
    let listed = expect(
        "refunds.list_by_charge",
        client.get_refunds().charge(&charge.id),
    )
    .await;
    let mut amounts: Vec<i64> = listed.data.iter().map(|r| r.amount).collect();
    amounts.sort_unstable();
    assert_eq!(amounts, [500, 1000], "refunds.list_by_charge: amounts");
    assert!(
        listed.data.contains(&refund),
        "refunds.list_by_charge: the refund as read"
    );

    let read = expect(
        "charges.read_expanded",
        client
            .get_charges_charge(&charge.id)
            .expand(&strings(&["customer"])),
    )
    .await;
    let step = "charges.read_expanded";
    let Some(BankAccountCustomer::Customer(customer)) = read.customer.as_deref() else {
        panic!(
            "{step}: an expanded customer expected, got {:?}",
            read.customer
        );
    };
    assert_eq!(customer, ada, "{step}: customer");
    assert_eq!(read.amount_refunded, 1500, "{step}: amount_refunded");
    assert!(!read.refunded, "{step}: refunded");
    let refunds = read
        .refunds
        .as_ref()
        .expect("charges.read_expanded: refunds");
    assert_eq!(refunds.data.len(), 2, "{step}: refunds");

    // `expand[]=data.customer` expands the customer of every listed charge.
    let listed = expect(
        "charges.list_by_customer",
        client
            .get_charges()
            .customer(&ada.id)
            .expand(&strings(&["data.customer"])),
    )
    .await;
    let step = "charges.list_by_customer";
    let ids: Vec<&str> = listed.data.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [intent_charge, charge.id.as_str()], "{step}: ids");
    for listed in &listed.data {
        assert!(
            matches!(
                listed.customer.as_deref(),
                Some(BankAccountCustomer::Customer(customer)) if customer == ada
            ),
            "{step}: {} has its customer expanded",
            listed.id
        );
    }
}

// ---------------------------------------------------------------------------------------
// Subscriptions and invoices

/// An invoice item; a subscription to two seats of `plan`, whose first invoice takes the
/// item; the next invoice; the subscription updated, canceled and listed.
async fn subscriptions(client: &Client, ada: &Customer, plan: &Plan) {
    let body = PostInvoiceitemsBody::new(&ada.id)
        .amount(700)
        .currency("eur")
        .description("Setup fee")
        .metadata(map(&[("k", "v")]));
    let item = expect("invoiceitems.create", client.post_invoiceitems(&body)).await;
    let step = "invoiceitems.create";
    assert!(item.id.starts_with("ii_"), "{step}: id {}", item.id);
    assert_eq!(item.amount, 700, "{step}: amount");
    assert_eq!(item.currency, "eur", "{step}: currency");
    assert_eq!(
        item.customer,
        BankAccountCustomer::Text(ada.id.clone()),
        "{step}: customer"
    );
    assert_eq!(
        item.description.as_deref(),
        Some("Setup fee"),
        "{step}: description"
    );
    assert_eq!(item.metadata, Some(map(&[("k", "v")])), "{step}: metadata");
    assert_eq!(item.invoice, None, "{step}: invoice (pending)");
    assert_eq!(item.quantity, 1, "{step}: quantity");
    assert!(!item.proration, "{step}: proration");
    // localstripe: no `discountable`, which the document requires (overlay).
    assert_eq!(item.discountable, None, "{step}: discountable");

    // localstripe: items name a plan (`items[0][plan]=...`; the overlay adds `plan`), since
    // there are no prices and `items[0][price]` is a 400.
    let items = vec![
        PostSubscriptionsBodyItemsItem::default()
            .plan(&plan.id)
            .quantity(2)
            .metadata(map(&[("seat", "a")])),
    ];
    let body = PostSubscriptionsBody::new(&ada.id)
        .items(items)
        .metadata(map(&[("order", "6737")]));
    let subscription = expect("subscriptions.create", client.post_subscriptions(&body)).await;
    let step = "subscriptions.create";
    assert!(
        subscription.id.starts_with("sub_"),
        "{step}: id {}",
        subscription.id
    );
    assert_eq!(
        *subscription.customer,
        BankAccountCustomer::Text(ada.id.clone()),
        "{step}: customer"
    );
    assert_eq!(
        subscription.metadata,
        map(&[("order", "6737")]),
        "{step}: metadata"
    );
    // The first invoice is paid at once with the default payment method.
    assert_eq!(
        subscription.status,
        SubscriptionStatus::Active,
        "{step}: status"
    );
    assert!(
        !subscription.cancel_at_period_end,
        "{step}: cancel_at_period_end"
    );
    assert_eq!(
        subscription.current_period_start, subscription.start_date,
        "{step}: current_period_start"
    );
    assert!(
        subscription.current_period_end > subscription.current_period_start + 27 * 86_400,
        "{step}: a month-long period"
    );
    // localstripe: `billing_cycle_anchor` is null, and `automatic_tax`,
    // `collection_method` and `currency` are absent (overlay).
    assert_eq!(
        subscription.billing_cycle_anchor, None,
        "{step}: billing_cycle_anchor"
    );
    assert_eq!(subscription.currency, None, "{step}: currency");
    assert_eq!(
        subscription.collection_method, None,
        "{step}: collection_method"
    );
    let [sub_item] = subscription.items.data.as_slice() else {
        panic!("{step}: one item expected: {:?}", subscription.items);
    };
    assert!(
        sub_item.id.starts_with("si_"),
        "{step}: item id {}",
        sub_item.id
    );
    assert_eq!(sub_item.plan.as_ref(), Some(plan), "{step}: item plan");
    assert_eq!(sub_item.quantity, Some(2), "{step}: item quantity");
    assert_eq!(
        sub_item.metadata,
        map(&[("seat", "a")]),
        "{step}: item metadata"
    );
    // localstripe: items have no `price` and no `subscription` (overlay).
    assert_eq!(sub_item.price, None, "{step}: item price");
    assert_eq!(sub_item.subscription, None, "{step}: item subscription");
    let Some(ChargeInvoice::Text(invoice_id)) = subscription.latest_invoice.as_deref() else {
        panic!(
            "{step}: an invoice id expected, got {:?}",
            subscription.latest_invoice
        );
    };

    let first = first_invoice(client, ada, &subscription, &item, invoice_id).await;
    next_invoice(client, ada, &subscription, &first).await;

    let update = PostSubscriptionsSubscriptionExposedIdBody::default()
        .cancel_at_period_end(true)
        .metadata(map(&[("order", "6738")]));
    let updated = expect(
        "subscriptions.update",
        client
            .post_subscriptions_subscription_exposed_id(&subscription.id)
            .body(&update),
    )
    .await;
    assert!(
        updated.cancel_at_period_end,
        "subscriptions.update: cancel_at_period_end"
    );
    // localstripe: an update ignores `metadata` (`Subscription._update` never reads it).
    assert_eq!(
        updated.metadata,
        map(&[("order", "6737")]),
        "subscriptions.update: metadata"
    );

    let read = expect(
        "subscriptions.read",
        client.get_subscriptions_subscription_exposed_id(&subscription.id),
    )
    .await;
    assert_eq!(read, updated, "subscriptions.read");

    let canceled = expect(
        "subscriptions.cancel",
        client.delete_subscriptions_subscription_exposed_id(&subscription.id),
    )
    .await;
    assert_eq!(
        canceled.status,
        SubscriptionStatus::Canceled,
        "subscriptions.cancel: status"
    );
    assert!(
        canceled.ended_at.is_some(),
        "subscriptions.cancel: ended_at"
    );

    let active = expect(
        "subscriptions.list_by_customer",
        client.get_subscriptions().customer(&ada.id),
    )
    .await;
    assert_eq!(
        active.data,
        [],
        "subscriptions.list_by_customer: canceled ones are left out"
    );
    let all = expect(
        "subscriptions.list_all_by_customer",
        client
            .get_subscriptions()
            .customer(&ada.id)
            .status(GetSubscriptionsStatus::All),
    )
    .await;
    assert_eq!(all.data, [canceled], "subscriptions.list_all_by_customer");
}

/// The invoice made with the subscription, paid at once: two seats and the pending item.
async fn first_invoice(
    client: &Client,
    ada: &Customer,
    subscription: &Subscription,
    item: &Invoiceitem,
    invoice_id: &str,
) -> Invoice {
    let [sub_item] = subscription.items.data.as_slice() else {
        panic!("invoices.read: one subscription item expected");
    };
    let invoice = expect("invoices.read", client.get_invoices_invoice(invoice_id)).await;
    let step = "invoices.read";
    assert_eq!(invoice.id.as_deref(), Some(invoice_id), "{step}: id");
    assert_eq!(invoice.status, Some(InvoiceStatus::Paid), "{step}: status");
    assert_eq!(
        invoice.customer.as_deref(),
        Some(&BankAccountCustomer::Text(ada.id.clone())),
        "{step}: customer"
    );
    assert_eq!(
        invoice.customer_email.as_deref(),
        Some(ADA_NEW_EMAIL),
        "{step}: customer_email"
    );
    assert_eq!(
        invoice.subscription.as_deref(),
        Some(&CheckoutSessionSubscription::Text(subscription.id.clone())),
        "{step}: subscription"
    );
    assert_eq!(invoice.currency, "eur", "{step}: currency");
    // Two seats of the plan and the pending invoice item.
    assert_eq!(invoice.subtotal, 2 * 1000 + 700, "{step}: subtotal");
    assert_eq!(invoice.total, 2700, "{step}: total");
    assert_eq!(invoice.amount_due, 2700, "{step}: amount_due");
    assert_eq!(invoice.amount_paid, 2700, "{step}: amount_paid");
    assert_eq!(
        (invoice.period_start, invoice.period_end),
        (
            subscription.current_period_start,
            subscription.current_period_end
        ),
        "{step}: period"
    );
    assert!(
        invoice.status_transitions.finalized_at.is_some()
            && invoice.status_transitions.paid_at.is_some(),
        "{step}: status_transitions {:?}",
        invoice.status_transitions
    );
    // localstripe: no `paid`, `amount_remaining` and other required properties (overlay).
    assert_eq!(invoice.paid, None, "{step}: paid");
    let [fee, seats] = invoice.lines.data.as_slice() else {
        panic!("{step}: two lines expected: {:?}", invoice.lines);
    };
    assert_eq!(fee.r#type, LineItemType::Invoiceitem, "{step}: fee type");
    assert_eq!(fee.amount, 700, "{step}: fee amount");
    assert_eq!(
        fee.description.as_deref(),
        Some("Setup fee"),
        "{step}: fee description"
    );
    assert_eq!(
        fee.invoice_item,
        Some(LineItemInvoiceItem::Text(item.id.clone())),
        "{step}: fee invoice_item"
    );
    assert_eq!(fee.metadata, map(&[("k", "v")]), "{step}: fee metadata");
    assert_eq!(
        seats.r#type,
        LineItemType::Subscription,
        "{step}: seats type"
    );
    assert_eq!(seats.amount, 2000, "{step}: seats amount");
    assert_eq!(seats.quantity, Some(2), "{step}: seats quantity");
    assert_eq!(
        seats.description.as_deref(),
        Some("Gold Plus"),
        "{step}: seats description (the product's name)"
    );
    assert_eq!(
        seats.subscription_item,
        Some(LineItemSubscriptionItem::Text(sub_item.id.clone())),
        "{step}: seats subscription_item"
    );
    assert_eq!(
        seats.subscription,
        Some(CheckoutSessionSubscription::Text(subscription.id.clone())),
        "{step}: seats subscription"
    );
    assert_eq!(
        seats.metadata,
        map(&[("seat", "a")]),
        "{step}: seats metadata"
    );
    // localstripe: `charge` is always the whole charge (Stripe sends its id), and that
    // charge does not name its invoice.
    let Some(RefundCharge::Charge(charge)) = invoice.charge.as_deref() else {
        panic!("{step}: a charge expected, got {:?}", invoice.charge);
    };
    assert_eq!(charge.amount, 2700, "{step}: charge.amount");
    assert!(charge.captured && charge.paid, "{step}: charge captured");
    assert_eq!(charge.invoice, None, "{step}: charge.invoice");
    assert_eq!(
        charge.payment_intent, invoice.payment_intent,
        "{step}: charge.payment_intent"
    );

    // localstripe: the lines of an invoice take `limit` but not `starting_after`.
    let lines = expect(
        "invoices.lines",
        client.get_invoices_invoice_lines(invoice_id).limit(1),
    )
    .await;
    assert_eq!(lines.data, [fee.clone()], "invoices.lines: first line");
    assert!(lines.has_more, "invoices.lines: has_more");

    invoice
}

/// The customer's next invoice, made on demand with a new pending item, then paid.
async fn next_invoice(
    client: &Client,
    ada: &Customer,
    subscription: &Subscription,
    first: &Invoice,
) {
    let body = PostInvoiceitemsBody::new(&ada.id)
        .amount(300)
        .currency("eur")
        .description("Extra seat setup");
    let item = expect(
        "invoiceitems.create_another",
        client.post_invoiceitems(&body),
    )
    .await;
    assert_eq!(item.amount, 300, "invoiceitems.create_another: amount");
    assert_eq!(
        item.description.as_deref(),
        Some("Extra seat setup"),
        "invoiceitems.create_another: description"
    );

    // localstripe: POST /v1/invoices makes the customer's next subscription invoice (the
    // subscription's seats and the pending items; without a subscription it is a 400),
    // where Stripe makes a draft of the pending items alone; and it drops `metadata`.
    let body = PostInvoicesBody::default()
        .customer(&ada.id)
        .description("Next month")
        .metadata(map(&[("k", "v")]));
    let draft = expect("invoices.create", client.post_invoices().body(&body)).await;
    let step = "invoices.create";
    let Some(draft_id) = draft.id.clone() else {
        panic!("{step}: no id");
    };
    assert_ne!(Some(&draft_id), first.id.as_ref(), "{step}: a new invoice");
    assert_eq!(draft.status, Some(InvoiceStatus::Draft), "{step}: status");
    assert_eq!(
        draft.customer.as_deref(),
        Some(&BankAccountCustomer::Text(ada.id.clone())),
        "{step}: customer"
    );
    assert_eq!(
        draft.description.as_deref(),
        Some("Next month"),
        "{step}: description"
    );
    assert_eq!(draft.metadata, Some(BTreeMap::new()), "{step}: metadata");
    assert_eq!(
        draft.subscription.as_deref(),
        Some(&CheckoutSessionSubscription::Text(subscription.id.clone())),
        "{step}: subscription"
    );
    assert_eq!(draft.subtotal, 2 * 1000 + 300, "{step}: subtotal");
    assert_eq!(draft.amount_paid, 0, "{step}: amount_paid");
    // localstripe: `default_tax_rates` is null here (the subscription has none); the
    // document requires a list (overlay).
    assert_eq!(draft.default_tax_rates, None, "{step}: default_tax_rates");
    let lines: Vec<(LineItemType, i64)> = draft
        .lines
        .data
        .iter()
        .map(|line| (line.r#type.clone(), line.amount))
        .collect();
    assert_eq!(
        lines,
        [
            (LineItemType::Subscription, 2000),
            (LineItemType::Invoiceitem, 300)
        ],
        "{step}: lines"
    );
    assert_eq!(draft.charge, None, "{step}: charge");

    let paid = expect("invoices.pay", client.post_invoices_invoice_pay(&draft_id)).await;
    let step = "invoices.pay";
    assert_eq!(paid.status, Some(InvoiceStatus::Paid), "{step}: status");
    assert_eq!(paid.amount_paid, 2300, "{step}: amount_paid");
    let Some(RefundCharge::Charge(charge)) = paid.charge.as_deref() else {
        panic!("{step}: a charge expected, got {:?}", paid.charge);
    };
    assert_eq!(charge.amount, 2300, "{step}: charge.amount");
    assert_eq!(
        charge.payment_method.as_deref(),
        ada.invoice_settings
            .as_deref()
            .and_then(|settings| settings.default_payment_method.as_deref())
            .and_then(|method| match method {
                MandatePaymentMethod::Text(id) => Some(id.as_str()),
                _ => None,
            }),
        "{step}: charged the default payment method"
    );

    // localstripe: invoices are sorted by `date` (a subscription invoice's is its period's
    // start or end), newest first.
    let listed = expect(
        "invoices.list_by_customer",
        client.get_invoices().customer(&ada.id),
    )
    .await;
    assert_eq!(
        listed.data,
        [paid, first.clone()],
        "invoices.list_by_customer"
    );

    // localstripe: only pending items are listed; Stripe lists invoiced ones too unless
    // `pending=true`.
    let pending = expect(
        "invoiceitems.list_by_customer",
        client.get_invoiceitems().customer(&ada.id),
    )
    .await;
    assert_eq!(
        pending.data,
        [],
        "invoiceitems.list_by_customer: every item is invoiced"
    );
}

// ---------------------------------------------------------------------------------------
// Errors

/// Checks an `error` as localstripe sends them: always an `invalid_request_error`, with
/// `message` and sometimes `code`, never `param`.
fn check_error(step: &str, error: &ApiErrors, message: &str, code: Option<&str>) {
    assert_eq!(
        error.r#type,
        ApiErrorsType::InvalidRequestError,
        "{step}: type"
    );
    assert_eq!(error.message.as_deref(), Some(message), "{step}: message");
    assert_eq!(error.code.as_deref(), code, "{step}: code");
    assert_eq!(error.param, None, "{step}: param");
}

async fn errors(client: &Client, ada: &Customer) {
    let error = expect_error(
        "errors.read_missing_customer",
        client.get_customers_customer("cus_missing"),
        404,
    )
    .await;
    check_error("errors.read_missing_customer", &error, "Not Found", None);

    let error = expect_error(
        "errors.bad_expand",
        client
            .get_customers_customer(&ada.id)
            .expand(&strings(&["nosuchfield"])),
        400,
    )
    .await;
    check_error(
        "errors.bad_expand",
        &error,
        "Bad expand 'nosuchfield'",
        None,
    );

    // localstripe: a card that has expired is a 400 `invalid_request_error` "Bad request";
    // Stripe answers 402 with a `card_error` and `param: card[exp_year]`.
    let card =
        PostPaymentMethodsBodyCardCardDetailsParams::new(12, 2010, "4242424242424242").cvc("123");
    let body = PostPaymentMethodsBody::default()
        .r#type(GetPaymentMethodsType::Card)
        .card(card);
    let error = expect_error(
        "errors.expired_card",
        client.post_payment_methods().body(&body),
        400,
    )
    .await;
    check_error(
        "errors.expired_card",
        &error,
        "Bad request",
        Some("invalid_expiry_year"),
    );
}

// ---------------------------------------------------------------------------------------
// Cleanup

async fn cleanup(client: &Client, customer_ids: &[String], product: &Product, plan: &Plan) {
    let deleted = expect("cleanup.delete_plan", client.delete_plans_plan(&plan.id)).await;
    assert_eq!(
        deleted,
        DeletedPlan {
            deleted: true,
            id: plan.id.clone(),
            object: PlanObject::Plan,
        },
        "cleanup.delete_plan"
    );
    let deleted = expect(
        "cleanup.delete_product",
        client.delete_products_id(&product.id),
    )
    .await;
    assert_eq!(
        deleted,
        DeletedProduct {
            deleted: true,
            id: product.id.clone(),
            object: ProductObject::Product,
        },
        "cleanup.delete_product"
    );

    for (n, id) in customer_ids.iter().enumerate().rev().take(2) {
        let step = format!("cleanup.delete_customer_{}", n + 1);
        let deleted = expect(&step, client.delete_customers_customer(id)).await;
        assert_eq!(
            deleted,
            DeletedCustomer {
                deleted: true,
                id: id.clone(),
                object: CustomerObject::Customer,
            },
            "{step}"
        );
        // localstripe: a deleted customer is a 404; Stripe answers 200 with the
        // `deleted_customer` variant of the read's `customer | deleted_customer`.
        let step = format!("cleanup.read_deleted_customer_{}", n + 1);
        let error = expect_error(&step, client.get_customers_customer(id), 404).await;
        check_error(&step, &error, "Not Found", None);
    }
    let deleted = expect(
        "cleanup.delete_ada",
        client.delete_customers_customer(&customer_ids[0]),
    )
    .await;
    assert!(deleted.deleted, "cleanup.delete_ada");

    let left = expect("cleanup.list_customers", client.get_customers().limit(10)).await;
    let left: Vec<&String> = left.data.iter().map(|customer| &customer.id).collect();
    assert_eq!(
        left,
        customer_ids[1..5].iter().collect::<Vec<_>>(),
        "cleanup.list_customers"
    );
}
